// IoBuffer: the memory a read or write moves data to or from. File systems and devices copy
// through it instead of touching the pointer, so that the same code serves kernel buffers
// now and user buffers (which may fault: EFAULT) once processes exist.
#pragma once

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

    usize size() const { return size_; }

    // Copies `count` bytes from `source` into the buffer at `offset`.
    Result<void> write(usize offset, const void* source, usize count) {
        if (offset > size_ || count > size_ - offset) return Errno::efault;
        kstd::memcpy(data_ + offset, source, count);
        return ok();
    }
    // Copies `count` bytes of the buffer at `offset` into `destination`.
    Result<void> read(usize offset, void* destination, usize count) const {
        if (offset > size_ || count > size_ - offset) return Errno::efault;
        kstd::memcpy(destination, data_ + offset, count);
        return ok();
    }
    Result<void> fill_zero(usize offset, usize count) {
        if (offset > size_ || count > size_ - offset) return Errno::efault;
        kstd::memset(data_ + offset, 0, count);
        return ok();
    }

private:
    IoBuffer(u8* data, usize size) : data_(data), size_(size) {}
    u8* data_;
    usize size_;
};

}  // namespace kernel
