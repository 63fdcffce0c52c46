// Mutex: a sleeping lock for thread context (never in interrupt handlers). Waiters block on
// a WaitQueue instead of spinning. Not recursive. Fair: unlock() hands the mutex to the
// longest waiter (FIFO), so no waiter starves however often others relock it.
#pragma once

#include <utility>

#include "wait_queue.h"

namespace kernel {

class Thread;

class Mutex {
public:
    void lock();
    bool try_lock();
    void unlock();
    bool is_locked_by_current_thread() const;
    bool has_waiters() { return queue_.has_waiters(); }

private:
    WaitQueue queue_;
    Thread* owner_ = nullptr;  // guarded by queue_'s lock
};

class [[nodiscard]] MutexGuard {
public:
    explicit MutexGuard(Mutex& mutex) : mutex_(mutex) { mutex_.lock(); }
    ~MutexGuard() { mutex_.unlock(); }
    MutexGuard(const MutexGuard&) = delete;
    MutexGuard& operator=(const MutexGuard&) = delete;

private:
    Mutex& mutex_;
};

// Data reachable only with its mutex held: `files.with([](FileTable& table) { ... });`
template <typename T>
class MutexProtected {
public:
    template <typename... Args>
    explicit MutexProtected(Args&&... args) : value_(std::forward<Args>(args)...) {}

    template <typename Callback>
    decltype(auto) with(Callback callback) {
        MutexGuard guard(mutex_);
        return callback(value_);
    }

private:
    Mutex mutex_;
    T value_;
};

}  // namespace kernel
