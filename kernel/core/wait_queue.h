// WaitQueue: threads sleep here until a condition they wait for becomes true.
//
//   queue.wait_until([&] { return data_ready; });   // condition runs under the queue's lock
//   data_ready = true; queue.wake_all();
//
// The condition is evaluated with the queue's spinlock held, so it may also consume what it
// waited for (Semaphore and Mutex do). It must not block.
#pragma once

#include "../lib/intrusive_list.h"
#include "../lib/spinlock.h"
#include "../lib/types.h"

namespace kernel {

class Thread;

class WaitQueue {
public:
    WaitQueue() = default;
    WaitQueue(const WaitQueue&) = delete;
    WaitQueue& operator=(const WaitQueue&) = delete;

    template <typename Condition>
    void wait_until(Condition condition) {
        hal::IrqState state = lock_.lock();
        while (!condition()) block_locked();
        lock_.unlock(state);
    }

    // Wakes the longest waiter; returns whether there was one.
    bool wake_one();
    // Takes the longest waiter off the queue, runs hand_over(thread or nullptr) with the
    // queue's lock held, then wakes it: lets a lock pass ownership to the thread it wakes
    // (Mutex), so a newcomer cannot take it first.
    template <typename Callback>
    void wake_one_handing(Callback hand_over) {
        SpinlockGuard guard(lock_);
        Waiter* waiter = waiters_.take_first();
        hand_over(waiter ? waiter->thread : nullptr);
        if (waiter) wake_locked(*waiter->thread);
    }
    // Wakes every waiter; returns how many.
    usize wake_all();
    bool has_waiters();

    // Runs callback() with the queue's lock held: for state that conditions read.
    template <typename Callback>
    decltype(auto) locked(Callback callback) {
        SpinlockGuard guard(lock_);
        return callback();
    }

private:
    // A waiting thread's entry, on its own stack while it waits (as Linux's wait_queue_entry).
    struct Waiter {
        IntrusiveListNode node;
        Thread* thread;
    };

    // With lock_ held and interrupts disabled: queues the current thread, releases the lock,
    // switches away until woken, and takes the lock again.
    void block_locked();
    static void wake_locked(Thread& thread);

    // Lock order: a WaitQueue lock is taken before thread state locks and run queue locks.
    Spinlock lock_;
    IntrusiveList<Waiter, &Waiter::node> waiters_;
};

}  // namespace kernel
