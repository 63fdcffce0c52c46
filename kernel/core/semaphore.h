// Counting semaphore for thread context.
#pragma once

#include "wait_queue.h"

namespace kernel {

class Semaphore {
public:
    explicit Semaphore(usize initial = 0) : count_(initial) {}

    // Waits until the count is positive, then decrements it.
    void down() {
        queue_.wait_until([this] {
            if (count_ == 0) return false;
            --count_;
            return true;
        });
    }
    bool try_down() {
        return queue_.locked([this] {
            if (count_ == 0) return false;
            --count_;
            return true;
        });
    }
    void up() {
        queue_.locked([this] { ++count_; });
        queue_.wake_one();
    }
    usize count() { return queue_.locked([this] { return count_; }); }

private:
    WaitQueue queue_;
    usize count_;  // guarded by queue_'s lock
};

}  // namespace kernel
