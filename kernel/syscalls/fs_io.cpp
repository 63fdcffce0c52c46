#include "fs_io.h"

#include "../abi/dirent.h"
#include "../abi/fcntl.h"
#include "../hal/mmu.h"
#include "../hal/usermode.h"
#include "../mm/kmalloc.h"
#include "fs_support.h"

namespace kernel {
namespace {

// Linux's MAX_RW_COUNT: one read or write moves at most this much.
constexpr usize max_transfer = 0x7ffff000;
// Non-regular files move vectored data through a kernel buffer of this size, so that a
// writev of at most PIPE_BUF bytes stays one atomic pipe write (see transfer_vector).
constexpr usize bounce_size = 64 * KiB;
// The file offset of the open file, not an explicit position.
constexpr i64 at_file_offset = -1;

enum class Direction : u8 { read, write };

Result<usize> move_once(OpenFile& file, Direction direction, IoBuffer& buffer, usize count, i64 position) {
    if (direction == Direction::read)
        return position == at_file_offset ? file.read(buffer, count) : file.read_at(static_cast<u64>(position), buffer, count);
    return position == at_file_offset ? file.write(buffer, count) : file.write_at(static_cast<u64>(position), buffer, count);
}

// Moves `count` bytes between `file` and user memory at `address`, pinning the user pages
// before the file is touched (user_memory.h: a read into a mapping of the same file must
// not fault under its lock). A regular file goes chunk by chunk until done; anything else
// (pipes, devices) reads once, since a second read could block where Linux returns what
// it has. The first error is returned; a later one ends the transfer short.
Result<usize> move_user(OpenFile& file, Direction direction, uptr address, usize count, i64 position) {
    // The access mode before the buffer (EBADF before EFAULT, as vfs_read/vfs_write).
    if (direction == Direction::read ? !file.is_readable() : !file.is_writable()) return Errno::ebadf;
    if (count > max_transfer) count = max_transfer;
    if (count == 0) {
        IoBuffer empty = IoBuffer::kernel(static_cast<void*>(nullptr), 0);
        return move_once(file, direction, empty, 0, position);
    }
    bool whole = file.inode() && file.inode()->is_regular();
    usize done = 0;
    while (done < count) {
        PinnedUserRange pinned;
        u32 access = direction == Direction::read ? hal::access_write : hal::access_read;
        auto pinning = pinned.pin(calling_memory(), address + done, count - done, access);
        if (pinning.is_error()) {
            if (done) break;
            return pinning.error();
        }
        IoBuffer io = pinned.buffer();
        i64 at = position == at_file_offset ? position : position + static_cast<i64>(done);
        auto moved = move_once(file, direction, io, pinned.length(), at);
        if (moved.is_error()) {
            if (done) break;
            return moved.error();
        }
        done += moved.value();
        if (moved.value() < pinned.length()) break;
        if (direction == Direction::read && !whole) break;
    }
    return done;
}

// An iovec array copied in and checked as Linux's import_iovec: EINVAL for more than
// UIO_MAXIOV entries or a length that is negative as ssize_t, EFAULT for an unreadable array
// or a range that leaves the user address space; the total is capped at MAX_RW_COUNT by
// shortening the entries that pass it.
class IovecArray {
public:
    IovecArray() = default;
    ~IovecArray() {
        if (entries_ != inline_) kfree(entries_);
    }
    IovecArray(const IovecArray&) = delete;
    IovecArray& operator=(const IovecArray&) = delete;

    Result<void> load(UserPtr<abi::Iovec> vector, u64 count) {
        if (count > static_cast<u64>(abi::uio_maxiov)) return Errno::einval;
        count_ = static_cast<usize>(count);
        if (count_ > inline_count) {
            entries_ = static_cast<abi::Iovec*>(kmalloc(sizeof(abi::Iovec) * count_));
            if (!entries_) return Errno::enomem;
        }
        TRY(copy_from_user(calling_memory(), entries_, vector.address(), sizeof(abi::Iovec) * count_));
        for (usize i = 0; i < count_; ++i)
            if (static_cast<i64>(entries_[i].length) < 0) return Errno::einval;
        for (usize i = 0; i < count_; ++i) {
            u64 base = entries_[i].base, length = entries_[i].length;
            if (base > hal::user_space_end || length > hal::user_space_end - base) return Errno::efault;
            if (length > max_transfer - total_) entries_[i].length = length = max_transfer - total_;
            total_ += length;
        }
        return ok();
    }
    usize count() const { return count_; }
    usize total() const { return total_; }
    const abi::Iovec& operator[](usize index) const { return entries_[index]; }

private:
    static constexpr usize inline_count = 8;
    abi::Iovec inline_[inline_count];
    abi::Iovec* entries_ = inline_;
    usize count_ = 0;
    usize total_ = 0;
};

// Copies between the iovecs (from byte `skip` of the whole) and a kernel buffer; returns
// the bytes copied, stopping at the first fault.
usize gather(const IovecArray& vector, usize skip, u8* buffer, usize count) {
    usize done = 0;
    for (usize i = 0; i < vector.count() && done < count; ++i) {
        usize length = vector[i].length;
        if (skip >= length) {
            skip -= length;
            continue;
        }
        usize piece = length - skip;
        if (piece > count - done) piece = count - done;
        if (copy_from_user(calling_memory(), buffer + done, vector[i].base + skip, piece).is_error()) {
            // Take the readable prefix of this piece, byte-exact as a user copy would.
            while (piece && copy_from_user(calling_memory(), buffer + done, vector[i].base + skip, 1).has_value()) {
                ++done;
                ++skip;
                --piece;
            }
            return done;
        }
        done += piece;
        skip = 0;
    }
    return done;
}

Result<usize> scatter(const IovecArray& vector, const u8* buffer, usize count) {
    usize done = 0;
    for (usize i = 0; i < vector.count() && done < count; ++i) {
        usize piece = vector[i].length;
        if (piece > count - done) piece = count - done;
        auto copied = copy_to_user(calling_memory(), vector[i].base, buffer + done, piece);
        if (copied.is_error()) {
            if (done) return done;
            return copied.error();
        }
        done += piece;
    }
    return done;
}

// readv/writev and friends. Regular files move each iovec in place (pinned); other files
// go through one kernel buffer, so that the whole vector is one read or write: a pipe
// reader gets everything available across the iovecs, and a writev of at most PIPE_BUF
// bytes is one atomic pipe write, as on Linux.
Result<usize> transfer_vector(OpenFile& file, Direction direction, const IovecArray& vector, i64 position) {
    if (vector.total() == 0) return 0ul;
    if (file.inode() && file.inode()->is_regular()) {
        usize done = 0;
        for (usize i = 0; i < vector.count(); ++i) {
            if (vector[i].length == 0) continue;
            i64 at = position == at_file_offset ? position : position + static_cast<i64>(done);
            auto moved = move_user(file, direction, vector[i].base, vector[i].length, at);
            if (moved.is_error()) {
                if (done) break;
                return moved.error();
            }
            done += moved.value();
            if (moved.value() < vector[i].length) break;
        }
        return done;
    }
    usize size = vector.total() < bounce_size ? vector.total() : bounce_size;
    u8* bounce = static_cast<u8*>(kmalloc(size));
    if (!bounce) return Errno::enomem;
    Result<usize> result = 0ul;
    if (direction == Direction::read) {
        IoBuffer io = IoBuffer::kernel(bounce, size);
        result = move_once(file, direction, io, size, position);
        if (result.has_value()) result = scatter(vector, bounce, result.value());
    } else {
        usize done = 0;
        while (done < vector.total()) {
            usize want = vector.total() - done < size ? vector.total() - done : size;
            usize gathered = gather(vector, done, bounce, want);
            if (gathered == 0) {
                result = done ? Result<usize>(done) : Result<usize>(Errno::efault);
                break;
            }
            IoBuffer io = IoBuffer::kernel(static_cast<const void*>(bounce), gathered);
            i64 at = position == at_file_offset ? position : position + static_cast<i64>(done);
            auto put = move_once(file, direction, io, gathered, at);
            if (put.is_error()) {
                result = done ? Result<usize>(done) : put;
                break;
            }
            done += put.value();
            result = done;
            if (put.value() < gathered || gathered < want) break;
        }
    }
    kfree(bounce);
    return result;
}

Result<long> vectored(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 position, Direction direction) {
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    // The access mode is checked before the vector (Linux's vfs_readv/vfs_writev).
    if (direction == Direction::read ? !file->is_readable() : !file->is_writable()) return Errno::ebadf;
    IovecArray iovecs;
    TRY(iovecs.load(vector, count));
    return static_cast<long>(TRY(transfer_vector(*file, direction, iovecs, position)));
}

// preadv2/pwritev2 flags: the synchronous ones are what Newt always does; RWF_NOWAIT and
// RWF_APPEND are not supported (EOPNOTSUPP, as for an unknown flag).
Result<void> check_rw_flags(int flags) {
    if (flags & ~(abi::rwf_hipri | abi::rwf_dsync | abi::rwf_sync)) return Errno::eopnotsupp;
    return ok();
}

// getdents and getdents64: records of `record_length(name)` bytes written by `fill`.
template <typename RecordLength, typename Fill>
Result<long> list_directory(int fd, UserPtr<u8> buffer, u32 count, RecordLength record_length, Fill fill) {
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    // The records go straight into pinned user pages: the directory is listed under its
    // file system's lock, where a page fault must not happen.
    // As Linux: a range outside user space is EFAULT at once; an unmapped buffer only when
    // a record is to be written into it (an empty listing returns 0).
    usize capacity = count;
    if (buffer.address() > hal::user_space_end || capacity > hal::user_space_end - buffer.address())
        return Errno::efault;
    PinnedUserRange pinned;
    if (capacity) (void)pinned.pin(calling_memory(), buffer.address(), capacity, hal::access_write);
    IoBuffer io = pinned.buffer();
    usize used = 0;
    Errno stop_reason {};
    u8 record[abi::dirent64_name_offset + abi::name_max + 16];
    auto result = file->read_directory([&](const DirectoryEntry& entry) {
        usize length = record_length(entry.name.length());
        if (used + length > capacity) {
            stop_reason = Errno::einval;  // the buffer is too small for even this record
            return false;
        }
        if (used + length > pinned.length()) {
            stop_reason = Errno::efault;  // the rest of the buffer is not writable memory
            return false;
        }
        kstd::memset(record, 0, length);
        fill(record, length, entry);
        (void)io.write(used, record, length);
        used += length;
        return true;
    });
    if (used) return static_cast<long>(used);
    TRY(result);
    if (stop_reason != Errno {}) return stop_reason;
    return 0l;
}

}  // namespace

Result<long> sys_read(int fd, UserPtr<u8> buffer, usize count) {
    RefPtr<OpenFile> file = TRY(calling_process().files().get(fd));
    return static_cast<long>(TRY(move_user(*file, Direction::read, buffer.address(), count, at_file_offset)));
}

Result<long> sys_write(int fd, UserPtr<u8> buffer, usize count) {
    RefPtr<OpenFile> file = TRY(calling_process().files().get(fd));
    return static_cast<long>(TRY(move_user(*file, Direction::write, buffer.address(), count, at_file_offset)));
}

Result<long> sys_pread64(int fd, UserPtr<u8> buffer, usize count, i64 offset) {
    if (offset < 0) return Errno::einval;  // before the descriptor (ksys_pread64)
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    return static_cast<long>(TRY(move_user(*file, Direction::read, buffer.address(), count, offset)));
}

Result<long> sys_pwrite64(int fd, UserPtr<u8> buffer, usize count, i64 offset) {
    if (offset < 0) return Errno::einval;
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    return static_cast<long>(TRY(move_user(*file, Direction::write, buffer.address(), count, offset)));
}

Result<long> sys_readv(int fd, UserPtr<abi::Iovec> vector, u64 count) {
    return vectored(fd, vector, count, at_file_offset, Direction::read);
}

Result<long> sys_writev(int fd, UserPtr<abi::Iovec> vector, u64 count) {
    return vectored(fd, vector, count, at_file_offset, Direction::write);
}

Result<long> sys_preadv(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 offset_low, i64) {
    if (offset_low < 0) return Errno::einval;
    return vectored(fd, vector, count, offset_low, Direction::read);
}

Result<long> sys_pwritev(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 offset_low, i64) {
    if (offset_low < 0) return Errno::einval;
    return vectored(fd, vector, count, offset_low, Direction::write);
}

Result<long> sys_preadv2(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 offset_low, i64, int flags) {
    if (offset_low < at_file_offset) return Errno::einval;
    TRY(check_rw_flags(flags));
    return vectored(fd, vector, count, offset_low, Direction::read);
}

Result<long> sys_pwritev2(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 offset_low, i64, int flags) {
    if (offset_low < at_file_offset) return Errno::einval;
    TRY(check_rw_flags(flags));
    return vectored(fd, vector, count, offset_low, Direction::write);
}

Result<long> sys_lseek(int fd, i64 offset, u32 whence) {
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    if (whence > static_cast<u32>(abi::seek_hole)) return Errno::einval;
    return static_cast<long>(TRY(file->seek(offset, static_cast<int>(whence))));
}

// sendfile(2): regular files only as the source (Linux refuses pipes and most devices
// with EINVAL: they cannot splice_read); the destination is any writable file but an
// O_APPEND one. The data goes through a kernel buffer.
Result<long> sys_sendfile(int out_fd, int in_fd, UserPtr<i64> offset, usize count) {
    i64 position = 0;
    if (!offset.is_null()) position = TRY(copy_value_from_user(offset));
    RefPtr<OpenFile> in = TRY(file_for_io(in_fd));
    if (!in->is_readable()) return Errno::ebadf;
    bool regular = in->inode() && in->inode()->is_regular();
    if (!offset.is_null() && in->inode() && in->inode()->type() == abi::s_ififo) return Errno::espipe;
    if (offset.is_null()) position = static_cast<i64>(in->offset());
    if (position < 0) return Errno::einval;
    if (count > max_transfer) count = max_transfer;
    RefPtr<OpenFile> out = TRY(file_for_io(out_fd));
    if (!out->is_writable()) return Errno::ebadf;
    if (!regular) return Errno::einval;
    if (out->flags() & abi::o_append) return Errno::einval;

    usize size = count < bounce_size ? count : bounce_size;
    u8* bounce = size ? static_cast<u8*>(kmalloc(size)) : nullptr;
    if (size && !bounce) return Errno::enomem;
    usize done = 0;
    Result<void> failure = ok();
    while (done < count) {
        usize want = count - done < size ? count - done : size;
        IoBuffer into = IoBuffer::kernel(bounce, want);
        auto got = in->read_at(static_cast<u64>(position), into, want);
        if (got.is_error()) {
            failure = got.error();
            break;
        }
        if (got.value() == 0) break;
        IoBuffer from = IoBuffer::kernel(static_cast<const void*>(bounce), got.value());
        auto put = out->write(from, got.value());
        if (put.is_error()) {
            failure = put.error();
            break;
        }
        done += put.value();
        position += static_cast<i64>(put.value());
        if (put.value() < got.value()) break;
    }
    kfree(bounce);
    if (offset.is_null()) {
        if (done) TRY(in->seek(position, abi::seek_set));
    } else {
        TRY(copy_value_to_user(offset, position));
    }
    if (!done && failure.is_error()) return failure.error();
    return static_cast<long>(done);
}

Result<long> sys_fsync(int fd) {
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    TRY(file->sync());
    return 0;
}

Result<long> sys_fdatasync(int fd) { return sys_fsync(fd); }

// Everything lives in memory: there is nothing to write back.
Result<long> sys_sync() { return 0; }

Result<long> sys_syncfs(int fd) {
    TRY(file_for_io(fd));
    return 0;
}

Result<long> sys_truncate(UserPtr<char> path, i64 length) {
    if (length < 0) return Errno::einval;  // before the path (do_sys_truncate)
    UserPath name;
    TRY(name.copy(path));
    TRY(vfs_truncate(calling_process().vfs_context(), nullptr, name.view(), length));
    return 0;
}

Result<long> sys_ftruncate(int fd, i64 length) {
    if (length < 0) return Errno::einval;
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    TRY(file->truncate(static_cast<u64>(length)));
    // ftruncate always sets mtime and ctime, even to the same size (ATTR_MTIME|ATTR_CTIME).
    file->inode()->touch_modify();
    return 0;
}

// fallocate(2): mode 0 extends the file (tmpfs allocates pages on write, so the space is
// not reserved: a later write can still meet ENOSPC), FALLOC_FL_KEEP_SIZE changes nothing;
// hole punching, zeroing, collapsing and inserting ranges are EOPNOTSUPP.
Result<long> sys_fallocate(int fd, int mode, i64 offset, i64 length) {
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    if (offset < 0 || length <= 0) return Errno::einval;
    constexpr int known = abi::falloc_fl_keep_size | abi::falloc_fl_punch_hole | abi::falloc_fl_no_hide_stale |
                          abi::falloc_fl_collapse_range | abi::falloc_fl_zero_range | abi::falloc_fl_insert_range |
                          abi::falloc_fl_unshare_range;
    if (mode & ~known) return Errno::eopnotsupp;
    if (!file->is_writable()) return Errno::ebadf;
    Inode* inode = file->inode();
    if (inode->type() == abi::s_ififo) return Errno::espipe;
    if (inode->is_directory()) return Errno::eisdir;
    if (!inode->is_regular()) return Errno::enodev;
    i64 end;
    if (__builtin_add_overflow(offset, length, &end)) return Errno::efbig;
    if (mode & ~abi::falloc_fl_keep_size) return Errno::eopnotsupp;
    if (mode == 0 && static_cast<u64>(end) > inode->size()) {
        TRY(inode->truncate(static_cast<u64>(end)));
        inode->touch_modify();
    }
    return 0;
}

Result<long> sys_getdents64(u32 fd, UserPtr<u8> buffer, u32 count) {
    return list_directory(
        static_cast<int>(fd), buffer, count, abi::dirent64_record_length,
        [](u8* record, usize length, const DirectoryEntry& entry) {
            abi::Dirent64Head head {entry.inode, static_cast<i64>(entry.next_cookie), static_cast<u16>(length), entry.type};
            kstd::memcpy(record, &head, abi::dirent64_name_offset);
            kstd::memcpy(record + abi::dirent64_name_offset, entry.name.data(), entry.name.length());
        });
}

Result<long> sys_getdents(u32 fd, UserPtr<u8> buffer, u32 count) {
    return list_directory(static_cast<int>(fd), buffer, count, abi::dirent_record_length,
                          [](u8* record, usize length, const DirectoryEntry& entry) {
                              abi::DirentHead head {entry.inode, entry.next_cookie, static_cast<u16>(length)};
                              kstd::memcpy(record, &head, abi::dirent_name_offset);
                              kstd::memcpy(record + abi::dirent_name_offset, entry.name.data(), entry.name.length());
                              record[length - 1] = entry.type;  // the old layout's d_type: the last byte
                          });
}

}  // namespace kernel
