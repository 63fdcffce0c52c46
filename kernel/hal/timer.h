// The monotonic clock and per-CPU one-shot timers (tickless: the scheduler picks every
// deadline). The wall clock is the kernel's own (core/wall_clock.h), set from the RTC.
#pragma once

#include "../lib/types.h"

namespace hal {

// Nanoseconds since boot, monotonic, the same clock on every CPU.
kernel::u64 monotonic_ns();

// Arms the current CPU's one-shot timer for monotonic time `deadline_ns`, replacing any
// earlier deadline; 0 disarms it. A deadline in the past fires at once. On expiry the CPU
// runs kernel_timer_interrupt() once.
void arm_timer(kernel::u64 deadline_ns);

}  // namespace hal
