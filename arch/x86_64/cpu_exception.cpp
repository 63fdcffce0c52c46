#include "cpu_exception.h"

#include "../../kernel/core/panic.h"
#include "../../kernel/core/scheduler.h"
#include "../../kernel/hal/cpu.h"
#include "../../kernel/hal/debug.h"
#include "../../kernel/lib/format.h"
#include "../../kernel/lib/string.h"
#include "../../kernel/tty/console.h"

namespace arch {
namespace {

constexpr std::uint64_t page_fault = 14;

void emit(const char* text) { kernel::console_write_emergency(text, kstd::strlen(text)); }

// "page not present on read", "protection violation on instruction fetch", ...
const char* page_fault_kind(std::uint64_t error_code) {
    bool present = error_code & 1, write = error_code & 2, fetch = error_code & 16;
    if (error_code & 8) return "reserved bit set in a page-table entry";
    if (fetch) return present ? "protection violation on instruction fetch" : "page not present on instruction fetch";
    if (write) return present ? "protection violation on write" : "page not present on write";
    return present ? "protection violation on read" : "page not present on read";
}

}  // namespace

const char* exception_name(std::uint64_t vector) {
    static const char* const names[32] = {
        "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
        "device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
        "stack fault", "general protection", "page fault", "reserved", "x87 floating point", "alignment check",
        "machine check", "SIMD floating point", "virtualization", "control protection", "reserved", "reserved",
        "reserved", "reserved", "reserved", "reserved", "hypervisor injection", "VMM communication", "security",
        "reserved"};
    return vector < 32 ? names[vector] : "interrupt";
}

void report_kernel_exception(const ExceptionState& s) {
    using ull = unsigned long long;
    char text[1024], symbol[160];
    kstd::format(text, sizeof text, "\r\nCPU exception %llu (%s), error code %#llx, on cpu%u in thread %s\r\n",
                 static_cast<ull>(s.vector), exception_name(s.vector), static_cast<ull>(s.error_code),
                 hal::current_cpu(), kernel::current_thread_name());
    emit(text);
    if (s.vector == page_fault) {
        kstd::format(text, sizeof text, "  %s at address %#llx\r\n", page_fault_kind(s.error_code),
                     static_cast<ull>(s.fault_address));
        emit(text);
    }
    kernel::uptr offset = hal::symbolize(s.rip, symbol, sizeof symbol);
    kstd::format(text, sizeof text, "  rip %016llx  %s+%#llx\r\n", static_cast<ull>(s.rip), symbol[0] ? symbol : "?",
                 static_cast<ull>(offset));
    emit(text);
    kstd::format(text, sizeof text,
                 "  rsp %016llx  rflags %016llx  cs %llx ss %llx  cr2 %016llx\r\n"
                 "  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\r\n"
                 "  rsi %016llx  rdi %016llx  rbp %016llx  r8  %016llx\r\n"
                 "  r9  %016llx  r10 %016llx  r11 %016llx  r12 %016llx\r\n"
                 "  r13 %016llx  r14 %016llx  r15 %016llx\r\n",
                 static_cast<ull>(s.rsp), static_cast<ull>(s.rflags), static_cast<ull>(s.cs), static_cast<ull>(s.ss),
                 static_cast<ull>(s.fault_address), static_cast<ull>(s.rax), static_cast<ull>(s.rbx),
                 static_cast<ull>(s.rcx), static_cast<ull>(s.rdx), static_cast<ull>(s.rsi), static_cast<ull>(s.rdi),
                 static_cast<ull>(s.rbp), static_cast<ull>(s.r8), static_cast<ull>(s.r9), static_cast<ull>(s.r10),
                 static_cast<ull>(s.r11), static_cast<ull>(s.r12), static_cast<ull>(s.r13), static_cast<ull>(s.r14),
                 static_cast<ull>(s.r15));
    emit(text);
    kernel::panic("unhandled CPU exception %llu (%s) at %#llx", static_cast<ull>(s.vector), exception_name(s.vector),
                  static_cast<ull>(s.rip));
}

}  // namespace arch
