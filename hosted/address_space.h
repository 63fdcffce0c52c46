// hal::AddressSpace in the hosted backend: the authoritative page table of one user address
// space, the changes its stub process has not applied yet, and the stub itself.
#pragma once

#include <cstdint>

#include "../kernel/hal/mmu.h"
#include "../kernel/lib/spinlock.h"
#include "page_table.h"

namespace hosted {

class UserStub;

// Page ranges whose stub mappings may differ from the table. A fixed number of ranges; when
// they run out, they collapse into one covering range (re-applying too much is harmless).
class DirtyRanges {
public:
    static constexpr unsigned capacity = 32;
    struct Range {
        std::uint64_t start;
        std::uint64_t end;
    };

    void add(std::uint64_t start, std::uint64_t end);
    void clear() { count_ = 0; }
    bool empty() const { return count_ == 0; }
    // Sorts and merges overlapping or touching ranges; returns the count.
    unsigned normalize();
    // After normalize(): forgets everything below `va`.
    void drop_before(std::uint64_t va);
    const Range& operator[](unsigned index) const { return ranges_[index]; }
    unsigned count() const { return count_; }

private:
    Range ranges_[capacity];
    unsigned count_ = 0;
};

}  // namespace hosted

namespace hal {

class AddressSpace {
public:
    // Guards everything below. Taken with interrupts off (a spinlock); nothing else is taken
    // while it is held (a leaf).
    mutable kernel::Spinlock lock;
    hosted::PageTable table;
    // Changes since the stub last applied the table (only tracked while a stub exists: a new
    // stub gets the whole table).
    hosted::DirtyRanges dirty;
    // The part of `dirty` where access was taken away: checked with the host once applied.
    hosted::DirtyRanges revoked;
    // The stub process that runs this space's user code; created by the first enter_user.
    hosted::UserStub* stub = nullptr;
};

}  // namespace hal
