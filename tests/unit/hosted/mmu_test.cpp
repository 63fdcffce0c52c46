// The hosted backend's hal mmu functions (map, unmap, protect, translate, walk) in a booted
// machine, with frames from the kernel's frame allocator.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "hosted/page_table.h"
#include "kernel/core/scheduler.h"
#include "kernel/hal/mmu.h"
#include "kernel/hal/physmem.h"
#include "kernel/mm/frame_allocator.h"
#include "tests/unit/kernel/kernel_fixture.h"

using namespace kernel;
using newt_test::run_in_kernel;

namespace {

constexpr uptr page = hal::page_size;

struct Space {
    hal::AddressSpace* space = nullptr;
    Space() {
        auto created = hal::create_address_space();
        EXPECT_FALSE(created.is_error());
        if (!created.is_error()) space = created.value();
    }
    ~Space() { hal::destroy_address_space(space); }
    hal::AddressSpace& operator*() { return *space; }
};

std::vector<std::pair<uptr, hal::Mapping>> walk_all(const hal::AddressSpace& space, uptr start = 0,
                                                    uptr end = hal::user_space_end) {
    std::vector<std::pair<uptr, hal::Mapping>> pages;
    hal::walk(space, start, end, [&](uptr va, const hal::Mapping& mapping) { pages.push_back({va, mapping}); });
    return pages;
}

TEST(HostedMmu, MapRefusesWhatTheStubCouldNotMap) {
    run_in_kernel([] {
        Space space;
        ASSERT_NE(space.space, nullptr);
        PhysAddr frame = mm::allocate_frames().value();
        EXPECT_EQ(hal::map(*space, 0x400001, frame, hal::prot_read).error(), Errno::einval);          // unaligned va
        EXPECT_EQ(hal::map(*space, 0x400000, frame + 8, hal::prot_read).error(), Errno::einval);      // unaligned pa
        EXPECT_EQ(hal::map(*space, hal::user_space_start - page, frame, hal::prot_read).error(), Errno::einval);
        EXPECT_EQ(hal::map(*space, hal::user_space_end, frame, hal::prot_read).error(), Errno::einval);  // the stub's range
        EXPECT_EQ(hal::map(*space, 0xffff800000000000, frame, hal::prot_read).error(), Errno::einval);
        EXPECT_EQ(hal::map(*space, 0x400000, PhysAddr(1) << 40, hal::prot_read).error(), Errno::einval);  // beyond RAM
        EXPECT_EQ(hal::map(*space, 0x400000, frame, 8).error(), Errno::einval);                         // unknown bit
        EXPECT_TRUE(walk_all(*space).empty());
        EXPECT_FALSE(hal::map(*space, hal::user_space_start, frame, hal::prot_read).is_error());
        EXPECT_FALSE(hal::map(*space, hal::user_space_end - page, frame, hal::prot_read).is_error());
        EXPECT_EQ(walk_all(*space).size(), 2u);
        mm::free_frames(frame);
    });
}

TEST(HostedMmu, MapTranslateProtectUnmap) {
    run_in_kernel([] {
        Space space;
        PhysAddr frames[3];
        for (auto& frame : frames) frame = mm::allocate_frames().value();
        const uptr base = 0x400000;
        for (int i = 0; i < 3; ++i) ASSERT_FALSE(hal::map(*space, base + i * page, frames[i], hal::prot_read | hal::prot_write).is_error());
        for (int i = 0; i < 3; ++i) {
            auto mapping = hal::translate(*space, base + i * page + 0x123);
            ASSERT_FALSE(mapping.is_error());
            EXPECT_EQ(mapping->pa, frames[i]);
            EXPECT_EQ(mapping->protection, u32(hal::prot_read | hal::prot_write));
        }
        EXPECT_EQ(hal::translate(*space, base - page).error(), Errno::efault);
        EXPECT_EQ(hal::translate(*space, base + 3 * page).error(), Errno::efault);
        // Protect the middle page only; an unmapped page in the range stays unmapped.
        hal::protect(*space, base + page, 3 * page, hal::prot_read | hal::prot_exec);
        EXPECT_EQ(hal::translate(*space, base)->protection, u32(hal::prot_read | hal::prot_write));
        EXPECT_EQ(hal::translate(*space, base + page)->protection, u32(hal::prot_read | hal::prot_exec));
        EXPECT_EQ(hal::translate(*space, base + 3 * page).error(), Errno::efault);
        // Replacing a mapping.
        ASSERT_FALSE(hal::map(*space, base, frames[2], hal::prot_none).is_error());
        EXPECT_EQ(hal::translate(*space, base)->pa, frames[2]);
        EXPECT_EQ(hal::translate(*space, base)->protection, u32(hal::prot_none));
        hal::unmap(*space, base + page, page);
        EXPECT_EQ(hal::translate(*space, base + page).error(), Errno::efault);
        EXPECT_EQ(walk_all(*space).size(), 2u);
        // Ranges reaching outside the user range are clipped, not refused.
        hal::unmap(*space, 0, hal::user_space_end + 0x100000);
        EXPECT_TRUE(walk_all(*space).empty());
        hal::unmap(*space, ~uptr(0) - page, 2 * page);  // wraps around: nothing to do
        for (auto frame : frames) mm::free_frames(frame);
    });
}

TEST(HostedMmu, WalkVisitsInOrderWithoutHoldingTheLock) {
    run_in_kernel([] {
        Space space;
        PhysAddr frame = mm::allocate_frames().value();
        // 100 pages (more than one internal batch) over two distant regions, mapped backwards.
        std::vector<uptr> expected;
        for (int i = 0; i < 50; ++i) expected.push_back(0x10000 + i * page);
        for (int i = 0; i < 50; ++i) expected.push_back(0x7e0000000000 + i * 3 * page);
        for (auto it = expected.rbegin(); it != expected.rend(); ++it) ASSERT_FALSE(hal::map(*space, *it, frame, hal::prot_read).is_error());
        std::vector<uptr> seen;
        hal::walk(*space, 0, hal::user_space_end, [&](uptr va, const hal::Mapping& mapping) {
            seen.push_back(va);
            EXPECT_EQ(mapping.pa, frame);
            // The visitor may use the space (the lock is not held) and may block.
            EXPECT_FALSE(hal::translate(*space, va).is_error());
            if (seen.size() == 40) sleep_ns(100'000);
        });
        EXPECT_EQ(seen, expected);
        // A walk over part of the range.
        auto part = walk_all(*space, 0x10000 + 10 * page, 0x10000 + 20 * page);
        ASSERT_EQ(part.size(), 10u);
        EXPECT_EQ(part.front().first, 0x10000 + 10 * page);
        EXPECT_EQ(part.back().first, 0x10000 + 19 * page);
        mm::free_frames(frame);
    });
}

TEST(HostedMmu, TableAllocationFailureIsEnomem) {
    run_in_kernel([] {
        Space space;
        PhysAddr frame = mm::allocate_frames().value();
        hosted::PageTable::fail_allocation_after(0);
        EXPECT_EQ(hal::map(*space, 0x400000, frame, hal::prot_read).error(), Errno::enomem);
        hosted::PageTable::fail_allocation_after(-1);
        EXPECT_EQ(hal::translate(*space, 0x400000).error(), Errno::efault);
        EXPECT_FALSE(hal::map(*space, 0x400000, frame, hal::prot_read).is_error());
        mm::free_frames(frame);
    });
}

// One thread maps and unmaps while another on the other CPU translates: every answer is
// either "unmapped" or the one frame that page is ever mapped to.
TEST(HostedMmu, TranslateWhileAnotherCpuChangesTheSpace) {
    run_in_kernel([] {
        Space space;
        PhysAddr frames[8];
        for (auto& frame : frames) frame = mm::allocate_frames().value();
        struct Shared {
            hal::AddressSpace* space;
            PhysAddr* frames;
            std::atomic<bool> stop {false};
            std::atomic<u64> hits {0}, misses {0}, wrong {0};
        } shared {space.space, frames};
        auto reader = spawn_thread(+[](void* argument) {
            auto* s = static_cast<Shared*>(argument);
            while (!s->stop.load()) {
                for (int i = 0; i < 8; ++i) {
                    auto mapping = hal::translate(*s->space, 0x400000 + i * page);
                    if (mapping.is_error()) s->misses++;
                    else if (mapping->pa == s->frames[i]) s->hits++;
                    else s->wrong++;
                }
            }
        }, &shared, {.name = "translator", .pinned_cpu = 1});
        ASSERT_FALSE(reader.is_error());
        // At least 2000 rounds, and on until the reader has started and looked many times
        // (the rounds alone can end before the other CPU schedules it).
        auto looked = [&] { return shared.hits.load() + shared.misses.load() + shared.wrong.load(); };
        for (int round = 0; round < 2000 || (looked() < 1000 && round < 10'000'000); ++round) {
            for (int i = 0; i < 8; ++i) ASSERT_FALSE(hal::map(*space, 0x400000 + i * page, frames[i], hal::prot_read).is_error());
            hal::unmap(*space, 0x400000, 8 * page);
            if (round % 256 == 255) yield();
        }
        shared.stop.store(true);
        reader.value()->join();
        EXPECT_EQ(shared.wrong.load(), 0u);
        EXPECT_GE(shared.hits.load() + shared.misses.load(), 1000u);
        for (auto frame : frames) mm::free_frames(frame);
    });
}

}  // namespace
