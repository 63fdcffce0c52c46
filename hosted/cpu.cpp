// hal CPU functions for the hosted backend: CPUs are POSIX threads.
#include <sys/auxv.h>
#include <pthread.h>
#include <signal.h>

#include "../arch/x86_64/cpuid_description.h"
#include "../kernel/hal/cpu.h"
#include "../kernel/hal/interrupts.h"
#include "../kernel/hal/timer.h"
#include "host_cpu.h"
#include "interrupts.h"

namespace hosted {
namespace {

HostCpu cpus[hal::max_cpus];
thread_local HostCpu* current = nullptr;
unsigned configured_cpus = 1;

}  // namespace

// SIGURG: gdb passes it to the program without stopping or printing by default (as Go's
// preemption signal does), so `gdb --args newt` needs no setup; its default action is to
// ignore it, so a stray one is harmless.
int kick_signal() { return SIGURG; }

HostCpu* this_host_cpu() { return current; }
HostCpu& host_cpu(unsigned index) { return cpus[index]; }

void set_cpu_count(unsigned count) { configured_cpus = count; }

void bind_this_thread(HostCpu* cpu) { current = cpu; }

void post_interrupt(unsigned index, std::uint32_t bits) {
    HostCpu& cpu = cpus[index];
    std::uint32_t before = cpu.pending.fetch_or(bits);
    // Bits already pending mean a kick is on its way and not yet consumed: it covers ours.
    if (bits && (before & bits) == bits) return;
    // An idle CPU still polling its pending word sees the bits without a signal.
    if (bits && cpu.polling.load()) return;
    if (cpu.started.load()) pthread_kill(cpu.thread, kick_signal());
}

}  // namespace hosted

namespace hal {

unsigned cpu_count() { return hosted::configured_cpus; }

[[gnu::noinline]] unsigned current_cpu() {
    hosted::HostCpu* cpu = hosted::current;
    return cpu ? cpu->index : 0;
}

void cpu_relax() { __builtin_ia32_pause(); }

void halt_until_interrupt() {
    hosted::HostCpu* cpu = hosted::this_host_cpu();
    sigset_t kick, previous;
    sigemptyset(&kick);
    sigaddset(&kick, hosted::kick_signal());
    pthread_sigmask(SIG_BLOCK, &kick, &previous);
    // Poll briefly first: a wake-up that comes soon (a ping-pong between CPUs) then costs
    // no host signal and no host sleep. Posters skip the signal while `polling` is set; the
    // re-check after clearing it closes the race with them.
    kernel::u64 poll_until = monotonic_ns() + hosted::idle_poll_ns;
    cpu->polling.store(true);
    while (cpu->pending.load() == 0 && !hosted::machine_stopping() && monotonic_ns() < poll_until) cpu_relax();
    cpu->polling.store(false);
    // With the kick blocked, nothing can slip in between this check and the wait.
    if (cpu->pending.load() == 0 && !hosted::machine_stopping()) {
        sigset_t wait_mask = previous;
        sigdelset(&wait_mask, hosted::kick_signal());
#if defined(NEWT_TSAN)
        // TSan runs signal handlers late (at the thread's next interceptor) and kicks have
        // been seen to go missing under load, leaving every CPU asleep. Sleep in bounded
        // steps and look for the work itself: posters set `pending` before they kick, and
        // an expired timer is noticed from its deadline without its signal.
        while (cpu->pending.load() == 0 && !hosted::machine_stopping()) {
            timespec step {0, 200'000};
            pthread_sigmask(SIG_SETMASK, &wait_mask, nullptr);
            nanosleep(&step, nullptr);
            pthread_sigmask(SIG_BLOCK, &kick, nullptr);
            hosted::note_timer_expiry(*cpu);
        }
#else
        sigsuspend(&wait_mask);  // the handler records what arrived (interrupts are off)
#endif
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (hosted::machine_stopping()) hosted::stop_this_cpu();
    irq_enable();
}

void send_ipi(unsigned cpu) { hosted::post_interrupt(cpu, hosted::pending_ipi); }

void start_secondary_cpus() {
    for (unsigned i = 1; i < hosted::configured_cpus; ++i) hosted::start_cpu_thread(i);
}

void describe_cpu(CpuDescription& description) {
    arch::describe_cpu_with_cpuid(description);
    // Guests run natively on the host CPU: they may use what the host kernel allows (its
    // own AT_HWCAP2 says whether CR4.FSGSBASE is on; the stub samples the bases at traps).
    constexpr unsigned long hwcap2_fsgsbase = 2;
    description.user_hwcap2 = getauxval(AT_HWCAP2) & hwcap2_fsgsbase;
    // The host CPU's base frequency, when CPUID has leaf 0x16 (MHz); else unknown.
    std::uint32_t r[4];
    arch::cpuid(0, 0, r);
    if (r[0] >= 0x16) {
        arch::cpuid(0x16, 0, r);
        description.frequency_khz = std::uint64_t(r[0] & 0xffff) * 1000;
    }
}

}  // namespace hal
