// The boot self-demo: two busy kernel threads pinned to every CPU, each recording which
// thread held its CPU every few milliseconds. Neither ever yields, so every change of letter
// in a CPU's timeline is a preemption by the timer.
#include "../hal/cpu.h"
#include "../hal/timer.h"
#include "../lib/format.h"
#include "../lib/string.h"
#include "../tty/console.h"
#include "boot.h"
#include "klog.h"
#include "scheduler.h"

namespace kernel {
namespace {

constexpr u64 run_for_ns = 200'000'000;     // busy time each thread gets
constexpr u64 sample_every_ns = 4'000'000;  // one timeline character per 4 ms of CPU time
constexpr usize timeline_capacity = 128;

struct Timeline {
    std::atomic<usize> length {0};
    char samples[timeline_capacity];
};

struct DemoThread {
    char letter;
    Timeline* timeline;
};

void busy_thread(void* argument) {
    auto* self = static_cast<DemoThread*>(argument);
    u64 used = 0, last = hal::monotonic_ns(), next_sample = 0;
    while (used < run_for_ns) {
        u64 now = hal::monotonic_ns();
        // Time off the CPU (preempted) does not count: only short gaps are our own work.
        if (now - last < 1'000'000) used += now - last;
        last = now;
        if (used >= next_sample) {
            next_sample += sample_every_ns;
            usize slot = self->timeline->length.fetch_add(1, std::memory_order_relaxed);
            if (slot < timeline_capacity) self->timeline->samples[slot] = self->letter;
        }
    }
}

}  // namespace

void run_self_demo() {
    unsigned cpus = hal::cpu_count();
    constexpr unsigned per_cpu = 2;
    auto* timelines = static_cast<Timeline*>(kzalloc(sizeof(Timeline) * cpus));
    auto* demo = static_cast<DemoThread*>(kzalloc(sizeof(DemoThread) * cpus * per_cpu));
    auto* threads = static_cast<RefPtr<Thread>*>(kzalloc(sizeof(RefPtr<Thread>) * cpus * per_cpu));
    if (!timelines || !demo || !threads) {
        klog_warn("demo: out of memory");
        kfree(timelines), kfree(demo), kfree(threads);
        return;
    }
    kprintf("\nSelf-demo: %u busy threads (A, B, ...) pinned %u per CPU, never yielding.\n"
            "Each line is one CPU's timeline, a letter per %llu ms: a change is a timer preemption.\n",
            cpus * per_cpu, per_cpu, static_cast<unsigned long long>(sample_every_ns / 1'000'000));
    u64 switches_before = 0;
    for (unsigned c = 0; c < cpus; ++c) switches_before += cpu_stats(c).preemptions;
    for (unsigned i = 0; i < cpus * per_cpu; ++i) {
        demo[i] = {static_cast<char>('A' + i % 26), &timelines[i / per_cpu]};
        char name[16];
        kstd::format(name, sizeof name, "demo-%c", demo[i].letter);
        auto thread = spawn_thread(busy_thread, &demo[i], {.name = name, .pinned_cpu = static_cast<int>(i / per_cpu)});
        if (thread.is_error()) klog_warn("demo: cannot start thread %c: %s", demo[i].letter, errno_name(thread.error()));
        else new (&threads[i]) RefPtr<Thread>(thread.release_value());
    }
    for (unsigned i = 0; i < cpus * per_cpu; ++i) {
        if (threads[i]) threads[i]->join();
        threads[i].~RefPtr<Thread>();
    }
    u64 switches_after = 0;
    for (unsigned c = 0; c < cpus; ++c) {
        Timeline& timeline = timelines[c];
        usize length = timeline.length.load();
        if (length > timeline_capacity) length = timeline_capacity;
        kprintf("  cpu%-2u %.*s\n", c, static_cast<int>(length), timeline.samples);
        switches_after += cpu_stats(c).preemptions;
    }
    kprintf("Timer preemptions during the demo: %llu\n\n", static_cast<unsigned long long>(switches_after - switches_before));
    kfree(timelines), kfree(demo), kfree(threads);
}

}  // namespace kernel
