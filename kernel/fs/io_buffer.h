// IoBuffer: the memory a read or write moves data to or from. File systems and devices copy
// through it instead of touching the pointer, so that the same code serves kernel buffers
// and user buffers. A user buffer is a run of pinned user pages (mm/user_memory.h:
// PinnedUserRange), so copying through it never faults and never takes a lock.
#pragma once

#include "../hal/physmem.h"
#include "../lib/result.h"
#include "../lib/string.h"
#include "../lib/types.h"

namespace kernel {

class IoBuffer {
public:
    static IoBuffer kernel(void* data, usize size) { return IoBuffer(static_cast<u8*>(data), size); }
    static IoBuffer kernel(const void* data, usize size) {
        return IoBuffer(static_cast<u8*>(const_cast<void*>(data)), size);
    }

    // `size` bytes starting `first_offset` bytes into pages[0], continuing in pages[1]...
    static IoBuffer pages(const PhysAddr* pages, usize first_offset, usize size) {
        IoBuffer buffer(nullptr, size);
        buffer.pages_ = pages;
        buffer.first_offset_ = first_offset;
        return buffer;
    }

    usize size() const { return size_; }

    // Copies `count` bytes from `source` into the buffer at `offset`.
    Result<void> write(usize offset, const void* source, usize count) {
        if (offset > size_ || count > size_ - offset) return Errno::efault;
        if (!pages_) {
            kstd::memcpy(data_ + offset, source, count);
            return ok();
        }
        const u8* from = static_cast<const u8*>(source);
        for_each_piece(offset, count, [&](u8* to, usize bytes, usize done) { kstd::memcpy(to, from + done, bytes); });
        return ok();
    }
    // Copies `count` bytes of the buffer at `offset` into `destination`.
    Result<void> read(usize offset, void* destination, usize count) const {
        if (offset > size_ || count > size_ - offset) return Errno::efault;
        if (!pages_) {
            kstd::memcpy(destination, data_ + offset, count);
            return ok();
        }
        u8* to = static_cast<u8*>(destination);
        for_each_piece(offset, count, [&](const u8* from, usize bytes, usize done) { kstd::memcpy(to + done, from, bytes); });
        return ok();
    }
    Result<void> fill_zero(usize offset, usize count) {
        if (offset > size_ || count > size_ - offset) return Errno::efault;
        if (!pages_) {
            kstd::memset(data_ + offset, 0, count);
            return ok();
        }
        for_each_piece(offset, count, [](u8* to, usize bytes, usize) { kstd::memset(to, 0, bytes); });
        return ok();
    }

private:
    IoBuffer(u8* data, usize size) : data_(data), size_(size) {}

    template <typename Step>
    void for_each_piece(usize offset, usize count, Step step) const {
        usize position = first_offset_ + offset;
        usize done = 0;
        while (done < count) {
            usize in_page = position % hal::page_size;
            usize piece = hal::page_size - in_page;
            if (piece > count - done) piece = count - done;
            step(static_cast<u8*>(hal::phys_to_virt(pages_[position / hal::page_size])) + in_page, piece, done);
            position += piece;
            done += piece;
        }
    }

    u8* data_;
    usize size_;
    const PhysAddr* pages_ = nullptr;  // pinned user pages, or nullptr for kernel memory
    usize first_offset_ = 0;
};

}  // namespace kernel
