#include "user_memory.h"

#include "../hal/physmem.h"
#include "../hal/usermode.h"
#include "../lib/string.h"
#include "page.h"

namespace kernel {
namespace {

constexpr usize page_size = hal::page_size;

bool valid_range(uptr address, usize length) {
    return address >= hal::user_space_start && address <= hal::user_space_end &&
           length <= hal::user_space_end - address;
}

// Calls step(kernel_pointer, bytes, done) for each page-sized piece of [address, +length).
template <typename Step>
Result<void> for_each_piece(AddressSpace& space, uptr address, usize length, u32 access, Step step) {
    if (length == 0) return ok();
    if (!valid_range(address, length)) return Errno::efault;
    usize done = 0;
    while (done < length) {
        uptr at = address + done;
        usize in_page = at % page_size;
        usize piece = page_size - in_page;
        if (piece > length - done) piece = length - done;
        PhysAddr page = TRY(space.pin_page(at, access));
        step(static_cast<u8*>(hal::phys_to_virt(page)) + in_page, piece, done);
        mm::put_page(page);
        done += piece;
    }
    return ok();
}

}  // namespace

Result<void> copy_from_user(AddressSpace& space, void* destination, uptr source, usize length) {
    auto* out = static_cast<u8*>(destination);
    return for_each_piece(space, source, length, hal::access_read,
                          [&](const u8* from, usize bytes, usize done) { kstd::memcpy(out + done, from, bytes); });
}

Result<void> copy_to_user(AddressSpace& space, uptr destination, const void* source, usize length) {
    const auto* in = static_cast<const u8*>(source);
    return for_each_piece(space, destination, length, hal::access_write,
                          [&](u8* to, usize bytes, usize done) { kstd::memcpy(to, in + done, bytes); });
}

Result<void> clear_user(AddressSpace& space, uptr destination, usize length) {
    return for_each_piece(space, destination, length, hal::access_write,
                          [&](u8* to, usize bytes, usize) { kstd::memset(to, 0, bytes); });
}

Result<usize> copy_string_from_user(AddressSpace& space, char* destination, uptr source, usize size) {
    usize copied = 0;
    while (copied < size) {
        uptr at = source + copied;
        if (at < source || !valid_range(at, 1)) return Errno::efault;
        usize in_page = at % page_size;
        usize piece = page_size - in_page;
        if (piece > size - copied) piece = size - copied;
        PhysAddr page = TRY(space.pin_page(at, hal::access_read));
        const char* from = static_cast<const char*>(hal::phys_to_virt(page)) + in_page;
        for (usize i = 0; i < piece; ++i) {
            destination[copied + i] = from[i];
            if (from[i] == '\0') {
                mm::put_page(page);
                return copied + i;
            }
        }
        mm::put_page(page);
        copied += piece;
    }
    return Errno::enametoolong;
}

Result<void> PinnedUserRange::pin(AddressSpace& space, uptr address, usize length, u32 access) {
    release();
    if (length > max_bytes) length = max_bytes;
    if (length == 0) return ok();
    if (!valid_range(address, 1)) return Errno::efault;
    if (!valid_range(address, length)) length = hal::user_space_end - address;
    offset_ = address % page_size;
    uptr first = address - offset_;
    usize pages = (offset_ + length + page_size - 1) / page_size;
    for (usize i = 0; i < pages; ++i) {
        auto page = space.pin_page(first + i * page_size, access);
        if (page.is_error()) {
            if (i == 0) return page.error();
            length = i * page_size - offset_;  // the valid prefix
            break;
        }
        pages_[count_++] = page.value();
    }
    length_ = length;
    return ok();
}

void PinnedUserRange::release() {
    for (usize i = 0; i < count_; ++i) mm::put_page(pages_[i]);
    count_ = offset_ = length_ = 0;
}

}  // namespace kernel
