// The kernel heap: slab caches for small sizes (16 .. 2048 bytes, power-of-two classes),
// whole frames for larger ones. Fallible: kmalloc returns nullptr when memory is exhausted,
// and callers turn that into ENOMEM. Every block is at least 16-byte aligned (small blocks
// are aligned to their class size).
//
// In ASan builds every block gets a redzone after it, free blocks are poisoned, freed
// blocks wait in a quarantine before reuse, and a double free panics.
#pragma once

#include "../lib/types.h"

namespace kernel {

void* kmalloc(usize size);
void* kzalloc(usize size);  // zeroed
void kfree(void* pointer);  // kfree(nullptr) does nothing
// Size class (usable bytes) of a block returned by kmalloc.
usize kmalloc_usable_size(const void* pointer);

struct SlabCacheStats {
    const char* name;
    usize object_size;
    usize slabs;        // frames owned by the cache
    usize in_use;       // objects allocated
    usize allocations;  // lifetime count
};

struct HeapStats {
    static constexpr usize cache_count = 8;
    SlabCacheStats caches[cache_count];
    usize large_in_use;       // large (frame-backed) blocks allocated
    usize large_bytes;        // bytes of frames they hold
    usize failures;           // kmalloc calls that returned nullptr
};

HeapStats heap_stats();

// Frees every block waiting in the ASan quarantine (nothing to do in other builds), so that
// memory statistics reflect only live blocks.
void kmalloc_drain_quarantine();

}  // namespace kernel
