// The mapping queue: turns the page ranges of a space that changed since its stub last
// applied them into mmap/munmap operations for the stub, merging runs of pages contiguous
// in va and in the RAM memfd, with one protection, into one mmap.
#pragma once

#include "../kernel/hal/mmu.h"
#include "stub/stub_protocol.h"

namespace hosted {

// Writes up to `capacity` (>= 2) operations that make the stub's mappings in the changed
// ranges equal to the page table, in address order, and returns how many. What did not fit
// stays recorded for the next call; 0 means the stub is up to date. `stub_maps_nothing`: the
// stub has no guest mapping yet, so gaps need no munmap. Takes the space's lock.
unsigned queue_mapping_changes(hal::AddressSpace& space, newt_stub_op* ops, unsigned capacity, bool stub_maps_nothing);

}  // namespace hosted
