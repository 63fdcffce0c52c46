// /proc/uptime: "%lu.%02lu %lu.%02lu\n", seconds since boot and the idle time of all CPUs
// added together, both with hundredths.
#include "../../core/scheduler.h"
#include "../../hal/cpu.h"
#include "../../hal/timer.h"
#include "proc_files.h"

namespace kernel {

void generate_uptime(TextBuffer& text) {
    u64 up = hal::monotonic_ns();
    u64 idle = 0;
    for (unsigned cpu = 0; cpu < hal::cpu_count(); ++cpu) idle += cpu_stats(cpu).idle_ns;
    text.appendf("%llu.%02llu %llu.%02llu\n", static_cast<unsigned long long>(up / 1'000'000'000),
                 static_cast<unsigned long long>(up / 10'000'000 % 100),
                 static_cast<unsigned long long>(idle / 1'000'000'000),
                 static_cast<unsigned long long>(idle / 10'000'000 % 100));
}

}  // namespace kernel
