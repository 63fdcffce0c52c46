// The physical frame allocator: a buddy allocator over the usable ranges of the boot memory
// map, behind a spinlock. In ASan builds free frames are poisoned, so a kernel access to a
// freed frame is reported.
#pragma once

#include "../hal/boot.h"
#include "../lib/result.h"
#include "buddy.h"

namespace kernel::mm {

struct FrameStats {
    usize total_frames;   // frames the allocator manages (usable RAM minus its own metadata)
    usize free_frames;
    usize allocations;    // allocate_frames calls that succeeded
    usize failures;       // allocate_frames calls that returned ENOMEM
};

// Sets the allocator up from the boot memory map. The per-frame metadata is carved out of
// the first usable range large enough to hold it.
Result<void> init_frame_allocator(const hal::BootInfo& boot_info);

// 2^order contiguous, 2^order-aligned frames; ENOMEM when memory is exhausted.
// Hands memory the boot left in use (the initrd, once unpacked) to the allocator; returns
// the number of frames freed (EINVAL when the range is outside the managed frames).
Result<usize> release_boot_memory(PhysAddr base, u64 length);

Result<PhysAddr> allocate_frames(unsigned order = 0);
void free_frames(PhysAddr base, unsigned order = 0);

// Metadata of the frame containing `pa` (nullptr outside managed memory).
FrameInfo* frame_info(PhysAddr pa);
PhysAddr frame_address(const FrameInfo& info);

FrameStats frame_stats();

// Smallest order whose block holds `bytes` (max_order + 1 when no block is that large).
unsigned order_for_bytes(usize bytes);

}  // namespace kernel::mm
