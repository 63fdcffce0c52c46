#include "real_timer.h"

#include "../core/klog.h"
#include "../core/scheduler.h"
#include "../hal/timer.h"
#include "../lib/spinlock.h"
#include "process.h"
#include "user_thread.h"

namespace kernel {
namespace {

Spinlock timer_lock;  // leaf: the armed list and every process's deadline and interval
IntrusiveList<Process, &Process::real_timer_node_> armed;
Thread* worker = nullptr;  // set once, under timer_lock
bool worker_starting = false;

void remove_locked(Process& process) {
    if (process.real_timer_deadline_) armed.remove(process);
    process.real_timer_deadline_ = process.real_timer_interval_ = 0;
}

// Sends SIGALRM for every expired timer, reloads interval timers, then sleeps until the
// next deadline (setitimer wakes it early when it arms an earlier one).
[[noreturn]] void run_worker(void*) {
    for (;;) {
        constexpr usize batch = 32;
        RefPtr<Process> expired[batch];
        usize count = 0;
        u64 now = hal::monotonic_ns();
        u64 next = now + 1'000'000'000;  // re-check at least once a second
        {
            SpinlockGuard guard(timer_lock);
            for (Process* process = armed.first(); process;) {
                Process* following = armed.next(*process);
                if (process->real_timer_deadline_ <= now && count < batch) {
                    expired[count++] = RefPtr<Process>(process);
                    if (process->real_timer_interval_) {
                        u64 deadline = process->real_timer_deadline_ + process->real_timer_interval_;
                        process->real_timer_deadline_ = deadline > now ? deadline : now + process->real_timer_interval_;
                    } else {
                        remove_locked(*process);
                    }
                }
                if (process->real_timer_deadline_ && process->real_timer_deadline_ < next)
                    next = process->real_timer_deadline_;
                process = following;
            }
        }
        for (usize i = 0; i < count; ++i) {
            abi::SignalInfo info {};
            info.signo = abi::sigalrm;
            info.code = abi::si_kernel;
            send_signal(*expired[i], abi::sigalrm, &info);
            expired[i] = nullptr;
        }
        if (count == batch) continue;
        now = hal::monotonic_ns();
        if (next > now) sleep_ns(next - now);
    }
}

Result<void> ensure_worker() {
    {
        SpinlockGuard guard(timer_lock);
        if (worker || worker_starting) return ok();
        worker_starting = true;
    }
    auto thread = spawn_thread(run_worker, nullptr, {.name = "itimer"});
    SpinlockGuard guard(timer_lock);
    worker_starting = false;
    if (thread.is_error()) return thread.error();
    worker = thread.value().get();
    worker->ref();  // lives for the kernel's life
    return ok();
}

RealTimer read_locked(const Process& process, u64 now) {
    if (!process.real_timer_deadline_) return {};
    u64 left = process.real_timer_deadline_ > now ? process.real_timer_deadline_ - now : 1;
    return {left, process.real_timer_interval_};
}

}  // namespace

Result<RealTimer> set_real_timer(Process& process, RealTimer timer) {
    if (timer.remaining_ns) TRY(ensure_worker());
    u64 now = hal::monotonic_ns();
    RealTimer old;
    Thread* to_wake = nullptr;
    {
        SpinlockGuard guard(timer_lock);
        to_wake = worker;
        old = read_locked(process, now);
        remove_locked(process);
        if (timer.remaining_ns) {
            process.real_timer_deadline_ = now + timer.remaining_ns;
            process.real_timer_interval_ = timer.interval_ns;
            armed.append(process);
        }
    }
    if (timer.remaining_ns && to_wake) wake_thread(*to_wake);
    return old;
}

RealTimer real_timer(Process& process) {
    SpinlockGuard guard(timer_lock);
    return read_locked(process, hal::monotonic_ns());
}

void disarm_real_timer(Process& process) {
    SpinlockGuard guard(timer_lock);
    remove_locked(process);
}

}  // namespace kernel
