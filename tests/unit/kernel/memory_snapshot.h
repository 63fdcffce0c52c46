// Leak checks for tests in a booted machine: what the kernel holds outside the heap's free
// lists (heap objects per cache, large blocks, frames used by anything but the heap), taken
// once the figures hold still, and compared after the test's work (waiting a little for
// exited threads to be reaped). Drains the ASan build's kmalloc quarantine first.
#pragma once

#include <gtest/gtest.h>

#include "kernel/mm/kmalloc.h"

namespace newt_test {

struct MemorySnapshot {
    kernel::usize objects[kernel::HeapStats::cache_count];
    kernel::usize large_blocks;
    kernel::usize other_frames;
};
MemorySnapshot memory_snapshot();
// Whether memory came back to `before` (nothing more in use: no object, large block or
// frame); waits a little for exited threads to be reaped.
::testing::AssertionResult memory_returns_to(const MemorySnapshot& before);

}  // namespace newt_test
