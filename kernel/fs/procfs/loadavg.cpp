// /proc/loadavg: "%lu.%02lu %lu.%02lu %lu.%02lu running/total last\n" as Linux: the 1, 5 and
// 15 minute load averages (rounded as Linux's get_avenrun with FIXED_1/200), the threads
// running or runnable now (the reader included), the number of kernel threads (idle
// threads excluded, as Linux's nr_threads leaves out the swapper tasks), and the highest
// thread id handed out so far (Linux: the last pid).
#include "../../core/load_average.h"
#include "../../core/scheduler.h"
#include "proc_files.h"

namespace kernel {

void generate_loadavg(TextBuffer& text) {
    constexpr unsigned fixed_shift = 11;
    constexpr u64 fixed_one = u64(1) << fixed_shift;
    LoadAverage load = load_average();
    unsigned long long whole[3], hundredths[3];
    for (int i = 0; i < 3; ++i) {
        u64 value = load.averages[i] + fixed_one / 200;
        whole[i] = value >> fixed_shift;
        hundredths[i] = ((value & (fixed_one - 1)) * 100) >> fixed_shift;
    }
    usize threads = kernel_thread_count();
    text.appendf("%llu.%02llu %llu.%02llu %llu.%02llu %zu/%zu %u\n", whole[0], hundredths[0], whole[1], hundredths[1],
                 whole[2], hundredths[2], active_thread_count(), threads, newest_thread_id());
}

}  // namespace kernel
