#include "memory_snapshot.h"

#include "kernel/core/scheduler.h"
#include "kernel/hal/physmem.h"
#include "kernel/mm/frame_allocator.h"

namespace newt_test {

using namespace kernel;

namespace {

MemorySnapshot take_snapshot() {
    kmalloc_drain_quarantine();
    HeapStats heap = heap_stats();
    mm::FrameStats frames = mm::frame_stats();
    MemorySnapshot snapshot {};
    usize heap_frames = heap.large_bytes / hal::page_size;
    for (usize i = 0; i < HeapStats::cache_count; ++i) {
        snapshot.objects[i] = heap.caches[i].in_use;
        heap_frames += heap.caches[i].slabs;
    }
    snapshot.large_blocks = heap.large_in_use;
    snapshot.other_frames = frames.total_frames - frames.free_frames - heap_frames;
    return snapshot;
}

// Whether anything is in use now that was not before. (Less is fine: a thread of an earlier
// test, run in the same process, may be reaped meanwhile.)
bool grew(const MemorySnapshot& before, const MemorySnapshot& after) {
    bool more = after.large_blocks > before.large_blocks || after.other_frames > before.other_frames;
    for (usize i = 0; i < HeapStats::cache_count; ++i) more = more || after.objects[i] > before.objects[i];
    return more;
}

bool same(const MemorySnapshot& a, const MemorySnapshot& b) {
    bool equal = a.large_blocks == b.large_blocks && a.other_frames == b.other_frames;
    for (usize i = 0; i < HeapStats::cache_count; ++i) equal = equal && a.objects[i] == b.objects[i];
    return equal;
}

}  // namespace

MemorySnapshot memory_snapshot() {
    // Threads of earlier tests (in the same process) may still be waiting to be reaped:
    // wait until the figures hold still for a while. (Not snapshot_threads(): it reads
    // other CPUs' scheduler fields without their locks, which TSan reports.)
    MemorySnapshot snapshot = take_snapshot();
    for (int tries = 0, stable = 0; tries < 200 && stable < 10; ++tries) {
        sleep_ns(2'000'000);
        MemorySnapshot again = take_snapshot();
        stable = same(again, snapshot) ? stable + 1 : 0;
        snapshot = again;
    }
    return snapshot;
}

::testing::AssertionResult memory_returns_to(const MemorySnapshot& before) {
    MemorySnapshot after {};
    for (int tries = 0; tries < 200; ++tries) {
        after = take_snapshot();
        if (!grew(before, after)) return ::testing::AssertionSuccess();
        sleep_ns(1'000'000);  // exited threads are reaped asynchronously
    }
    auto failure = ::testing::AssertionFailure();
    HeapStats heap = heap_stats();
    for (usize i = 0; i < HeapStats::cache_count; ++i)
        if (after.objects[i] > before.objects[i])
            failure << heap.caches[i].name << ": " << before.objects[i] << " -> " << after.objects[i] << " objects; ";
    if (after.large_blocks > before.large_blocks)
        failure << "large blocks: " << before.large_blocks << " -> " << after.large_blocks << "; ";
    if (after.other_frames > before.other_frames)
        failure << "frames outside the heap: " << before.other_frames << " -> " << after.other_frames;
    return failure;
}

}  // namespace newt_test
