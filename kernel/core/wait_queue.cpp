#include "wait_queue.h"

#include "scheduler.h"

namespace kernel {

void WaitQueue::block_locked() {
    Waiter waiter;
    waiter.thread = current_thread();
    waiters_.append(waiter);
    prepare_to_block();
    lock_.unlock_raw();
    schedule();
    lock_.lock_raw();
    // A waker unlinks us before waking us; anything else that made us runnable did not.
    if (waiter.node.is_linked()) waiters_.remove(waiter);
}

void WaitQueue::wake_locked(Thread& thread) { wake_thread(thread); }

bool WaitQueue::wake_one() {
    SpinlockGuard guard(lock_);
    Waiter* waiter = waiters_.take_first();
    if (waiter) wake_thread(*waiter->thread);
    return waiter != nullptr;
}

usize WaitQueue::wake_all() {
    SpinlockGuard guard(lock_);
    usize count = 0;
    while (Waiter* waiter = waiters_.take_first()) {
        wake_thread(*waiter->thread);
        ++count;
    }
    return count;
}

bool WaitQueue::has_waiters() {
    SpinlockGuard guard(lock_);
    return !waiters_.is_empty();
}

}  // namespace kernel
