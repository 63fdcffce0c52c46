#include "mutex.h"

#include "panic.h"
#include "scheduler.h"

namespace kernel {

void Mutex::lock() {
    Thread* self = current_thread();
    queue_.wait_until([&, first = true]() mutable {
        if (owner_ == self) {
            if (first) panic("Mutex: recursive lock by %s", self->name());
            return true;  // unlock() handed it to us
        }
        first = false;
        if (owner_) return false;
        owner_ = self;
        return true;
    });
}

bool Mutex::try_lock() {
    Thread* self = current_thread();
    return queue_.locked([&] {
        if (owner_) return false;
        owner_ = self;
        return true;
    });
}

void Mutex::unlock() {
    Thread* self = current_thread();
    queue_.wake_one_handing([&](Thread* next) {
        if (owner_ != self) panic("Mutex: unlock by %s, which does not hold it", self->name());
        // Hand-off: the longest waiter owns the mutex before it even runs, so a thread that
        // keeps relocking cannot starve it (FIFO, like Linux's handoff after a long wait).
        owner_ = next;
    });
}

bool Mutex::is_locked_by_current_thread() const {
    return const_cast<WaitQueue&>(queue_).locked([&] { return owner_ == current_thread(); });
}

}  // namespace kernel
