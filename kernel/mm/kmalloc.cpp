#include "kmalloc.h"

#include "../core/panic.h"
#include "../hal/physmem.h"
#include "../lib/sanitizer.h"
#include "../lib/spinlock.h"
#include "../lib/string.h"
#include "frame_allocator.h"

namespace kernel {
namespace {

using mm::FrameInfo;

// ASan builds keep a redzone after every block, so overflows land on poisoned bytes.
constexpr usize redzone = asan_enabled ? 16 : 0;
constexpr usize smallest_class = 16;
constexpr usize largest_class = 2048;

struct SlabCache {
    const char* name;
    usize object_size;
    // Lock order: a cache lock may be held while taking the frame lock, never the reverse.
    Spinlock lock;
    IntrusiveList<FrameInfo, &FrameInfo::slab_node> partial;  // slabs with free objects
    usize slabs = 0;
    usize in_use = 0;
    usize allocations = 0;

    usize objects_per_slab() const { return hal::page_size / object_size; }
};

SlabCache caches[HeapStats::cache_count] = {
    {"kmalloc-16", 16, {}, {}}, {"kmalloc-32", 32, {}, {}},     {"kmalloc-64", 64, {}, {}},
    {"kmalloc-128", 128, {}, {}}, {"kmalloc-256", 256, {}, {}}, {"kmalloc-512", 512, {}, {}},
    {"kmalloc-1024", 1024, {}, {}}, {"kmalloc-2048", 2048, {}, {}},
};
static_assert(sizeof(caches) / sizeof(caches[0]) == HeapStats::cache_count);

Spinlock large_lock;  // protects the large-block counters below; a leaf lock
usize large_in_use = 0;
usize large_bytes = 0;
std::atomic<usize> failures {0};

unsigned cache_index_for(usize size) {
    unsigned index = 0;
    while ((smallest_class << index) < size) ++index;
    return index;
}

void** link_of(void* object) { return static_cast<void**>(object); }

// Reads/writes the free-list link stored in a (poisoned) free object.
void* read_link(void* object) {
    asan_unpoison(object, sizeof(void*));
    void* next = *link_of(object);
    asan_poison(object, sizeof(void*));
    return next;
}
void write_link(void* object, void* next) {
    asan_unpoison(object, sizeof(void*));
    *link_of(object) = next;
    asan_poison(object, sizeof(void*));
}

// Takes a fresh frame and threads all its objects onto the slab's free list.
FrameInfo* grow(SlabCache& cache, unsigned cache_index) {
    auto frame = mm::allocate_frames(0);
    if (frame.is_error()) return nullptr;
    FrameInfo* info = mm::frame_info(frame.value());
    auto* base = static_cast<char*>(hal::phys_to_virt(frame.value()));
    asan_poison(base, hal::page_size);
    void* next = nullptr;
    for (usize i = cache.objects_per_slab(); i-- > 0;) {
        write_link(base + i * cache.object_size, next);
        next = base + i * cache.object_size;
    }
    info->slab_cache = static_cast<u16>(cache_index + 1);
    info->slab_in_use = 0;
    info->slab_free_list = next;
    ++cache.slabs;
    return info;
}

void* allocate_small(unsigned cache_index) {
    SlabCache& cache = caches[cache_index];
    SpinlockGuard guard(cache.lock);
    FrameInfo* slab = cache.partial.first();
    if (!slab) {
        slab = grow(cache, cache_index);
        if (!slab) return nullptr;
        cache.partial.append(*slab);
    }
    void* object = slab->slab_free_list;
    slab->slab_free_list = read_link(object);
    if (++slab->slab_in_use == cache.objects_per_slab()) cache.partial.remove(*slab);
    ++cache.in_use;
    ++cache.allocations;
    return object;
}

void free_small(FrameInfo& slab, void* object) {
    SlabCache& cache = caches[slab.slab_cache - 1];
    asan_poison(object, cache.object_size);
    SpinlockGuard guard(cache.lock);
    bool was_full = slab.slab_in_use == cache.objects_per_slab();
    write_link(object, slab.slab_free_list);
    slab.slab_free_list = object;
    --cache.in_use;
    if (was_full) cache.partial.append(slab);
    if (--slab.slab_in_use == 0 && cache.partial.size() > 1) {
        // Keep one empty slab for the next allocation; give the others back.
        cache.partial.remove(slab);
        slab.slab_cache = 0;
        --cache.slabs;
        mm::free_frames(mm::frame_address(slab), 0);
    }
}

void* allocate_large(usize size) {
    unsigned order = mm::order_for_bytes(size);
    auto frame = mm::allocate_frames(order);
    if (frame.is_error()) return nullptr;
    SpinlockGuard guard(large_lock);
    ++large_in_use;
    large_bytes += hal::page_size << order;
    return hal::phys_to_virt(frame.value());
}

void release(void* pointer) {
    PhysAddr pa = hal::virt_to_phys(pointer);
    FrameInfo* info = mm::frame_info(pa);
    if (!info) panic("kfree: %p is not a kernel heap pointer", pointer);
    if (info->slab_cache) {
        free_small(*info, pointer);
        return;
    }
    if (pa % hal::page_size || info->state != FrameInfo::State::allocated_head)
        panic("kfree: %p is not an allocated block", pointer);
    {
        SpinlockGuard guard(large_lock);
        --large_in_use;
        large_bytes -= hal::page_size << info->order;
    }
    mm::free_frames(pa, info->order);
}

// ASan builds delay reuse of freed blocks so a use-after-free hits poisoned memory.
class Quarantine {
public:
    // Takes every block out (the caller frees them).
    usize drain(void** out) {
        SpinlockGuard guard(lock_);
        usize count = 0;
        for (void*& slot : slots_) {
            if (slot) out[count++] = slot;
            slot = nullptr;
        }
        return count;
    }
    static constexpr usize capacity = 512;

    // Returns the block that leaves the quarantine (to be freed now), or nullptr.
    void* push(void* pointer) {
        SpinlockGuard guard(lock_);
        void* oldest = slots_[next_];
        slots_[next_] = pointer;
        next_ = (next_ + 1) % capacity;
        return oldest;
    }

private:
    Spinlock lock_;
    void* slots_[capacity] = {};
    usize next_ = 0;
};
[[maybe_unused]] Quarantine quarantine;

}  // namespace

void* kmalloc(usize size) {
    if (size == 0) size = 1;
    void* block = nullptr;
    usize with_redzone = size + redzone;
    if (with_redzone < size) block = nullptr;  // overflow: no such block exists
    else if (with_redzone <= largest_class) block = allocate_small(cache_index_for(with_redzone));
    else block = allocate_large(with_redzone);
    if (!block) {
        failures.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
    }
    if constexpr (asan_enabled) {
        asan_unpoison(block, size);
        asan_poison(static_cast<char*>(block) + size, kmalloc_usable_size(block) - size);
    }
    return block;
}

void* kzalloc(usize size) {
    void* block = kmalloc(size);
    if (block) kstd::memset(block, 0, size);
    return block;
}

usize kmalloc_usable_size(const void* pointer) {
    FrameInfo* info = mm::frame_info(hal::virt_to_phys(pointer));
    if (info->slab_cache) return caches[info->slab_cache - 1].object_size;
    return hal::page_size << info->order;
}

void kfree(void* pointer) {
    if (!pointer) return;
    if constexpr (asan_enabled) {
        if (asan_is_poisoned(pointer)) panic("kfree: double free of %p", pointer);
        asan_poison(pointer, kmalloc_usable_size(pointer));
        pointer = quarantine.push(pointer);
        if (!pointer) return;
    }
    release(pointer);
}

void kmalloc_drain_quarantine() {
    if constexpr (asan_enabled) {
        static void* blocks[Quarantine::capacity];
        static Spinlock drain_lock;  // serializes users of `blocks`
        SpinlockGuard guard(drain_lock);
        usize count = quarantine.drain(blocks);
        for (usize i = 0; i < count; ++i) release(blocks[i]);
    }
}

HeapStats heap_stats() {
    HeapStats stats {};
    for (usize i = 0; i < HeapStats::cache_count; ++i) {
        SpinlockGuard guard(caches[i].lock);
        stats.caches[i] = {caches[i].name, caches[i].object_size, caches[i].slabs, caches[i].in_use, caches[i].allocations};
    }
    SpinlockGuard guard(large_lock);
    stats.large_in_use = large_in_use;
    stats.large_bytes = large_bytes;
    stats.failures = failures.load(std::memory_order_relaxed);
    return stats;
}

}  // namespace kernel
