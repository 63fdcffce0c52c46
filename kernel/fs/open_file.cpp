#include "open_file.h"

#include "../abi/fcntl.h"

namespace kernel {
namespace {

constexpr int changeable_status_flags = abi::o_append | abi::o_nonblock | abi::o_direct | abi::o_noatime | 020000 /* O_ASYNC */;
constexpr int creation_flags = abi::o_creat | abi::o_excl | abi::o_noctty | abi::o_trunc | abi::o_cloexec;
// Linux keeps file offsets below this (MAX_LFS_FILESIZE on 64-bit).
constexpr u64 max_offset = 0x7fffffffffffffffull;

}  // namespace

OpenFile::OpenFile(const Path& path, RefPtr<Inode> inode, int flags)
    : path_(path), inode_(std::move(inode)), flags_(flags & ~creation_flags) {}

bool OpenFile::is_readable() const {
    int mode = flags() & abi::o_accmode;
    return (mode == abi::o_rdonly || mode == abi::o_rdwr) && !(flags() & abi::o_path);
}

bool OpenFile::is_writable() const {
    int mode = flags() & abi::o_accmode;
    return (mode == abi::o_wronly || mode == abi::o_rdwr) && !(flags() & abi::o_path);
}

void OpenFile::set_status_flags(int flags) {
    int old = flags_.load(std::memory_order_relaxed);
    while (!flags_.compare_exchange_weak(old, (old & ~changeable_status_flags) | (flags & changeable_status_flags),
                                         std::memory_order_relaxed)) {
    }
}

u64 OpenFile::offset() const {
    MutexGuard guard(offset_lock_);
    return offset_;
}

Result<usize> OpenFile::read(IoBuffer& buffer, usize count) {
    if (!is_readable()) return Errno::ebadf;
    MutexGuard guard(offset_lock_);
    usize done = TRY(inode_->read(offset_, buffer, count));
    offset_ += done;
    return done;
}

Result<usize> OpenFile::write(const IoBuffer& buffer, usize count) {
    if (!is_writable()) return Errno::ebadf;
    MutexGuard guard(offset_lock_);
    if (flags() & abi::o_append) {
        // The end of file is chosen by the file system, under the same lock as the write:
        // other descriptions may be appending at the same time.
        u64 end = offset_;
        usize done = TRY(inode_->append(buffer, count, end));
        offset_ = end;
        return done;
    }
    usize done = TRY(inode_->write(offset_, buffer, count));
    offset_ += done;
    return done;
}

Result<usize> OpenFile::read_at(u64 offset, IoBuffer& buffer, usize count) {
    if (!is_readable()) return Errno::ebadf;
    if (offset > max_offset) return Errno::einval;
    return inode_->read(offset, buffer, count);
}

Result<usize> OpenFile::write_at(u64 offset, const IoBuffer& buffer, usize count) {
    if (!is_writable()) return Errno::ebadf;
    if (offset > max_offset) return Errno::einval;
    // Linux quirk kept: pwrite on an O_APPEND file appends.
    if (flags() & abi::o_append) {
        u64 end;
        return inode_->append(buffer, count, end);
    }
    return inode_->write(offset, buffer, count);
}

Result<u64> OpenFile::seek(i64 offset, int whence) {
    if (is_path_only()) return Errno::ebadf;
    MutexGuard guard(offset_lock_);
    // Directory offsets are iteration cookies: only absolute and relative moves make sense.
    if (inode_->is_directory() && whence != abi::seek_set && whence != abi::seek_cur) return Errno::einval;
    i64 base;
    switch (whence) {
    case abi::seek_set: base = 0; break;
    case abi::seek_cur: base = static_cast<i64>(offset_); break;
    case abi::seek_end: base = static_cast<i64>(inode_->size()); break;
    case abi::seek_data:
    case abi::seek_hole: {
        // Without hole tracking: data everywhere up to the end, one hole at the end.
        u64 size = inode_->size();
        if (offset < 0 || static_cast<u64>(offset) >= size) return Errno::enxio;
        offset_ = whence == abi::seek_data ? static_cast<u64>(offset) : size;
        return offset_;
    }
    default: return Errno::einval;
    }
    i64 result;
    if (__builtin_add_overflow(base, offset, &result) || result < 0) return Errno::einval;
    offset_ = static_cast<u64>(result);
    return offset_;
}

Result<void> OpenFile::read_directory(DirectoryVisitor visitor) {
    if (is_path_only()) return Errno::ebadf;
    if (!inode_->is_directory()) return Errno::enotdir;
    // A removed directory (no links left) lists nothing, not even "." and "..": ENOENT
    // (Linux's iterate_dir checks IS_DEADDIR).
    if (inode_->link_count() == 0) return Errno::enoent;
    MutexGuard guard(offset_lock_);
    u64 cookie = offset_;
    Result<void> result = inode_->iterate(cookie, [&](const DirectoryEntry& entry) {
        if (!visitor(entry)) return false;
        offset_ = entry.next_cookie;
        return true;
    });
    inode_->touch_access();
    return result;
}

Result<long> OpenFile::ioctl(u32, const IoctlArgument&) { return is_path_only() ? Errno::ebadf : Errno::enotty; }

u32 OpenFile::poll_events() {
    if (is_path_only()) return poll_nval;
    // Files that cannot wait (regular files, directories) are always ready, whatever their
    // access mode (Linux's DEFAULT_POLLMASK).
    return poll_in | poll_out | poll_rdnorm | poll_wrnorm;
}

Result<void> OpenFile::truncate(u64 size) {
    if (is_path_only()) return Errno::ebadf;
    if (!is_writable() || !inode_->is_regular()) return Errno::einval;
    if (size > max_offset) return Errno::einval;
    return inode_->truncate(size);
}

Result<void> OpenFile::sync() {
    if (is_path_only()) return Errno::ebadf;
    return inode_->sync();
}

FileStat OpenFile::stat() const {
    inode_->refresh_metadata();
    return inode_->stat();
}

Result<MappingSource> OpenFile::mmap_source() {
    if (is_path_only()) return Errno::ebadf;
    if (!inode_ || !inode_->can_map_pages()) return Errno::enodev;
    return MappingSource {MappingSource::Kind::pages, inode_};
}

}  // namespace kernel
