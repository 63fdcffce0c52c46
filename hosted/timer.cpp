// hal clocks and per-CPU one-shot timers: a POSIX timer per CPU thread that delivers the
// kick signal to that thread (SIGEV_THREAD_ID) at an absolute CLOCK_MONOTONIC time.
#include <signal.h>
#include <time.h>

#include "../kernel/hal/timer.h"
#include "host_cpu.h"

namespace hosted {
namespace {

std::uint64_t now(clockid_t clock) {
    timespec ts;
    clock_gettime(clock, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

const std::uint64_t boot_monotonic_ns = now(CLOCK_MONOTONIC);

}  // namespace

void create_cpu_timer(HostCpu& cpu) {
    sigevent event {};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = kick_signal();
    event._sigev_un._tid = cpu.tid;
    cpu.timer_created = timer_create(CLOCK_MONOTONIC, &event, &cpu.timer) == 0;
}

void delete_cpu_timer(HostCpu& cpu) {
    if (cpu.timer_created) timer_delete(cpu.timer);
    cpu.timer_created = false;
}

void note_timer_expiry(HostCpu& cpu) {
    std::uint64_t deadline = cpu.timer_deadline.load();
    if (deadline && hal::monotonic_ns() >= deadline && cpu.timer_deadline.compare_exchange_strong(deadline, 0))
        cpu.pending.fetch_or(pending_timer);
}

}  // namespace hosted

namespace hal {

kernel::u64 monotonic_ns() { return hosted::now(CLOCK_MONOTONIC) - hosted::boot_monotonic_ns; }

void arm_timer(kernel::u64 deadline_ns) {
    hosted::HostCpu* cpu = hosted::this_host_cpu();
    if (!cpu || !cpu->timer_created) return;
    if (cpu->timer_deadline.exchange(deadline_ns) == deadline_ns) return;  // already armed so
    itimerspec spec {};
    if (deadline_ns) {
        kernel::u64 absolute = deadline_ns + hosted::boot_monotonic_ns;
        spec.it_value.tv_sec = static_cast<time_t>(absolute / 1'000'000'000ull);
        spec.it_value.tv_nsec = static_cast<long>(absolute % 1'000'000'000ull);
    }
    timer_settime(cpu->timer, TIMER_ABSTIME, &spec, nullptr);
}

}  // namespace hal
