// Per-CPU software timers on top of the HAL's one-shot timer. An event fires once, on the
// CPU it was added on, from the timer interrupt (interrupts disabled): callbacks must not
// block. The event's memory must stay valid until it fired or was cancelled.
#pragma once

#include "../lib/intrusive_list.h"
#include "../lib/types.h"

namespace kernel {

struct TimerEvent {
    using Callback = void (*)(TimerEvent& event);

    u64 deadline_ns = 0;
    Callback callback = nullptr;
    void* context = nullptr;
    unsigned cpu = 0;
    IntrusiveListNode node;
};

// Queues `event` on the current CPU and reprograms its timer if it is now the earliest.
void add_timer(TimerEvent& event);
// Removes a pending event; returns false when it already fired (or was never added). When
// its callback is running on another CPU, waits for it to finish first.
bool cancel_timer(TimerEvent& event);

// Scheduler hooks (interrupts disabled): run what expired on this CPU, and the deadline of
// the earliest pending event (0 when none).
void run_expired_timers(unsigned cpu, u64 now_ns);
u64 next_timer_deadline(unsigned cpu);

}  // namespace kernel
