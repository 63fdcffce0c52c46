// The load average (/proc/loadavg, uptime): exponentially damped averages of the number of
// runnable and running threads over 1, 5 and 15 minutes, sampled every 5 seconds with the
// same fixed-point constants as Linux (kernel/sched/loadavg.c).
#pragma once

#include "../lib/result.h"
#include "../lib/types.h"

namespace kernel {

struct LoadAverage {
    // Fixed point with 11 fractional bits (FSHIFT): 2048 = 1.00.
    u64 averages[3];
    usize active;  // runnable + running threads at the last sample
};

// Starts the sampling thread (once, at boot).
Result<void> start_load_average();
LoadAverage load_average();

// One sampling step: the new averages from the old ones and the current count (pure; the
// sampler and tests use it).
void update_load_average(u64 averages[3], usize active);

}  // namespace kernel
