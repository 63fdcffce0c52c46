// Shared by both x86_64 backends: the report printed when kernel code takes a CPU exception
// (bare metal: the IDT's handlers; hosted: SIGSEGV/SIGFPE/SIGILL/SIGBUS on a CPU thread,
// whose ucontext carries the same trap number and error code).
#pragma once

#include <cstdint>

namespace arch {

struct ExceptionState {
    std::uint64_t vector;
    std::uint64_t error_code;
    std::uint64_t fault_address;  // CR2 for page faults
    std::uint64_t rip, rsp, rflags, cs, ss;
    std::uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

const char* exception_name(std::uint64_t vector);

// Prints the exception, the faulting instruction's function and the registers on the
// emergency console, then panics (the panic adds the backtrace and stops the machine).
[[noreturn]] void report_kernel_exception(const ExceptionState& state);

}  // namespace arch
