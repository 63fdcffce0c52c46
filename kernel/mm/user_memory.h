// User memory as the kernel reads and writes it: never through the user's own addresses,
// always page by page through the frames the address space maps (faulting pages in as a
// user access would), so the same code works on both backends and a bad pointer is EFAULT,
// never a kernel fault.
#pragma once

#include "../fs/io_buffer.h"
#include "../lib/result.h"
#include "address_space.h"

namespace kernel {

Result<void> copy_from_user(AddressSpace& space, void* destination, uptr source, usize length);
Result<void> copy_to_user(AddressSpace& space, uptr destination, const void* source, usize length);
Result<void> clear_user(AddressSpace& space, uptr destination, usize length);
// Copies a NUL-terminated string of at most `size` bytes including the NUL; returns its
// length. ENAMETOOLONG when no NUL comes within `size` bytes (callers pick their errno
// for that: E2BIG for exec arguments), EFAULT for a bad pointer.
Result<usize> copy_string_from_user(AddressSpace& space, char* destination, uptr source, usize size);

// User pages held for one file operation: faulted in and referenced before any file
// system lock is taken, so a read() into a mapping of the very file being read cannot
// deadlock on a page fault under the file's lock. At most max_pages pages; pin() takes the
// longest valid prefix of the range (EFAULT when not even its first byte is valid).
class PinnedUserRange {
public:
    static constexpr usize max_pages = 64;
    static constexpr usize max_bytes = max_pages * hal::page_size - hal::page_size;  // any alignment fits

    PinnedUserRange() = default;
    ~PinnedUserRange() { release(); }
    PinnedUserRange(const PinnedUserRange&) = delete;
    PinnedUserRange& operator=(const PinnedUserRange&) = delete;

    // `access`: hal::access_write to fill the pages (read(2)), access_read to send them.
    Result<void> pin(AddressSpace& space, uptr address, usize length, u32 access);
    usize length() const { return length_; }  // bytes pinned (a prefix of what was asked)
    IoBuffer buffer() { return IoBuffer::pages(pages_, offset_, length_); }
    void release();

private:
    PhysAddr pages_[max_pages] = {};
    usize count_ = 0;
    usize offset_ = 0;  // of the first byte in the first page
    usize length_ = 0;
};

}  // namespace kernel
