#include "fs_support.h"

#include "../abi/fcntl.h"
#include "../mm/kmalloc.h"
#include "../proc/user_thread.h"

namespace kernel {

Process& calling_process() { return current_user_thread()->process(); }

int descriptor_limit() {
    u64 limit = calling_process().limit(abi::rlimit_nofile).current;
    return limit < FileDescriptorTable::max_descriptors ? static_cast<int>(limit) : FileDescriptorTable::max_descriptors;
}

Result<RefPtr<OpenFile>> file_for_io(int fd) {
    RefPtr<OpenFile> file = TRY(calling_process().files().get(fd));
    if (file->is_path_only()) return Errno::ebadf;
    return file;
}

Result<RefPtr<OpenFile>> file_or_path(int fd) { return calling_process().files().get(fd); }

UserPath::~UserPath() { kfree(text_); }

Result<void> UserPath::copy(UserPtr<char> path, bool allow_empty) {
    if (!text_) {
        text_ = static_cast<char*>(kmalloc(abi::path_max));
        if (!text_) return Errno::enomem;
    }
    length_ = TRY(copy_string_from_user(calling_memory(), text_, path.address(), abi::path_max));
    if (length_ == 0 && !allow_empty) return Errno::enoent;
    return ok();
}

Result<AtBase> AtBase::for_path(int dirfd, StringView path) {
    AtBase base;
    if ((!path.is_empty() && path[0] == '/') || dirfd == abi::at_fdcwd) return base;
    RefPtr<OpenFile> file = TRY(file_or_path(dirfd));
    // An empty path (AT_EMPTY_PATH) names the file itself, whatever it is.
    if (!path.is_empty() && (!file->inode() || !file->inode()->is_directory() || !file->path().is_valid()))
        return Errno::enotdir;
    base.path_ = file->path();
    base.has_path_ = base.path_.is_valid();
    return base;
}

Result<EmptyPathTarget> empty_path_target(int dirfd) {
    EmptyPathTarget target;
    if (dirfd == abi::at_fdcwd) {
        target.path = calling_process().vfs_context().cwd;
        return target;
    }
    target.file = TRY(file_or_path(dirfd));
    target.path = target.file->path();
    return target;
}

abi::Stat to_stat(const FileStat& stat) {
    abi::Stat result {};
    result.st_dev = stat.device;
    result.st_ino = stat.inode;
    result.st_nlink = stat.link_count;
    result.st_mode = stat.mode;
    result.st_uid = stat.uid;
    result.st_gid = stat.gid;
    result.st_rdev = stat.rdevice;
    result.st_size = static_cast<i64>(stat.size);
    result.st_blksize = stat.block_size;
    result.st_blocks = static_cast<i64>(stat.blocks);
    result.st_atime_sec = stat.access_time.seconds;
    result.st_atime_nsec = stat.access_time.nanoseconds;
    result.st_mtime_sec = stat.modify_time.seconds;
    result.st_mtime_nsec = stat.modify_time.nanoseconds;
    result.st_ctime_sec = stat.change_time.seconds;
    result.st_ctime_nsec = stat.change_time.nanoseconds;
    return result;
}

namespace {

abi::StatxTimestamp to_statx_timestamp(const Timespec& time) {
    return {time.seconds, static_cast<u32>(time.nanoseconds), 0};
}

}  // namespace

abi::Statx to_statx(const FileStat& stat) {
    abi::Statx result {};
    result.stx_mask = abi::statx_basic_stats | abi::statx_btime;
    result.stx_blksize = stat.block_size;
    result.stx_nlink = stat.link_count;
    result.stx_uid = stat.uid;
    result.stx_gid = stat.gid;
    result.stx_mode = static_cast<u16>(stat.mode);
    result.stx_ino = stat.inode;
    result.stx_size = stat.size;
    result.stx_blocks = stat.blocks;
    result.stx_atime = to_statx_timestamp(stat.access_time);
    result.stx_btime = to_statx_timestamp(stat.birth_time);
    result.stx_ctime = to_statx_timestamp(stat.change_time);
    result.stx_mtime = to_statx_timestamp(stat.modify_time);
    result.stx_rdev_major = abi::device_major(stat.rdevice);
    result.stx_rdev_minor = abi::device_minor(stat.rdevice);
    result.stx_dev_major = abi::device_major(stat.device);
    result.stx_dev_minor = abi::device_minor(stat.device);
    return result;
}

}  // namespace kernel
