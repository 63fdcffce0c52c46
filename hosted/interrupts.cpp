// Hosted interrupts.
//
// Each CPU thread has a virtual interrupt flag. Interrupt sources set bits in the CPU's
// `pending` word and kick its thread with kick_signal(). The signal handler:
//   - with the flag clear, only records (an expired timer becomes pending_timer); the bits
//     run when the kernel re-enables interrupts (hal::irq_enable);
//   - with the flag set, clears it, unblocks the kick signal, and runs the handlers and
//     kernel_interrupt_exit() right in the handler, where the kernel may switch threads (as
//     User-Mode Linux does). Unblocking first restores the host signal mask every kernel
//     thread expects, whichever thread the switch resumes; a kick arriving meanwhile finds
//     the flag clear and only records, so handlers nest at most two deep.
// Under TSan, signal handlers run deferred at interceptor boundaries, where switching
// fibers is unsafe; there the handler only records, and preemption happens at the next
// hal::irq_enable (see docs/testing.md).
#include "interrupts.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>

#include "../kernel/hal/cpu.h"
#include "../kernel/hal/interrupts.h"
#include "host_cpu.h"

namespace hosted {
namespace {

#if defined(NEWT_TSAN)
constexpr bool preempt_in_signal_handler = false;
#else
constexpr bool preempt_in_signal_handler = true;
#endif

struct IrqLine {
    hal::IrqHandler handler = nullptr;
    void* context = nullptr;
};
IrqLine lines[hal::irq_line_count];
std::atomic<std::uint32_t> pending_lines {0};
std::atomic<std::uint32_t> masked_lines {~0u};
pthread_mutex_t lines_lock = PTHREAD_MUTEX_INITIALIZER;
constexpr unsigned device_irq_cpu = 0;

void run_device_handlers() {
    std::uint32_t ready = pending_lines.exchange(0) ;
    std::uint32_t masked = ready & masked_lines.load();
    if (masked) pending_lines.fetch_or(masked);  // stays latched until unmasked
    ready &= ~masked;
    for (unsigned line = 0; ready; ++line, ready >>= 1) {
        if ((ready & 1) && lines[line].handler) lines[line].handler(line, lines[line].context);
    }
}

void on_kick(int, siginfo_t*, void*) {
    HostCpu* cpu = this_host_cpu();
    if (!cpu) return;
    if (machine_stopping()) stop_this_cpu();
    if (!preempt_in_signal_handler || !cpu->irq_enabled.load()) {
        // Only recording: the interrupted code (perhaps a host call inside the HAL) resumes
        // on this very thread, so its errno must survive us.
        int saved_errno = errno;
        note_timer_expiry(*cpu);
        kick_user_stub(*cpu);  // the thread may be waiting for a stub that runs guest code
        errno = saved_errno;
        return;
    }
    // Interrupts are enabled, so the interrupted code is kernel code outside any host call:
    // it has no errno to keep (and may resume on another CPU thread after a switch).
    note_timer_expiry(*cpu);
    if (cpu->pending.load()) {
        cpu->irq_enabled.store(false);
        sigset_t kick;
        sigemptyset(&kick);
        sigaddset(&kick, kick_signal());
        pthread_sigmask(SIG_UNBLOCK, &kick, nullptr);
        dispatch_pending_interrupts();
        hal::irq_enable();
    }
}

}  // namespace

void dispatch_pending_interrupts() {
    HostCpu* cpu = this_host_cpu();
    while (std::uint32_t bits = cpu->pending.exchange(0)) {
        if (bits & pending_timer) kernel_timer_interrupt();
        if (bits & pending_ipi) kernel_ipi();
        if (bits & pending_device) run_device_handlers();
    }
    kernel_interrupt_exit();
}

void raise_irq(unsigned line) {
    if (line >= hal::irq_line_count) return;
    pending_lines.fetch_or(1u << line);
    if (!(masked_lines.load() & (1u << line))) post_interrupt(device_irq_cpu, pending_device);
}

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_sigaction = on_kick;
    action.sa_flags = SA_SIGINFO | SA_RESTART;  // the kick stays blocked while we record
    sigemptyset(&action.sa_mask);
    sigaction(kick_signal(), &action, nullptr);
}

}  // namespace hosted

namespace hal {

bool irq_enabled() {
    hosted::HostCpu* cpu = hosted::this_host_cpu();
    return cpu && cpu->irq_enabled.load();
}

void irq_disable() {
    if (hosted::HostCpu* cpu = hosted::this_host_cpu()) cpu->irq_enabled.store(false);
}

void irq_enable() {
    hosted::HostCpu* cpu = hosted::this_host_cpu();
    if (!cpu) return;  // a host thread outside the machine (tests, device models)
    for (;;) {
        cpu->irq_enabled.store(true);
        if (cpu->pending.load() == 0) return;
        // Something arrived while disabled: run it with interrupts off, then re-check.
        cpu->irq_enabled.store(false);
        hosted::dispatch_pending_interrupts();
        cpu = hosted::this_host_cpu();  // we may have been switched to another CPU
    }
}

kernel::Result<void> register_irq(unsigned line, IrqHandler handler, void* context) {
    if (line >= irq_line_count || !handler) return kernel::Errno::einval;
    {
        InterruptGuard interrupts;
        pthread_mutex_lock(&hosted::lines_lock);
        bool taken = hosted::lines[line].handler != nullptr;
        if (!taken) hosted::lines[line] = {handler, context};
        pthread_mutex_unlock(&hosted::lines_lock);
        if (taken) return kernel::Errno::ebusy;
    }
    unmask_irq(line);
    return kernel::ok();
}

void mask_irq(unsigned line) {
    if (line < irq_line_count) hosted::masked_lines.fetch_or(1u << line);
}

void unmask_irq(unsigned line) {
    if (line >= irq_line_count) return;
    hosted::masked_lines.fetch_and(~(1u << line));
    if (hosted::pending_lines.load() & (1u << line)) hosted::post_interrupt(hosted::device_irq_cpu, hosted::pending_device);
}

}  // namespace hal
