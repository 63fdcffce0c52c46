// ITIMER_REAL (alarm, setitimer): one per process, a deadline and an interval. A kernel
// thread ("itimer") sleeps until the earliest deadline of all processes and sends SIGALRM
// from thread context (posting a signal takes the process's lock, which a timer interrupt
// may not). Armed processes are on a list under a spinlock (a leaf); exit disarms.
#pragma once

#include "../lib/result.h"
#include "../lib/types.h"

namespace kernel {

class Process;

struct RealTimer {
    u64 remaining_ns = 0;  // 0: disarmed
    u64 interval_ns = 0;   // reloaded after each expiry; 0: one shot
};

// Arms (remaining_ns > 0) or disarms the process's timer; returns what was left of the old.
Result<RealTimer> set_real_timer(Process& process, RealTimer timer);
RealTimer real_timer(Process& process);
// At exit (and for a new process): no timer.
void disarm_real_timer(Process& process);

}  // namespace kernel
