#include "load_average.h"

#include <atomic>

#include "scheduler.h"

namespace kernel {
namespace {

constexpr unsigned fixed_shift = 11;
constexpr u64 fixed_one = u64(1) << fixed_shift;
// exp(-5s/1min), exp(-5s/5min), exp(-5s/15min) in fixed point (Linux's EXP_1/5/15).
constexpr u64 decay[3] = {1884, 2014, 2037};
constexpr u64 sample_interval_ns = 5'000'000'000ull;

std::atomic<u64> averages_now[3];
std::atomic<usize> active_now {0};

u64 damp(u64 load, u64 exponent, u64 active) {
    u64 next = load * exponent + active * (fixed_one - exponent);
    if (active >= load) next += fixed_one - 1;  // round up while rising, as Linux does
    return next / fixed_one;
}

void sampler(void*) {
    for (;;) {
        sleep_ns(sample_interval_ns);
        usize active = active_thread_count();
        // The sampler itself is running now: not part of the load.
        if (active) --active;
        u64 averages[3] = {averages_now[0].load(std::memory_order_relaxed), averages_now[1].load(std::memory_order_relaxed),
                           averages_now[2].load(std::memory_order_relaxed)};
        update_load_average(averages, active);
        for (int i = 0; i < 3; ++i) averages_now[i].store(averages[i], std::memory_order_relaxed);
        active_now.store(active, std::memory_order_relaxed);
    }
}

}  // namespace

void update_load_average(u64 averages[3], usize active) {
    for (int i = 0; i < 3; ++i) averages[i] = damp(averages[i], decay[i], u64(active) * fixed_one);
}

Result<void> start_load_average() {
    TRY(spawn_thread(sampler, nullptr, {.name = "loadavg"}));
    return ok();
}

LoadAverage load_average() {
    return {{averages_now[0].load(std::memory_order_relaxed), averages_now[1].load(std::memory_order_relaxed),
             averages_now[2].load(std::memory_order_relaxed)},
            active_now.load(std::memory_order_relaxed)};
}

}  // namespace kernel
