// kernel::Spinlock from plain host threads. Outside a booted machine the hosted backend's
// interrupt operations do nothing, so only the mutual exclusion is exercised here.
#include "kernel/lib/spinlock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using kernel::Spinlock;
using kernel::SpinlockGuard;
using kernel::SpinlockProtected;

TEST(Spinlock, LockUnlockAndTryLock) {
    Spinlock lock;
    EXPECT_FALSE(lock.is_locked());
    hal::IrqState state = lock.lock();
    EXPECT_TRUE(lock.is_locked());
    EXPECT_FALSE(lock.try_lock_raw());
    lock.unlock(state);
    EXPECT_FALSE(lock.is_locked());
    EXPECT_TRUE(lock.try_lock_raw());
    EXPECT_TRUE(lock.is_locked());
    lock.unlock_raw();
    {
        SpinlockGuard guard(lock);
        EXPECT_TRUE(lock.is_locked());
    }
    EXPECT_FALSE(lock.is_locked());
}

TEST(Spinlock, MutualExclusionAcrossThreads) {
    constexpr int kThreads = 4;
    constexpr int kIterations = 50000;
    Spinlock lock;
    long counter = 0;  // deliberately not atomic: only the lock protects it
    std::atomic<int> inside {0};  // threads in the critical section right now
    std::atomic<int> overlaps {0};
    std::atomic<int> ready {0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            // Start together, so that the threads really contend.
            ready.fetch_add(1);
            while (ready.load() < kThreads) std::this_thread::yield();
            auto critical_section = [&] {
                if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
                long seen = counter;
                std::atomic_signal_fence(std::memory_order_seq_cst);  // keep the read-modify-write apart
                counter = seen + 1;
                inside.fetch_sub(1);
            };
            for (int i = 0; i < kIterations; ++i) {
                if ((i + t) % 2) {
                    SpinlockGuard guard(lock);
                    critical_section();
                } else {
                    hal::IrqState state = lock.lock();
                    critical_section();
                    lock.unlock(state);
                }
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(overlaps.load(), 0);
    EXPECT_EQ(counter, static_cast<long>(kThreads) * kIterations);
    EXPECT_FALSE(lock.is_locked());
}

TEST(Spinlock, ProtectedValue) {
    SpinlockProtected<std::vector<int>> values(3, 0);  // constructed in place: three zeros
    EXPECT_EQ(values.with([](std::vector<int>& v) { return v.size(); }), 3u);
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&values] {
            for (int i = 0; i < 5000; ++i) values.with([](std::vector<int>& v) { v.push_back(1); });
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(values.with([](std::vector<int>& v) { return v.size(); }), 3u + 15000u);
}

}  // namespace
