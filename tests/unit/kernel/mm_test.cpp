// The buddy allocator on its own, and the frame allocator and kmalloc in a booted kernel.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "kernel/core/scheduler.h"
#include "kernel/hal/physmem.h"
#include "kernel/mm/buddy.h"
#include "kernel/mm/frame_allocator.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/kmalloc.h"
#include "kernel_fixture.h"

using namespace kernel;
using newt_test::run_in_kernel;

namespace {

class Buddy : public ::testing::Test {
protected:
    static constexpr usize frame_count = 1000;  // not a power of two on purpose
    std::vector<mm::FrameInfo> frames {frame_count};
    mm::BuddyAllocator buddy;
    void SetUp() override { buddy.init(frames.data(), frame_count); }
};

TEST_F(Buddy, ExhaustionReturnsEnomemAndNeverHandsOutAFrameTwice) {
    buddy.add_free_range(3, frame_count - 3);
    EXPECT_EQ(buddy.free_frames(), frame_count - 3);
    std::set<usize> taken;
    for (;;) {
        auto frame = buddy.allocate(0);
        if (frame.is_error()) {
            EXPECT_EQ(frame.error(), Errno::enomem);
            break;
        }
        EXPECT_GE(frame.value(), 3u);
        EXPECT_LT(frame.value(), frame_count);
        EXPECT_TRUE(taken.insert(frame.value()).second) << "frame " << frame.value() << " handed out twice";
    }
    EXPECT_EQ(taken.size(), frame_count - 3);
    EXPECT_EQ(buddy.free_frames(), 0u);
    for (usize frame : taken) buddy.free(frame, 0);
    EXPECT_EQ(buddy.free_frames(), frame_count - 3);
}

TEST_F(Buddy, BlocksAreAlignedAndFreedBlocksMergeBack) {
    buddy.add_free_range(0, 1024 > frame_count ? frame_count : 1024);
    // 1000 frames = 512 + 256 + 128 + 64 + 32 + 8: the largest block is order 9.
    auto big = buddy.allocate(9);
    ASSERT_FALSE(big.is_error());
    EXPECT_EQ(big.value() % 512, 0u);
    EXPECT_EQ(buddy.allocate(9).error(), Errno::enomem);
    buddy.free(big.value(), 9);
    std::vector<usize> small;
    for (int i = 0; i < 512; ++i) {
        auto frame = buddy.allocate(0);
        ASSERT_FALSE(frame.is_error());
        small.push_back(frame.value());
    }
    for (usize frame : small) buddy.free(frame, 0);
    // After freeing every piece, the order-9 block exists again.
    auto again = buddy.allocate(9);
    ASSERT_FALSE(again.is_error());
    EXPECT_EQ(again.value() % 512, 0u);
    EXPECT_EQ(buddy.allocate(mm::BuddyAllocator::max_order + 1).error(), Errno::einval);
}

TEST_F(Buddy, RandomAllocationsNeverOverlap) {
    buddy.add_free_range(0, frame_count);
    std::mt19937 random(1234);
    std::map<usize, unsigned> live;  // first frame -> order
    std::vector<bool> used(frame_count);
    for (int step = 0; step < 20000; ++step) {
        if (live.empty() || random() % 3 != 0) {
            unsigned order = random() % 5;
            auto frame = buddy.allocate(order);
            if (frame.is_error()) continue;
            ASSERT_EQ(frame.value() % (1u << order), 0u);
            for (usize i = 0; i < (usize(1) << order); ++i) {
                ASSERT_FALSE(used[frame.value() + i]) << "overlap at frame " << frame.value() + i;
                used[frame.value() + i] = true;
            }
            live[frame.value()] = order;
        } else {
            auto it = live.begin();
            std::advance(it, random() % live.size());
            for (usize i = 0; i < (usize(1) << it->second); ++i) used[it->first + i] = false;
            buddy.free(it->first, it->second);
            live.erase(it);
        }
    }
    usize live_frames = 0;
    for (auto& [frame, order] : live) live_frames += usize(1) << order;
    EXPECT_EQ(buddy.free_frames() + live_frames, frame_count);
}

TEST(FrameAllocator, ExhaustionFailsCleanlyAndEverythingComesBack) {
    run_in_kernel([] {
        mm::FrameStats before = mm::frame_stats();
        std::vector<PhysAddr> blocks;
        blocks.reserve(before.free_frames / 16 + 16);
        std::set<PhysAddr> unique;
        Result<PhysAddr> last = Errno::enomem;
        for (;;) {
            last = mm::allocate_frames(4);
            if (last.is_error()) break;
            blocks.push_back(last.value());
        }
        EXPECT_EQ(last.error(), Errno::enomem);
        for (PhysAddr block : blocks) {
            EXPECT_EQ(block % (16 * hal::page_size), 0u);
            EXPECT_TRUE(unique.insert(block).second);
        }
        mm::FrameStats exhausted = mm::frame_stats();
        EXPECT_LT(exhausted.free_frames, 16u + 16u * 0 + 64u);  // only smaller fragments remain
        EXPECT_GT(exhausted.failures, before.failures);
        // Memory reads and writes go through phys_to_virt.
        for (PhysAddr block : blocks) *static_cast<u64*>(hal::phys_to_virt(block)) = block;
        for (PhysAddr block : blocks) EXPECT_EQ(*static_cast<u64*>(hal::phys_to_virt(block)), block);
        for (PhysAddr block : blocks) mm::free_frames(block, 4);
        EXPECT_EQ(mm::frame_stats().free_frames, before.free_frames);
    });
}

TEST(Kmalloc, ManySizesAreAlignedDistinctAndUsable) {
    run_in_kernel([] {
        std::vector<std::pair<unsigned char*, usize>> blocks;
        for (usize size = 1; size <= 9000; size = size < 64 ? size + 1 : size * 5 / 4) {
            for (int copy = 0; copy < 3; ++copy) {
                auto* block = static_cast<unsigned char*>(kmalloc(size));
                ASSERT_NE(block, nullptr) << size;
                EXPECT_EQ(reinterpret_cast<uptr>(block) % 16, 0u) << size;
                EXPECT_GE(kmalloc_usable_size(block), size);
                for (usize i = 0; i < size; ++i) block[i] = static_cast<unsigned char>(blocks.size());
                blocks.push_back({block, size});
            }
        }
        // No block overlaps another: every byte still holds its owner's tag.
        for (usize b = 0; b < blocks.size(); ++b)
            for (usize i = 0; i < blocks[b].second; ++i)
                ASSERT_EQ(blocks[b].first[i], static_cast<unsigned char>(b)) << "block " << b << " byte " << i;
        for (auto& [block, size] : blocks) kfree(block);
        kfree(nullptr);
        auto* zeroed = static_cast<unsigned char*>(kzalloc(300));
        ASSERT_NE(zeroed, nullptr);
        for (int i = 0; i < 300; ++i) EXPECT_EQ(zeroed[i], 0);
        kfree(zeroed);
    });
}

TEST(Kmalloc, HugeRequestsFailWithNullNotACrash) {
    run_in_kernel([] {
        usize failures = heap_stats().failures;
        EXPECT_EQ(kmalloc(usize(1) << 40), nullptr);
        EXPECT_EQ(kmalloc(~usize(0)), nullptr);
        EXPECT_EQ(heap_stats().failures, failures + 2);
    });
}

struct Stress {
    static constexpr int threads = 4;
    static constexpr int operations = 20'000;
    std::atomic<int> corrupted {0};
    std::atomic<int> failed {0};
};

void stress_thread(void* argument) {
    auto* stress = static_cast<Stress*>(argument);
    constexpr int slots = 64;
    unsigned char* blocks[slots] = {};
    usize sizes[slots] = {};
    u32 seed = static_cast<u32>(reinterpret_cast<uptr>(blocks));
    for (int op = 0; op < Stress::operations; ++op) {
        seed = seed * 1103515245 + 12345;
        int slot = (seed >> 8) % slots;
        if (blocks[slot]) {
            for (usize i = 0; i < sizes[slot]; ++i)
                if (blocks[slot][i] != static_cast<unsigned char>(slot)) {
                    stress->corrupted.fetch_add(1);
                    break;
                }
            kfree(blocks[slot]);
            blocks[slot] = nullptr;
        } else {
            usize size = 1 + (seed >> 4) % ((seed & 7) == 0 ? 6000 : 300);
            blocks[slot] = static_cast<unsigned char*>(kmalloc(size));
            if (!blocks[slot]) {
                stress->failed.fetch_add(1);
                continue;
            }
            sizes[slot] = size;
            for (usize i = 0; i < size; ++i) blocks[slot][i] = static_cast<unsigned char>(slot);
        }
        if (op % 256 == 0) yield();
    }
    for (auto* block : blocks) kfree(block);
}

TEST(Kmalloc, StressFromThreadsOnAllCpus) {
    run_in_kernel([] {
        Stress stress;
        RefPtr<Thread> threads[Stress::threads];
        for (auto& thread : threads) {
            auto spawned = spawn_thread(stress_thread, &stress, {.name = "kmalloc-stress"});
            ASSERT_FALSE(spawned.is_error());
            thread = spawned.release_value();
        }
        for (auto& thread : threads) thread->join();
        EXPECT_EQ(stress.corrupted.load(), 0);
        EXPECT_EQ(stress.failed.load(), 0);
    });
}

}  // namespace

namespace {

struct Tracked : RefCounted<Tracked> {
    explicit Tracked(int* destroyed, int value) : destroyed(destroyed), value(value) {}
    ~Tracked() { ++*destroyed; }
    int* destroyed;
    int value;
};

TEST(KernelHeap, OwnPtrDestroysAndFreesItsObjectOnce) {
    run_in_kernel([] {
        int destroyed = 0;
        {
            OwnPtr<Tracked> owner = make<Tracked>(&destroyed, 7);
            ASSERT_TRUE(owner);
            EXPECT_EQ(owner->value, 7);
            OwnPtr<Tracked> moved = std::move(owner);
            EXPECT_FALSE(owner);
            EXPECT_EQ(moved->value, 7);
            EXPECT_EQ(destroyed, 0);
            moved.reset(make<Tracked>(&destroyed, 8).leak());
            EXPECT_EQ(destroyed, 1);
            EXPECT_EQ(moved->value, 8);
        }
        EXPECT_EQ(destroyed, 2);
    });
}

TEST(KernelHeap, RefPtrCountsReferencesAndDestroysOnTheLast) {
    run_in_kernel([] {
        int destroyed = 0;
        auto made = make_ref<Tracked>(&destroyed, 3);
        ASSERT_FALSE(made.is_error());
        RefPtr<Tracked> first = made.release_value();
        EXPECT_EQ(first->ref_count(), 1u);
        {
            RefPtr<Tracked> second = first;
            RefPtr<Tracked> third(first.get());
            EXPECT_EQ(first->ref_count(), 3u);
            RefPtr<Tracked> moved = std::move(second);
            EXPECT_FALSE(second);
            EXPECT_EQ(first->ref_count(), 3u);
        }
        EXPECT_EQ(first->ref_count(), 1u);
        EXPECT_EQ(destroyed, 0);
        first.clear();
        EXPECT_EQ(destroyed, 1);
    });
}

#if defined(NEWT_ASAN)
// The allocators poison what the kernel must not touch; ASan reports the access. Each death
// test re-runs this binary, which boots its own machine. The child's report is not
// symbolized: starting the symbolizer from a process whose CPU threads keep running is slow
// and can hang.
void quiet_asan_child() {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    setenv("ASAN_OPTIONS", "symbolize=0:detect_leaks=0", 1);
}
TEST(KmallocDeathTest, UseAfterFreeIsReported) {
    quiet_asan_child();
    EXPECT_DEATH(run_in_kernel([] {
        auto* block = static_cast<volatile char*>(kmalloc(48));
        kfree(const_cast<char*>(block));
        block[0] = 1;
    }), "use-after-poison");
}

TEST(KmallocDeathTest, OverflowIntoTheRedzoneIsReported) {
    quiet_asan_child();
    EXPECT_DEATH(run_in_kernel([] {
        auto* block = static_cast<volatile char*>(kmalloc(40));
        block[40] = 1;
    }), "use-after-poison");
}

TEST(KmallocDeathTest, FreedFramesArePoisoned) {
    quiet_asan_child();
    EXPECT_DEATH(run_in_kernel([] {
        PhysAddr frame = mm::allocate_frames(0).value();
        auto* bytes = static_cast<volatile char*>(hal::phys_to_virt(frame));
        mm::free_frames(frame, 0);
        bytes[100] = 1;
    }), "use-after-poison");
}

TEST(KmallocDeathTest, DoubleFreePanics) {
    quiet_asan_child();
    EXPECT_DEATH(run_in_kernel([] {
        void* block = kmalloc(64);
        kfree(block);
        kfree(block);
    }), "kernel powered off while running a job \\(status 134\\)");  // the panic message itself goes to the console
}
#endif

}  // namespace
