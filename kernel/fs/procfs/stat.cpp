// /proc/stat: the CPU time lines and system counters in Linux's format, in USER_HZ (100)
// ticks. Newt accounts busy and idle time per CPU only, so busy time is reported as
// "system" and the other columns are 0. "processes" counts threads created since boot;
// "intr" has no per-line counts yet.
#include "../../core/scheduler.h"
#include "../../core/wall_clock.h"
#include "../../hal/cpu.h"
#include "../../hal/timer.h"
#include "../../lib/format.h"
#include "proc_files.h"

namespace kernel {
namespace {

constexpr u64 ns_per_tick = 10'000'000;  // USER_HZ = 100

void cpu_line(TextBuffer& text, const char* name, u64 busy_ns, u64 idle_ns) {
    text.appendf("%s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n", name, 0ull, 0ull,
                 static_cast<unsigned long long>(busy_ns / ns_per_tick),
                 static_cast<unsigned long long>(idle_ns / ns_per_tick), 0ull, 0ull, 0ull, 0ull, 0ull, 0ull);
}

}  // namespace

void generate_stat(TextBuffer& text) {
    unsigned cpus = hal::cpu_count();
    u64 busy = 0, idle = 0, switches = 0;
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        CpuStats stats = cpu_stats(cpu);
        busy += stats.busy_ns;
        idle += stats.idle_ns;
        switches += stats.context_switches;
    }
    cpu_line(text, "cpu ", busy, idle);
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        CpuStats stats = cpu_stats(cpu);
        char name[16];
        kstd::format(name, sizeof name, "cpu%u", cpu);
        cpu_line(text, name, stats.busy_ns, stats.idle_ns);
    }
    u64 boot_time = (realtime_ns() - hal::monotonic_ns()) / 1'000'000'000;
    text.appendf("intr 0\nctxt %llu\nbtime %llu\nprocesses %llu\nprocs_running %zu\nprocs_blocked 0\n",
                 static_cast<unsigned long long>(switches), static_cast<unsigned long long>(boot_time),
                 static_cast<unsigned long long>(newest_thread_id()) + 1, active_thread_count());
}

}  // namespace kernel
