// The scheduler: per-CPU run queues with 32 priorities (round robin within a priority),
// one idle thread per CPU that halts until an interrupt, preemption by a tickless per-CPU
// timer (time slices only when a CPU has something else to run), and load balancing:
// woken threads go to an idle CPU when there is one, and a CPU about to idle steals work.
#pragma once

#include "../lib/ref_ptr.h"
#include "../lib/result.h"
#include "../mm/kmalloc.h"
#include "thread.h"

namespace kernel {

inline constexpr u64 time_slice_ns = 10'000'000;  // 10 ms

struct ThreadOptions {
    const char* name = "thread";
    int priority = default_priority;
    int pinned_cpu = -1;  // -1: may run on any CPU
};

// Creates a runnable thread running function(argument). The result holds a reference for
// the caller (to join or inspect it); drop it to detach.
Result<RefPtr<Thread>> spawn_thread(ThreadFunction function, void* argument, const ThreadOptions& options = {});

Thread* current_thread();
const char* current_thread_name();

void yield();
void sleep_ns(u64 duration_ns);
[[noreturn]] void exit_thread(int code = 0);

// Makes a blocked thread runnable (no effect on a runnable one).
void wake_thread(Thread& thread);
// Marks the current thread blocked; it sleeps at its next schedule() unless woken first.
// Interrupts must be disabled.
void prepare_to_block();
// Picks the next thread and switches to it. Interrupts must be disabled.
void schedule();
// Re-arms this CPU's timer for its next deadline (timer event or end of time slice).
// Interrupts must be disabled.
void reprogram_timer();

// Boot: turns the calling CPU's boot context into its idle thread.
void scheduler_init_cpu(unsigned cpu);
// Starts the reaper thread; call once after the boot CPU's scheduler is up.
Result<void> scheduler_start_services();
// The idle thread's loop. Enables interrupts.
[[noreturn]] void idle_loop();

// Whether scheduler_init_cpu ran for this many CPUs.
unsigned online_cpu_count();
// Threads running (other than idle threads) or waiting in a run queue, now: the load.
usize active_thread_count();
// The highest thread id handed out so far (/proc/loadavg's last pid).
u32 newest_thread_id();
// Live threads other than the idle threads (/proc/loadavg's total; Linux's nr_threads
// leaves out the swapper tasks too). Unlike snapshot_threads it reads nothing that other
// CPUs change while scheduling.
usize kernel_thread_count();

struct CpuStats {
    bool online;
    u64 idle_ns;
    u64 busy_ns;
    u64 context_switches;
    u64 preemptions;      // switches forced by the timer or a higher-priority wake-up
    usize runnable;       // threads waiting in the run queue
    const char* current;  // name of the running thread
};
CpuStats cpu_stats(unsigned cpu);

struct ThreadInfo {
    u32 id;
    char name[Thread::name_capacity];
    ThreadState state;
    int priority;
    int pinned_cpu;
    unsigned cpu;
    bool running;
    u64 runtime_ns;
    u64 switches;
};
// Calls visit(info) for every live thread (a snapshot taken under the thread-list lock).
template <typename Visitor>
void for_each_thread(Visitor visit);
usize snapshot_threads(ThreadInfo* out, usize capacity);

}  // namespace kernel

template <typename Visitor>
void kernel::for_each_thread(Visitor visit) {
    static constexpr usize capacity = 256;
    ThreadInfo* infos = static_cast<ThreadInfo*>(kmalloc(sizeof(ThreadInfo) * capacity));
    if (!infos) return;
    usize count = snapshot_threads(infos, capacity);
    for (usize i = 0; i < count; ++i) visit(infos[i]);
    kfree(infos);
}
