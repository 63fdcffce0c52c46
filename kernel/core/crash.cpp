#include "crash.h"

#include "../lib/types.h"

// The faults must reach the CPU: no sanitizer check may report them first.
#define NEWT_RAW_FAULT __attribute__((noinline, no_sanitize("address", "undefined")))

namespace kernel {
namespace {

// Volatile addresses keep the compiler from seeing (and optimizing) the undefined behaviour.
volatile uptr null_address = 0;
volatile int dividend = 1, divisor = 0;
// Plain const, so that it lands in .rodata; written through a laundered address.
const u64 read_only_word = 0x6e657774;
volatile uptr read_only_address = reinterpret_cast<uptr>(&read_only_word);
// A `ret` instruction in writable data: executing it needs an executable data page.
volatile u8 data_code[16] = {0xc3};

NEWT_RAW_FAULT void null_dereference() { (void)*reinterpret_cast<volatile u64*>(null_address); }

NEWT_RAW_FAULT void write_rodata() { *reinterpret_cast<volatile u64*>(read_only_address) = 1; }

NEWT_RAW_FAULT void execute_data() {
    auto function = reinterpret_cast<void (*)()>(reinterpret_cast<uptr>(&data_code[0]));
    function();
}

NEWT_RAW_FAULT void divide_by_zero() {
    volatile int quotient = dividend / divisor;
    (void)quotient;
}

NEWT_RAW_FAULT void invalid_opcode() { __builtin_trap(); }

}  // namespace

const CrashKind crash_kinds[] = {
    {"null", "read through a null pointer (page fault)", null_dereference},
    {"rodata", "write to read-only data (page fault)", write_rodata},
    {"exec", "execute writable data (page fault, no-execute)", execute_data},
    {"divide", "divide by zero (divide error)", divide_by_zero},
    {"ud2", "execute an undefined instruction (invalid opcode)", invalid_opcode},
    {nullptr, nullptr, nullptr},
};

}  // namespace kernel
