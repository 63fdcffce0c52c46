// Kernel threads: each has its own kernel stack and saved context, a priority, and an
// optional CPU affinity. User threads (step 4) are kernel threads that enter user mode.
#pragma once

#include <atomic>

#include "../hal/context.h"
#include "../lib/intrusive_list.h"
#include "../lib/ref_ptr.h"
#include "../lib/spinlock.h"
#include "../lib/types.h"
#include "wait_queue.h"

namespace kernel {

enum class ThreadState : u8 {
    runnable,  // on a run queue, or running
    blocked,   // waiting: a WaitQueue, a sleep, a join
    dead,      // exited; the reaper frees its stack
};

inline constexpr int lowest_priority = 0;   // the idle threads only
inline constexpr int default_priority = 16;
inline constexpr int highest_priority = 31;
inline constexpr int priority_levels = 32;

using ThreadFunction = void (*)(void* argument);

class UserThread;  // kernel/proc: the user-mode half of a thread that runs a process

class Thread : public RefCounted<Thread> {
public:
    static constexpr usize name_capacity = 32;

    u32 id() const { return id_; }
    const char* name() const { return name_; }
    int priority() const { return priority_; }
    ThreadState state() const { return state_.load(std::memory_order_relaxed); }
    int pinned_cpu() const { return pinned_cpu_; }
    unsigned last_cpu() const { return cpu_; }
    // Read by other CPUs (/proc/<pid>/stat): a relaxed atomic, written by the scheduler only.
    u64 runtime_ns() const { return runtime_ns_.load(std::memory_order_relaxed); }
    u64 context_switches() const { return switches_; }
    bool has_exited() const { return exited_.load(std::memory_order_acquire); }
    int exit_code() const { return exit_code_; }

    // Waits until the thread has exited; returns its exit code.
    int join();

    ~Thread();

private:
    friend class Scheduler;
    friend struct ThreadInternals;
    Thread() = default;

    u32 id_ = 0;
    char name_[name_capacity] = {};
    int priority_ = default_priority;
    int pinned_cpu_ = -1;          // -1: any CPU
    unsigned cpu_ = 0;             // CPU whose run queue holds it, or where it last ran

    // Lock order: a WaitQueue lock may be held while taking state_lock_; state_lock_ is
    // released before any run queue lock is taken (wake-up and schedule() both do so).
    // state_ changes only under state_lock_; it is atomic so that lock-free readers (the
    // monitor, finish_switch checking for death) are well-defined.
    Spinlock state_lock_;
    std::atomic<ThreadState> state_ {ThreadState::runnable};
    bool off_cpu_queue_ = false;   // blocked and switched away: a wake-up must enqueue it
    std::atomic<bool> on_cpu_ {false};  // still running on some CPU (until switched away)

    hal::Context context_;
    void* stack_ = nullptr;        // kernel heap block, or nullptr for a backend stack
    usize stack_size_ = 0;
    ThreadFunction entry_ = nullptr;
    void* argument_ = nullptr;

    std::atomic<u64> runtime_ns_ {0};
    u64 started_running_ns_ = 0;
    u64 switches_ = 0;

    std::atomic<bool> exited_ {false};
    int exit_code_ = 0;
    WaitQueue joiners_;

public:
    UserThread* user = nullptr;    // set while the thread runs a process (kernel/proc)
    IntrusiveListNode run_node;    // run queue
    IntrusiveListNode all_node;    // list of all threads
    IntrusiveListNode dead_node;   // reaper's list
};

}  // namespace kernel
