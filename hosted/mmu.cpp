// hal mmu functions for the hosted backend. The page table in hal::AddressSpace is the one
// record of what a user address space maps; the stub process that runs its code applies
// the changes before it next runs guest code (usermode.cpp).
#include <algorithm>
#include <new>

#include "../kernel/hal/mmu.h"
#include "../kernel/hal/physmem.h"
#include "address_space.h"
#include "physmem.h"
#include "stub_sync.h"
#include "user_stub.h"

namespace hosted {

void DirtyRanges::add(std::uint64_t start, std::uint64_t end) {
    if (start >= end) return;
    if (count_ == capacity) {
        // Out of slots: one range covering everything recorded and the new one.
        std::uint64_t low = start, high = end;
        for (unsigned i = 0; i < count_; ++i) {
            low = std::min(low, ranges_[i].start);
            high = std::max(high, ranges_[i].end);
        }
        ranges_[0] = {low, high};
        count_ = 1;
        return;
    }
    ranges_[count_++] = {start, end};
}

unsigned DirtyRanges::normalize() {
    std::sort(ranges_, ranges_ + count_, [](const Range& a, const Range& b) { return a.start < b.start; });
    unsigned merged = 0;
    for (unsigned i = 0; i < count_; ++i) {
        if (merged && ranges_[i].start <= ranges_[merged - 1].end)
            ranges_[merged - 1].end = std::max(ranges_[merged - 1].end, ranges_[i].end);
        else
            ranges_[merged++] = ranges_[i];
    }
    count_ = merged;
    return count_;
}

void DirtyRanges::drop_before(std::uint64_t va) {
    unsigned kept = 0;
    for (unsigned i = 0; i < count_; ++i) {
        if (ranges_[i].end <= va) continue;
        ranges_[kept] = ranges_[i];
        if (ranges_[kept].start < va) ranges_[kept].start = va;
        ++kept;
    }
    count_ = kept;
}

namespace {

constexpr kernel::uptr page_size = hal::page_size;
constexpr kernel::u32 all_protection = hal::prot_read | hal::prot_write | hal::prot_exec;

// [start, end) clipped to the user range and widened to whole pages; false when empty.
bool user_page_range(kernel::uptr va, kernel::usize length, kernel::uptr& start, kernel::uptr& end) {
    if (length == 0) return false;
    kernel::uptr last = va + length < va ? ~kernel::uptr(0) : va + length;
    start = std::max(kernel::align_down(va, page_size), hal::user_space_start);
    end = std::min(last, hal::user_space_end);
    if (start >= end) return false;
    end = kernel::align_up(end, page_size);
    return true;
}

void note_change(hal::AddressSpace& space, kernel::uptr start, kernel::uptr end) {
    if (space.stub) space.dirty.add(start, end);
}

// A change that took access away from pages the stub may map: also recorded as revoked.
// Returns whether the stub must be brought in line before the hal call returns.
bool note_revocation(hal::AddressSpace& space, kernel::uptr start, kernel::uptr end) {
    if (!space.stub) return false;
    space.revoked.add(start, end);
    return true;
}

// Takes the stub's access away now (host calls: interrupts off).
void finish_revocation(hal::AddressSpace& space) {
    hal::InterruptGuard interrupts;
    revoke_stub_access(space);
}

}  // namespace

}  // namespace hosted

namespace hal {

kernel::Result<AddressSpace*> create_address_space() {
    InterruptGuard interrupts;  // host allocation
    auto* space = new (std::nothrow) AddressSpace;
    if (!space) return kernel::Errno::enomem;
    return space;
}

void destroy_address_space(AddressSpace* space) {
    if (!space) return;
    InterruptGuard interrupts;
    hosted::destroy_user_stub(*space);
    delete space;
}

kernel::Result<void> map(AddressSpace& space, kernel::uptr va, kernel::PhysAddr pa, kernel::u32 protection) {
    if (va % page_size || pa % page_size || va < user_space_start || va >= user_space_end) return kernel::Errno::einval;
    if (protection & ~hosted::all_protection) return kernel::Errno::einval;
    // The stub can only map what the RAM memfd holds.
    if (pa >= hosted::physical_memory_size()) return kernel::Errno::einval;
    bool revoked = false;
    {
        kernel::SpinlockGuard guard(space.lock);
        hosted::PageEntry old;
        bool replacing = space.table.lookup(va, old);
        if (!space.table.set(va, pa, protection)) return kernel::Errno::enomem;
        hosted::note_change(space, va, va + page_size);
        if (replacing && (old.pa != pa || (old.protection & ~protection)))
            revoked = hosted::note_revocation(space, va, va + page_size);
    }
    if (revoked) hosted::finish_revocation(space);
    return kernel::ok();
}

void unmap(AddressSpace& space, kernel::uptr va, kernel::usize length) {
    kernel::uptr start, end;
    if (!hosted::user_page_range(va, length, start, end)) return;
    bool revoked = false;
    {
        kernel::SpinlockGuard guard(space.lock);
        bool mapped = !space.table.visit(start, end, [](std::uint64_t, const hosted::PageEntry&) { return false; });
        space.table.clear(start, end);
        hosted::note_change(space, start, end);
        if (mapped) revoked = hosted::note_revocation(space, start, end);
    }
    if (revoked) hosted::finish_revocation(space);
}

void protect(AddressSpace& space, kernel::uptr va, kernel::usize length, kernel::u32 protection) {
    kernel::uptr start, end;
    if (!hosted::user_page_range(va, length, start, end)) return;
    protection &= hosted::all_protection;
    bool revoked = false;
    {
        kernel::SpinlockGuard guard(space.lock);
        bool lowered = !space.table.visit(start, end, [&](std::uint64_t, const hosted::PageEntry& entry) {
            return (entry.protection & ~protection) == 0;
        });
        space.table.protect(start, end, protection);
        hosted::note_change(space, start, end);
        if (lowered) revoked = hosted::note_revocation(space, start, end);
    }
    if (revoked) hosted::finish_revocation(space);
}

kernel::Result<Mapping> translate(const AddressSpace& space, kernel::uptr va) {
    kernel::SpinlockGuard guard(space.lock);
    hosted::PageEntry entry;
    if (!space.table.lookup(va, entry)) return kernel::Errno::efault;
    return Mapping {entry.pa, entry.protection};
}

void walk(const AddressSpace& space, kernel::uptr start, kernel::uptr end,
          kernel::FunctionRef<void(kernel::uptr va, const Mapping& mapping)> visitor) {
    // The visitor is kernel code that may take locks or block, so it runs without the space
    // lock: mappings are copied out a few at a time, and the walk resumes after the last.
    constexpr unsigned chunk = 32;
    struct Visit {
        kernel::uptr va;
        Mapping mapping;
    } batch[chunk];
    kernel::uptr cursor = kernel::align_down(start, page_size);
    while (cursor < end) {
        unsigned count = 0;
        {
            kernel::SpinlockGuard guard(space.lock);
            space.table.visit(cursor, end, [&](std::uint64_t va, const hosted::PageEntry& entry) {
                batch[count++] = {va, {entry.pa, entry.protection}};
                return count < chunk;
            });
        }
        for (unsigned i = 0; i < count; ++i) visitor(batch[i].va, batch[i].mapping);
        if (count < chunk) break;
        cursor = batch[count - 1].va + page_size;
    }
}

}  // namespace hal
