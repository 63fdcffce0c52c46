#include "buddy.h"

namespace kernel::mm {

void BuddyAllocator::init(FrameInfo* frames, usize frame_count) {
    frames_ = frames;
    frame_count_ = frame_count;
    free_frames_ = total_frames_ = 0;
    for (usize i = 0; i < frame_count; ++i) new (&frames[i]) FrameInfo();
}

void BuddyAllocator::mark(usize frame, unsigned order, FrameInfo::State head, FrameInfo::State tail) {
    frames_[frame].state = head;
    frames_[frame].order = static_cast<u8>(order);
    for (usize i = 1; i < (usize(1) << order); ++i) frames_[frame + i].state = tail;
}

void BuddyAllocator::push_free(usize frame, unsigned order) {
    mark(frame, order, FrameInfo::State::free_head, FrameInfo::State::free_tail);
    free_lists_[order].append(frames_[frame]);
}

void BuddyAllocator::add_free_range(usize first, usize count) {
    usize end = first + count;
    if (end > frame_count_) end = frame_count_;
    // Carve the range into the largest aligned blocks, then free each so it merges.
    for (usize frame = first; frame < end;) {
        unsigned order = max_order;
        while (order > 0 && ((frame & ((usize(1) << order) - 1)) != 0 || frame + (usize(1) << order) > end)) --order;
        mark(frame, order, FrameInfo::State::allocated_head, FrameInfo::State::allocated_tail);
        total_frames_ += usize(1) << order;
        free(frame, order);
        frame += usize(1) << order;
    }
}

Result<usize> BuddyAllocator::allocate(unsigned order) {
    if (order > max_order) return Errno::einval;
    unsigned found = order;
    while (found <= max_order && free_lists_[found].is_empty()) ++found;
    if (found > max_order) return Errno::enomem;
    FrameInfo* head = free_lists_[found].take_first();
    usize frame = static_cast<usize>(head - frames_);
    // Split down to the requested order; the upper halves go back to the free lists.
    while (found > order) {
        --found;
        push_free(frame + (usize(1) << found), found);
    }
    mark(frame, order, FrameInfo::State::allocated_head, FrameInfo::State::allocated_tail);
    free_frames_ -= usize(1) << order;
    return frame;
}

void BuddyAllocator::free(usize frame, unsigned order) {
    free_frames_ += usize(1) << order;
    while (order < max_order) {
        usize buddy = frame ^ (usize(1) << order);
        if (buddy + (usize(1) << order) > frame_count_) break;
        FrameInfo& info = frames_[buddy];
        if (info.state != FrameInfo::State::free_head || info.order != order) break;
        free_lists_[order].remove(info);
        info.state = FrameInfo::State::free_tail;
        frame = frame < buddy ? frame : buddy;
        ++order;
    }
    push_free(frame, order);
}

}  // namespace kernel::mm
