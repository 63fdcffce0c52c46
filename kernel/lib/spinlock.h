// Spinlocks. Taking one disables interrupts on this CPU (so an interrupt handler on the same
// CPU can never spin on a lock its own thread holds) and therefore also preemption.
// Never hold a spinlock across a blocking wait or a context switch other than the
// scheduler's own hand-off.
#pragma once

#include <atomic>
#include <utility>

#include "../hal/cpu.h"
#include "../hal/interrupts.h"

namespace kernel {

class Spinlock {
public:
    Spinlock() = default;
    Spinlock(const Spinlock&) = delete;
    Spinlock& operator=(const Spinlock&) = delete;

    // Disables interrupts, takes the lock, returns the previous interrupt state.
    [[nodiscard]] hal::IrqState lock() {
        hal::IrqState state = hal::irq_save();
        lock_raw();
        return state;
    }
    void unlock(hal::IrqState state) {
        unlock_raw();
        hal::irq_restore(state);
    }
    bool try_lock_raw() { return !locked_.exchange(true, std::memory_order_acquire); }

    // For callers that already run with interrupts disabled.
    void lock_raw() {
        while (locked_.exchange(true, std::memory_order_acquire)) {
            while (locked_.load(std::memory_order_relaxed)) hal::cpu_relax();
        }
    }
    void unlock_raw() { locked_.store(false, std::memory_order_release); }
    bool is_locked() const { return locked_.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> locked_ {false};
};

class [[nodiscard]] SpinlockGuard {
public:
    explicit SpinlockGuard(Spinlock& lock) : lock_(lock), state_(lock.lock()) {}
    ~SpinlockGuard() { lock_.unlock(state_); }
    SpinlockGuard(const SpinlockGuard&) = delete;
    SpinlockGuard& operator=(const SpinlockGuard&) = delete;

private:
    Spinlock& lock_;
    hal::IrqState state_;
};

// Data that can only be reached with its lock held:
//   SpinlockProtected<Stats> stats;  stats.with([](Stats& s) { s.count++; });
template <typename T>
class SpinlockProtected {
public:
    template <typename... Args>
    explicit SpinlockProtected(Args&&... args) : value_(std::forward<Args>(args)...) {}

    template <typename Callback>
    decltype(auto) with(Callback callback) {
        SpinlockGuard guard(lock_);
        return callback(value_);
    }

private:
    Spinlock lock_;
    T value_;
};

}  // namespace kernel
