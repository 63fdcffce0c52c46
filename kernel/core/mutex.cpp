#include "mutex.h"

#include "panic.h"
#include "scheduler.h"

namespace kernel {

void Mutex::lock() {
    Thread* self = current_thread();
    queue_.wait_until([&] {
        if (owner_ == self) panic("Mutex: recursive lock by %s", self->name());
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
    queue_.locked([&] {
        if (owner_ != self) panic("Mutex: unlock by %s, which does not hold it", self->name());
        owner_ = nullptr;
    });
    queue_.wake_one();
}

bool Mutex::is_locked_by_current_thread() const {
    return const_cast<WaitQueue&>(queue_).locked([&] { return owner_ == current_thread(); });
}

}  // namespace kernel
