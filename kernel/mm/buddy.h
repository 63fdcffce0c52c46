// A binary buddy allocator over frame numbers. It only does bookkeeping: it never touches
// the frames themselves, so it can be tested over any range and the caller decides how
// frames are mapped, poisoned or cleared. Not synchronized: FrameAllocator locks around it.
#pragma once

#include "../lib/intrusive_list.h"
#include "../lib/result.h"
#include "../lib/types.h"

namespace kernel::mm {

// Per-frame metadata, one per frame of the managed range (like Linux's struct page).
struct FrameInfo {
    enum class State : u8 { reserved, free_head, free_tail, allocated_head, allocated_tail };

    IntrusiveListNode free_node;  // in the free list of `order` while state == free_head
    State state = State::reserved;
    u8 order = 0;                 // block order, for heads
    u16 slab_cache = 0;           // kmalloc: index+1 of the slab cache owning this frame, 0 if none
    u32 slab_in_use = 0;          // kmalloc: objects allocated in this slab
    void* slab_free_list = nullptr;  // kmalloc: first free object of this slab
    IntrusiveListNode slab_node;     // kmalloc: in its cache's partial list
    u32 references = 0;              // pages (mm/page.h): owners of this frame; atomic_ref
};

class BuddyAllocator {
public:
    static constexpr unsigned max_order = 10;  // blocks of up to 2^10 frames (4 MiB)

    // `frames` describes frame numbers 0 .. frame_count-1; all start reserved.
    void init(FrameInfo* frames, usize frame_count);
    // Makes frames [first, first+count) available.
    void add_free_range(usize first, usize count);

    // Allocates 2^order contiguous frames aligned to 2^order; ENOMEM when none is left.
    Result<usize> allocate(unsigned order);
    // Frees a block returned by allocate(order).
    void free(usize frame, unsigned order);

    usize free_frames() const { return free_frames_; }
    usize total_frames() const { return total_frames_; }
    usize frame_count() const { return frame_count_; }
    usize free_blocks(unsigned order) const { return free_lists_[order].size(); }
    FrameInfo& info(usize frame) { return frames_[frame]; }
    bool is_allocated_head(usize frame) const {
        return frame < frame_count_ && frames_[frame].state == FrameInfo::State::allocated_head;
    }

private:
    void push_free(usize frame, unsigned order);
    void mark(usize frame, unsigned order, FrameInfo::State head, FrameInfo::State tail);

    FrameInfo* frames_ = nullptr;
    usize frame_count_ = 0;
    usize free_frames_ = 0;
    usize total_frames_ = 0;
    IntrusiveList<FrameInfo, &FrameInfo::free_node> free_lists_[max_order + 1];
};

}  // namespace kernel::mm
