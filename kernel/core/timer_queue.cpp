#include "timer_queue.h"

#include "../hal/backend.h"
#include "../hal/cpu.h"
#include "../hal/timer.h"
#include "../lib/spinlock.h"
#include "scheduler.h"

namespace kernel {
namespace {

struct CpuTimers {
    // Lock order: a CPU's timer lock is a leaf; callbacks run after it is released.
    Spinlock lock;
    IntrusiveList<TimerEvent, &TimerEvent::node> events;  // sorted by deadline
    TimerEvent* running = nullptr;  // whose callback runs now (compared, never dereferenced)
};
CpuTimers timers[hal::max_cpus];

}  // namespace

void add_timer(TimerEvent& event) {
    hal::InterruptGuard interrupts;
    event.cpu = hal::current_cpu();
    CpuTimers& queue = timers[event.cpu];
    bool earliest;
    {
        queue.lock.lock_raw();
        TimerEvent* position = queue.events.first();
        while (position && position->deadline_ns <= event.deadline_ns) position = queue.events.next(*position);
        if (position) queue.events.insert_before(*position, event);
        else queue.events.append(event);
        earliest = queue.events.first() == &event;
        queue.lock.unlock_raw();
    }
    if (earliest) reprogram_timer();
}

bool cancel_timer(TimerEvent& event) {
    CpuTimers& queue = timers[event.cpu];
    for (;;) {
        SpinlockGuard guard(queue.lock);
        if (event.node.is_linked()) {
            queue.events.remove(event);
            return true;
        }
        // Fired already, or firing now: wait until its callback is done with it, so that the
        // caller may free the event when we return.
        if (queue.running != &event) return false;
    }
}

void run_expired_timers(unsigned cpu, u64 now_ns) {
    CpuTimers& queue = timers[cpu];
    for (;;) {
        queue.lock.lock_raw();
        TimerEvent* event = queue.events.first();
        if (!event || event->deadline_ns > now_ns) {
            queue.lock.unlock_raw();
            return;
        }
        queue.events.remove(*event);
        queue.running = event;
        queue.lock.unlock_raw();
        // The callback may end the event's life (a woken sleeper returns): only its address
        // is used after this.
        event->callback(*event);
        queue.lock.lock_raw();
        queue.running = nullptr;
        queue.lock.unlock_raw();
    }
}

u64 next_timer_deadline(unsigned cpu) {
    CpuTimers& queue = timers[cpu];
    queue.lock.lock_raw();
    TimerEvent* first = queue.events.first();
    u64 deadline = first ? first->deadline_ns : 0;
    queue.lock.unlock_raw();
    return deadline;
}

}  // namespace kernel
