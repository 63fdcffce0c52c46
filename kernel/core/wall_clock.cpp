#include "wall_clock.h"

#include <atomic>

#include "../hal/timer.h"

namespace kernel {
namespace {

// realtime - monotonic. Signed: a wall clock set to a time earlier than the uptime (a test,
// a bad RTC) is still representable. One word, so readers need no lock.
std::atomic<i64> realtime_offset_ns {0};

}  // namespace

u64 realtime_ns() {
    const i64 now = realtime_offset_ns.load(std::memory_order_relaxed) + static_cast<i64>(hal::monotonic_ns());
    return now < 0 ? 0 : static_cast<u64>(now);
}

void set_realtime_ns(u64 ns) {
    realtime_offset_ns.store(static_cast<i64>(ns) - static_cast<i64>(hal::monotonic_ns()), std::memory_order_relaxed);
}

}  // namespace kernel
