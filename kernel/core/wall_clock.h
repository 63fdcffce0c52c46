// The wall clock: UTC as an offset from the monotonic clock. Set at boot from the RTC
// (drivers/rtc_clock.cpp) and later by settimeofday; it starts at 1970-01-01 when nothing
// sets it. Setting it never moves the monotonic clock, so sleeps and timers are unaffected.
#pragma once

#include "../lib/types.h"

namespace kernel {

// Nanoseconds since 1970-01-01 00:00:00 UTC.
u64 realtime_ns();

// Makes realtime_ns() return `ns` now and advance with the monotonic clock from here.
void set_realtime_ns(u64 ns);

}  // namespace kernel
