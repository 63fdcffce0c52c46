#include "panic.h"

#include <atomic>

#include "../hal/cpu.h"
#include "../hal/debug.h"
#include "../hal/interrupts.h"
#include "../lib/format.h"
#include "../lib/string.h"
#include "../tty/console.h"
#include "scheduler.h"

namespace kernel {
namespace {

std::atomic<bool> panicking {false};

void print(const char* text) { console_write_emergency(text, kstd::strlen(text)); }

}  // namespace

void dump_backtrace() {
    uptr frames[32];
    usize count = hal::backtrace(frames, 32);
    char line[256], symbol[160];
    for (usize i = 0; i < count; ++i) {
        // Look up the call instruction, not the return address: after a call to a noreturn
        // function the return address may already be past the caller's end.
        uptr offset = hal::symbolize(frames[i] - 1, symbol, sizeof symbol) + 1;
        if (symbol[0])
            kstd::format(line, sizeof line, "  #%zu %p %s+%#lx\r\n", i, reinterpret_cast<void*>(frames[i]), symbol,
                         static_cast<unsigned long>(offset));
        else  // no symbol table: addr2line names it
            kstd::format(line, sizeof line, "  #%zu %p\r\n", i, reinterpret_cast<void*>(frames[i]));
        print(line);
    }
}

void panic(const char* format, ...) {
    hal::irq_disable();
    if (panicking.exchange(true)) {
        // A second CPU (or a nested panic) only stops.
        hal::poweroff(panic_exit_status);
    }
    char message[512];
    kstd::va_list arguments;
    __builtin_va_start(arguments, format);
    kstd::vformat(message, sizeof message, format, arguments);
    __builtin_va_end(arguments);

    char header[640];
    kstd::format(header, sizeof header, "\r\nKERNEL PANIC on cpu%u (%s): %s\r\n", hal::current_cpu(),
                 current_thread_name(), message);
    print(header);
    dump_backtrace();
    hal::poweroff(panic_exit_status);
}

}  // namespace kernel
