#include "cpu_faults.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "../arch/x86_64/cpu_exception.h"
#include "host_cpu.h"

namespace hosted {
namespace {

constexpr int fault_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction previous[sizeof fault_signals / sizeof fault_signals[0]];

struct sigaction* previous_for(int signal) {
    for (unsigned i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; ++i)
        if (fault_signals[i] == signal) return &previous[i];
    return nullptr;
}

void pass_on(int signal, siginfo_t* info, void* context) {
    struct sigaction* old = previous_for(signal);
    if (old && (old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
        old->sa_sigaction(signal, info, context);
        return;
    }
    if (old && old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(signal);
        return;
    }
    // Default action: returning re-runs the faulting instruction, which now kills us.
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal, &fallback, nullptr);
}

void on_fault(int signal, siginfo_t* info, void* context) {
    if (!this_host_cpu()) {
        pass_on(signal, info, context);
        return;
    }
    const greg_t* registers = static_cast<ucontext_t*>(context)->uc_mcontext.gregs;
    auto reg = [registers](int index) { return static_cast<std::uint64_t>(registers[index]); };
    arch::ExceptionState state {};
    state.vector = reg(REG_TRAPNO);
    state.error_code = reg(REG_ERR);
    state.fault_address = reinterpret_cast<std::uint64_t>(info->si_addr);
    state.rip = reg(REG_RIP), state.rsp = reg(REG_RSP), state.rflags = reg(REG_EFL);
    state.cs = reg(REG_CSGSFS) & 0xffff, state.ss = 0;
    state.rax = reg(REG_RAX), state.rbx = reg(REG_RBX), state.rcx = reg(REG_RCX), state.rdx = reg(REG_RDX);
    state.rsi = reg(REG_RSI), state.rdi = reg(REG_RDI), state.rbp = reg(REG_RBP);
    state.r8 = reg(REG_R8), state.r9 = reg(REG_R9), state.r10 = reg(REG_R10), state.r11 = reg(REG_R11);
    state.r12 = reg(REG_R12), state.r13 = reg(REG_R13), state.r14 = reg(REG_R14), state.r15 = reg(REG_R15);
    arch::report_kernel_exception(state);
}

}  // namespace

void install_cpu_fault_handlers() {
    static bool installed = false;
    if (installed) return;
    installed = true;
    for (unsigned i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; ++i) {
        struct sigaction action {};
        action.sa_sigaction = on_fault;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(fault_signals[i], &action, &previous[i]);
    }
}

void give_this_cpu_a_fault_stack() {
    constexpr std::size_t size = 256 * 1024;  // the report formats into stack buffers
    void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (memory == MAP_FAILED) return;
    stack_t stack {};
    stack.ss_sp = memory;
    stack.ss_size = size;
    sigaltstack(&stack, nullptr);
}

}  // namespace hosted
