// Scheduler, wait queues, mutexes, semaphores and sleep, on a booted 2-CPU machine.
// Spawned kernel threads never call GoogleTest (host locks must not be taken by two fibers
// of one CPU thread); they record results that the test body checks.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <set>

#include "kernel/core/mutex.h"
#include "kernel/core/scheduler.h"
#include "kernel/core/semaphore.h"
#include "kernel/core/timer_queue.h"
#include "kernel/core/wait_queue.h"
#include "kernel/hal/cpu.h"
#include "kernel/hal/timer.h"
#include "kernel/mm/frame_allocator.h"
#include "kernel/mm/kmalloc.h"
#include "kernel_fixture.h"

using namespace kernel;
using newt_test::run_in_kernel;

namespace {

template <typename F>
RefPtr<Thread> spawn(F* function, void* argument, ThreadOptions options = {}) {
    auto thread = spawn_thread(function, argument, options);
    EXPECT_FALSE(thread.is_error());
    return thread.is_error() ? RefPtr<Thread>() : thread.release_value();
}

TEST(Scheduler, SpawnedThreadRunsAndJoinReturnsItsExitCode) {
    run_in_kernel([] {
        std::atomic<int> value {0};
        auto thread = spawn(+[](void* argument) {
            static_cast<std::atomic<int>*>(argument)->store(42);
            exit_thread(7);
        }, &value, {.name = "exit7"});
        ASSERT_TRUE(thread);
        EXPECT_EQ(thread->join(), 7);
        EXPECT_EQ(value.load(), 42);
        EXPECT_TRUE(thread->has_exited());
        EXPECT_STREQ(thread->name(), "exit7");
    });
}

TEST(Scheduler, RejectsBadOptions) {
    run_in_kernel([] {
        auto noop = +[](void*) {};
        EXPECT_EQ(spawn_thread(noop, nullptr, {.priority = 0}).error(), Errno::einval);
        EXPECT_EQ(spawn_thread(noop, nullptr, {.priority = highest_priority + 1}).error(), Errno::einval);
        EXPECT_EQ(spawn_thread(noop, nullptr, {.pinned_cpu = 64}).error(), Errno::einval);
    });
}

struct PingPong {
    static constexpr int rounds = 100'000;
    WaitQueue queue;
    int turn = 0;  // guarded by queue's lock: whose move it is
};

struct Player {
    PingPong* game;
    int me;        // 0 moves on turn 0 and hands over to 1, and vice versa
    unsigned cpu;  // where it is pinned
    int moves = 0;
    bool wrong_cpu = false;
};

void play(void* argument) {
    auto* player = static_cast<Player*>(argument);
    PingPong& game = *player->game;
    for (int i = 0; i < PingPong::rounds; ++i) {
        game.queue.wait_until([&] { return game.turn == player->me; });
        if (hal::current_cpu() != player->cpu) player->wrong_cpu = true;
        ++player->moves;
        game.queue.locked([&] { game.turn = 1 - player->me; });
        game.queue.wake_all();
    }
}

TEST(Scheduler, PingPongAcrossTwoCpusThroughAWaitQueue) {
    run_in_kernel([] {
        PingPong game;
        Player ping {&game, 0, 0}, pong {&game, 1, 1};
        u64 start = hal::monotonic_ns();
        auto a = spawn(play, &ping, {.name = "ping", .pinned_cpu = 0});
        auto b = spawn(play, &pong, {.name = "pong", .pinned_cpu = 1});
        ASSERT_TRUE(a && b);
        a->join();
        b->join();
        u64 elapsed = hal::monotonic_ns() - start;
        EXPECT_EQ(ping.moves, PingPong::rounds);
        EXPECT_EQ(pong.moves, PingPong::rounds);
        EXPECT_FALSE(ping.wrong_cpu);
        EXPECT_FALSE(pong.wrong_cpu);
        std::printf("ping-pong: %d round trips in %llu ms (%.2f us each)\n", PingPong::rounds,
                    static_cast<unsigned long long>(elapsed / 1'000'000), elapsed / 1000.0 / PingPong::rounds);
    });
}

struct Contention {
    static constexpr int threads = 4;
    static constexpr int iterations = 20'000;
    Mutex mutex;
    long counter = 0;  // deliberately not atomic: the mutex must serialize it
    std::atomic<int> inside {0};
    std::atomic<bool> overlapped {false};
};

void contend(void* argument) {
    auto* state = static_cast<Contention*>(argument);
    for (int i = 0; i < Contention::iterations; ++i) {
        MutexGuard guard(state->mutex);
        if (state->inside.fetch_add(1) != 0) state->overlapped = true;
        long value = state->counter;
        if (i % 64 == 0) yield();  // hold the mutex across a switch now and then
        state->counter = value + 1;
        state->inside.fetch_sub(1);
    }
}

TEST(Scheduler, MutexSerializesContendingThreads) {
    run_in_kernel([] {
        Contention state;
        RefPtr<Thread> threads[Contention::threads];
        for (auto& thread : threads) thread = spawn(contend, &state, {.name = "contend"});
        for (auto& thread : threads) thread->join();
        EXPECT_EQ(state.counter, long(Contention::threads) * Contention::iterations);
        EXPECT_FALSE(state.overlapped.load());
        EXPECT_TRUE(state.mutex.try_lock());
        state.mutex.unlock();
    });
}

struct HandOff {
    Mutex mutex;
    std::atomic<bool> waiter_done {false};
};

void wait_for_mutex(void* argument) {
    auto* state = static_cast<HandOff*>(argument);
    state->mutex.lock();
    state->waiter_done = true;
    state->mutex.unlock();
}

// unlock() gives the mutex to the thread already waiting: the unlocking thread cannot take
// it straight back (no barging), so a waiter never starves behind a relocking owner.
TEST(Scheduler, MutexUnlockHandsOffToTheWaiter) {
    run_in_kernel([] {
        HandOff state;
        state.mutex.lock();
        auto waiter = spawn(wait_for_mutex, &state, {.name = "waiter"});
        while (!state.mutex.has_waiters()) yield();
        state.mutex.unlock();
        EXPECT_FALSE(state.mutex.try_lock());  // the waiter owns it, though it may not have run
        state.mutex.lock();
        EXPECT_TRUE(state.waiter_done.load());
        state.mutex.unlock();
        waiter->join();
    });
}

struct BoundedBuffer {
    static constexpr int items = 50'000;
    static constexpr int capacity = 8;
    Semaphore free_slots {capacity};
    Semaphore filled {0};
    Mutex mutex;
    int buffer[capacity] = {};
    int head = 0, tail = 0;
    long sum = 0;
    bool out_of_order = false;
};

void produce(void* argument) {
    auto* state = static_cast<BoundedBuffer*>(argument);
    for (int i = 1; i <= BoundedBuffer::items; ++i) {
        state->free_slots.down();
        {
            MutexGuard guard(state->mutex);
            state->buffer[state->tail++ % BoundedBuffer::capacity] = i;
        }
        state->filled.up();
    }
}

void consume(void* argument) {
    auto* state = static_cast<BoundedBuffer*>(argument);
    for (int expected = 1; expected <= BoundedBuffer::items; ++expected) {
        state->filled.down();
        int value;
        {
            MutexGuard guard(state->mutex);
            value = state->buffer[state->head++ % BoundedBuffer::capacity];
        }
        state->free_slots.up();
        if (value != expected) state->out_of_order = true;
        state->sum += value;
    }
}

TEST(Scheduler, SemaphoresBoundAProducerConsumerQueue) {
    run_in_kernel([] {
        BoundedBuffer state;
        auto producer = spawn(produce, &state, {.name = "producer"});
        auto consumer = spawn(consume, &state, {.name = "consumer"});
        producer->join();
        consumer->join();
        EXPECT_FALSE(state.out_of_order);
        EXPECT_EQ(state.sum, long(BoundedBuffer::items) * (BoundedBuffer::items + 1) / 2);
        EXPECT_EQ(state.free_slots.count(), usize(BoundedBuffer::capacity));
        EXPECT_EQ(state.filled.count(), 0u);
    });
}

TEST(Scheduler, SleepNeverWakesEarly) {
    run_in_kernel([] {
        for (u64 ms : {1, 5, 20, 50}) {
            u64 start = hal::monotonic_ns();
            sleep_ns(ms * 1'000'000);
            u64 slept = hal::monotonic_ns() - start;
            EXPECT_GE(slept, ms * 1'000'000);
            EXPECT_LT(slept, ms * 1'000'000 + 1'000'000'000ull);  // only catches a lost wake-up
            std::printf("sleep %3llu ms: woke after %.3f ms (+%.1f us)\n", static_cast<unsigned long long>(ms),
                        slept / 1e6, (slept - ms * 1'000'000) / 1e3);
        }
    });
}

TEST(Scheduler, ManySleepersWakeInDeadlineOrder) {
    run_in_kernel([] {
        struct Sleeper {
            u64 delay_ms;
            std::atomic<int>* order;
            u64 start_ns = 0;
            int finished_as = -1;
        };
        std::atomic<int> order {0};
        Sleeper sleepers[6] = {{60, &order}, {20, &order}, {80, &order}, {40, &order}, {100, &order}, {60 + 10, &order}};
        // Deadlines count from one start, not from when each thread first runs: spawning
        // six threads can take milliseconds on a loaded machine (or under TSan).
        u64 start = hal::monotonic_ns();
        RefPtr<Thread> threads[6];
        for (int i = 0; i < 6; ++i) {
            sleepers[i].start_ns = start;
            threads[i] = spawn(+[](void* argument) {
                auto* sleeper = static_cast<Sleeper*>(argument);
                u64 deadline = sleeper->start_ns + sleeper->delay_ms * 1'000'000;
                u64 now = hal::monotonic_ns();
                if (deadline > now) sleep_ns(deadline - now);
                sleeper->finished_as = sleeper->order->fetch_add(1);
            }, &sleepers[i], {.name = "sleeper", .pinned_cpu = 1});
        }
        for (auto& thread : threads) thread->join();
        // Deadlines 20, 40, 60, 70, 80, 100 ms after the start. All on one CPU, whose timer
        // queue wakes them in deadline order however late the host runs that CPU's thread
        // (on two CPUs a host delay of one of them could reorder the wake-ups).
        EXPECT_EQ(sleepers[1].finished_as, 0);  // 20
        EXPECT_EQ(sleepers[3].finished_as, 1);  // 40
        EXPECT_EQ(sleepers[0].finished_as, 2);  // 60
        EXPECT_EQ(sleepers[5].finished_as, 3);  // 70
        EXPECT_EQ(sleepers[2].finished_as, 4);  // 80
        EXPECT_EQ(sleepers[4].finished_as, 5);  // 100
    });
}

TEST(Scheduler, WokenThreadsSpreadOverIdleCpus) {
    run_in_kernel([] {
        struct Worker {
            std::atomic<u32> cpus_seen {0};
        };
        Worker workers[4];
        RefPtr<Thread> threads[4];
        for (int i = 0; i < 4; ++i) {
            threads[i] = spawn(+[](void* argument) {
                auto* worker = static_cast<Worker*>(argument);
                u64 until = hal::monotonic_ns() + 30'000'000;
                while (hal::monotonic_ns() < until) {
                    worker->cpus_seen.fetch_or(1u << hal::current_cpu());
                    yield();
                }
            }, &workers[i], {.name = "spread"});
        }
        for (auto& thread : threads) thread->join();
        u32 all = 0;
        for (auto& worker : workers) all |= worker.cpus_seen.load();
        EXPECT_EQ(all, (1u << newt_test::test_machine_cpus()) - 1) << "threads ran only on CPU mask " << all;
    });
}

TEST(Scheduler, ExitedThreadsAreReapedAndTheirStacksFreed) {
    run_in_kernel([] {
        // Let earlier tests' threads be reaped first.
        sleep_ns(20'000'000);
        kmalloc_drain_quarantine();
        usize free_before = mm::frame_stats().free_frames;
        for (int round = 0; round < 10; ++round) {
            RefPtr<Thread> threads[20];
            for (auto& thread : threads) thread = spawn(+[](void*) {}, nullptr, {.name = "short"});
            for (auto& thread : threads) thread->join();
        }
        // Each stack is many frames; the slab caches may keep a few frames of Thread objects.
        constexpr usize slab_slack = 4;
        usize free_after = 0;
        for (int tries = 0; tries < 100; ++tries) {
            kmalloc_drain_quarantine();
            free_after = mm::frame_stats().free_frames;
            if (free_after + slab_slack >= free_before) break;
            sleep_ns(1'000'000);
        }
        EXPECT_GE(free_after + slab_slack, free_before) << "200 threads leaked " << (free_before - free_after) << " frames";
        ThreadInfo infos[64];
        for (usize i = 0, count = snapshot_threads(infos, 64); i < count; ++i)
            EXPECT_STRNE(infos[i].name, "short") << "an exited thread is still listed";
    });
}

}  // namespace

namespace {

TEST(Timers, EventsFireInDeadlineOrderAndCancelledOnesNever) {
    run_in_kernel([] {
        struct Fired {
            std::atomic<int> count {0};
            int order[4] = {-1, -1, -1, -1};
        } fired;
        TimerEvent events[4];
        u64 now = hal::monotonic_ns();
        const u64 offsets_ms[4] = {12, 3, 8, 5};
        for (int i = 0; i < 4; ++i) {
            events[i].deadline_ns = now + offsets_ms[i] * 1'000'000;
            events[i].context = &fired;
            events[i].callback = [](TimerEvent& event) {
                auto* f = static_cast<Fired*>(event.context);
                // Identify the event by its deadline's position in the array.
                f->order[f->count.fetch_add(1)] = static_cast<int>(event.deadline_ns % 1'000'000);
            };
        }
        // Tag each deadline with its index in the sub-millisecond digits.
        for (int i = 0; i < 4; ++i) events[i].deadline_ns = events[i].deadline_ns / 1'000'000 * 1'000'000 + i;
        {
            hal::InterruptGuard same_cpu;  // add all four on one CPU
            for (auto& event : events) add_timer(event);
        }
        EXPECT_TRUE(cancel_timer(events[2]));
        EXPECT_FALSE(cancel_timer(events[2]));
        sleep_ns(30'000'000);
        EXPECT_EQ(fired.count.load(), 3);
        EXPECT_EQ(fired.order[0], 1);  // 3 ms
        EXPECT_EQ(fired.order[1], 3);  // 5 ms
        EXPECT_EQ(fired.order[2], 0);  // 12 ms; index 2 (8 ms) was cancelled
        for (auto& event : events) EXPECT_FALSE(cancel_timer(event));
    });
}

}  // namespace
