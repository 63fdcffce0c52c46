// panic(): the kernel found itself in a state it cannot continue from. Prints the message,
// the CPU and thread, a backtrace, and powers the machine off with panic_exit_status.
#pragma once

namespace kernel {

inline constexpr int panic_exit_status = 134;  // what `newt` exits with after a panic

[[noreturn, gnu::format(printf, 1, 2)]] void panic(const char* format, ...);

// Prints a backtrace of the caller to the console.
void dump_backtrace();

}  // namespace kernel

#define KASSERT(condition)                                                                  \
    do {                                                                                    \
        if (!(condition)) [[unlikely]]                                                      \
            ::kernel::panic("assertion failed: %s at %s:%d", #condition, __FILE__, __LINE__); \
    } while (0)
