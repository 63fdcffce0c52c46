#include "frame_allocator.h"

#include "../core/panic.h"
#include "../hal/physmem.h"
#include "../lib/sanitizer.h"
#include "../lib/spinlock.h"

namespace kernel::mm {
namespace {

// Lock order: frame_lock is a leaf (nothing else is taken while it is held).
Spinlock frame_lock;
BuddyAllocator buddy;
PhysAddr base_address = 0;  // physical address of frame number 0
usize allocation_count = 0;
usize failure_count = 0;

PhysAddr address_of(usize frame) { return base_address + frame * hal::page_size; }

}  // namespace

unsigned order_for_bytes(usize bytes) {
    unsigned order = 0;
    // Past the largest block the exact order no longer matters: allocate_frames rejects it.
    while (order <= BuddyAllocator::max_order && (hal::page_size << order) < bytes) ++order;
    return order;
}

Result<void> init_frame_allocator(const hal::BootInfo& boot_info) {
    PhysAddr lowest = ~PhysAddr(0), highest = 0;
    // The initrd counts too: it joins the free memory once it has been unpacked.
    for (usize i = 0; i < boot_info.memory_range_count; ++i) {
        const hal::MemoryRange& range = boot_info.memory_map[i];
        if (range.type != hal::MemoryType::usable && range.type != hal::MemoryType::initrd) continue;
        PhysAddr start = align_up<PhysAddr>(range.base, hal::page_size);
        PhysAddr end = range.type == hal::MemoryType::initrd ? align_up<PhysAddr>(range.base + range.length, hal::page_size)
                                                            : align_down<PhysAddr>(range.base + range.length, hal::page_size);
        if (end <= start) continue;
        if (start < lowest) lowest = start;
        if (end > highest) highest = end;
    }
    if (highest == 0) return Errno::enomem;

    // Frame numbers count from a max-order-aligned address so that a block aligned in frame
    // numbers is aligned in physical memory too.
    base_address = align_down<PhysAddr>(lowest, hal::page_size << BuddyAllocator::max_order);
    usize frame_count = (highest - base_address) / hal::page_size;
    usize metadata_bytes = align_up<usize>(frame_count * sizeof(FrameInfo), hal::page_size);

    // Place the metadata at the start of the first usable range that holds it.
    PhysAddr metadata = 0;
    for (usize i = 0; i < boot_info.memory_range_count && !metadata; ++i) {
        const hal::MemoryRange& range = boot_info.memory_map[i];
        PhysAddr start = align_up<PhysAddr>(range.base, hal::page_size);
        if (range.type == hal::MemoryType::usable && range.base + range.length >= start + metadata_bytes)
            metadata = start;
    }
    if (!metadata) return Errno::enomem;

    buddy.init(static_cast<FrameInfo*>(hal::phys_to_virt(metadata)), frame_count);
    for (usize i = 0; i < boot_info.memory_range_count; ++i) {
        const hal::MemoryRange& range = boot_info.memory_map[i];
        if (range.type != hal::MemoryType::usable) continue;
        PhysAddr start = align_up<PhysAddr>(range.base, hal::page_size);
        PhysAddr end = align_down<PhysAddr>(range.base + range.length, hal::page_size);
        if (start == metadata) start += metadata_bytes;
        if (end <= start) continue;
        asan_poison(hal::phys_to_virt(start), end - start);
        buddy.add_free_range((start - base_address) / hal::page_size, (end - start) / hal::page_size);
    }
    return ok();
}

Result<usize> release_boot_memory(PhysAddr base, u64 length) {
    // The frame holding the start may hold something before it; the tail of the last frame
    // is nobody's (boot loaders start the next thing on a page boundary, and the usable
    // ranges around were cut to whole frames).
    PhysAddr start = align_up<PhysAddr>(base, hal::page_size);
    PhysAddr end = align_up<PhysAddr>(base + length, hal::page_size);
    if (end <= start || start < base_address) return Errno::einval;
    usize first = (start - base_address) / hal::page_size, count = (end - start) / hal::page_size;
    if (first + count > buddy.frame_count()) return Errno::einval;
    asan_poison(hal::phys_to_virt(start), end - start);
    SpinlockGuard guard(frame_lock);
    buddy.add_free_range(first, count);
    return count;
}

Result<PhysAddr> allocate_frames(unsigned order) {
    Result<usize> frame = Errno::enomem;
    {
        SpinlockGuard guard(frame_lock);
        frame = buddy.allocate(order);
        if (frame.is_error()) ++failure_count;
        else ++allocation_count;
    }
    if (frame.is_error()) return frame.error();
    PhysAddr pa = address_of(frame.value());
    asan_unpoison(hal::phys_to_virt(pa), hal::page_size << order);
    return pa;
}

void free_frames(PhysAddr base, unsigned order) {
    usize frame = (base - base_address) / hal::page_size;
    asan_poison(hal::phys_to_virt(base), hal::page_size << order);
    SpinlockGuard guard(frame_lock);
    if (base < base_address || !buddy.is_allocated_head(frame) || buddy.info(frame).order != order)
        panic("free_frames: %#llx (order %u) is not an allocated block", static_cast<unsigned long long>(base), order);
    buddy.free(frame, order);
}

FrameInfo* frame_info(PhysAddr pa) {
    if (pa < base_address) return nullptr;
    usize frame = (pa - base_address) / hal::page_size;
    return frame < buddy.frame_count() ? &buddy.info(frame) : nullptr;
}

PhysAddr frame_address(const FrameInfo& info) {
    return address_of(static_cast<usize>(&info - &buddy.info(0)));
}

FrameStats frame_stats() {
    SpinlockGuard guard(frame_lock);
    return {buddy.total_frames(), buddy.free_frames(), allocation_count, failure_count};
}

}  // namespace kernel::mm
