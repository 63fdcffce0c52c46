#include "fs_metadata.h"

#include "../abi/fcntl.h"
#include "../fs/permission.h"
#include "../mm/kmalloc.h"
#include "fs_support.h"

namespace kernel {
namespace {

VfsContext context() { return calling_process().vfs_context(); }

constexpr int stat_flags = abi::at_symlink_nofollow | abi::at_no_automount | abi::at_empty_path | abi::at_statx_sync_type;

// The FileStat of an *at() path, or with AT_EMPTY_PATH and an empty (or, as Linux 6.11
// allows, null) path, of dirfd itself.
Result<FileStat> stat_at(int dirfd, UserPtr<char> path, int flags) {
    if (flags & ~stat_flags) return Errno::einval;
    bool empty_allowed = flags & abi::at_empty_path;
    UserPath name;
    if (!(empty_allowed && path.is_null())) TRY(name.copy(path, empty_allowed));
    if (name.is_empty()) return TRY(empty_path_target(dirfd)).stat();
    AtBase base = TRY(AtBase::for_path(dirfd, name.view()));
    return vfs_stat(context(), base.get(), name.view(), !(flags & abi::at_symlink_nofollow));
}

Result<long> stat_to_user(Result<FileStat> stat, UserPtr<abi::Stat> buffer) {
    abi::Stat result = to_stat(TRY(stat));
    TRY(copy_value_to_user(buffer, result));
    return 0;
}

Result<long> access_at(int dirfd, UserPtr<char> path, int mode, int flags) {
    if (mode & ~(abi::r_ok | abi::w_ok | abi::x_ok)) return Errno::einval;
    if (flags & ~(abi::at_eaccess | abi::at_symlink_nofollow | abi::at_empty_path)) return Errno::einval;
    UserPath name;
    TRY(name.copy(path, flags & abi::at_empty_path));
    VfsContext current = context();
    bool effective = flags & abi::at_eaccess;
    if (name.is_empty()) {
        EmptyPathTarget target = TRY(empty_path_target(dirfd));
        if (mode == abi::f_ok) return 0;
        Credentials credentials = current.credentials;
        if (!effective) {
            credentials.fsuid = credentials.uid;
            credentials.fsgid = credentials.gid;
        }
        TRY(check_permission(*target.inode(), credentials, mode));
        return 0;
    }
    AtBase base = TRY(AtBase::for_path(dirfd, name.view()));
    TRY(vfs_access(current, base.get(), name.view(), mode, effective, !(flags & abi::at_symlink_nofollow)));
    return 0;
}

Result<long> chown_at(int dirfd, UserPtr<char> path, u32 uid, u32 gid, int flags) {
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path)) return Errno::einval;
    UserPath name;
    TRY(name.copy(path, flags & abi::at_empty_path));
    VfsContext current = context();
    if (name.is_empty()) {
        EmptyPathTarget target = TRY(empty_path_target(dirfd));
        TRY(apply_chown(*target.inode(), current.credentials, uid, gid));
        return 0;
    }
    AtBase base = TRY(AtBase::for_path(dirfd, name.view()));
    TRY(vfs_chown(current, base.get(), name.view(), uid, gid, !(flags & abi::at_symlink_nofollow)));
    return 0;
}

// utimensat's work once the times are in kernel form (do_utimes): a null path with a real
// dirfd changes that file; anything else is a path.
Result<long> set_times(int dirfd, UserPtr<char> path, const Timespec* times, int flags) {
    VfsContext current = context();
    if (path.is_null() && dirfd != abi::at_fdcwd) {
        if (flags) return Errno::einval;
        RefPtr<OpenFile> file = TRY(file_for_io(dirfd));
        TRY(apply_utimens(*file->inode(), current.credentials, times));
        return 0;
    }
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path)) return Errno::einval;
    UserPath name;
    TRY(name.copy(path, flags & abi::at_empty_path));
    if (name.is_empty()) {
        EmptyPathTarget target = TRY(empty_path_target(dirfd));
        TRY(apply_utimens(*target.inode(), current.credentials, times));
        return 0;
    }
    AtBase base = TRY(AtBase::for_path(dirfd, name.view()));
    TRY(vfs_utimens(current, base.get(), name.view(), times, !(flags & abi::at_symlink_nofollow)));
    return 0;
}

// utimes and futimesat: microseconds, checked before the conversion (UTIME_NOW and
// UTIME_OMIT do not exist here).
Result<long> set_times_in_microseconds(int dirfd, UserPtr<char> path, UserPtr<abi::Timeval> times) {
    if (times.is_null()) return set_times(dirfd, path, nullptr, 0);
    abi::Timeval values[2];
    TRY(copy_from_user(calling_memory(), values, times.address(), sizeof values));
    Timespec converted[2];
    for (int i = 0; i < 2; ++i) {
        if (values[i].microseconds < 0 || values[i].microseconds >= 1'000'000) return Errno::einval;
        converted[i] = {values[i].seconds, values[i].microseconds * 1000};
    }
    return set_times(dirfd, path, converted, 0);
}

Result<long> readlink_at(int dirfd, UserPtr<char> path, UserPtr<char> buffer, int size) {
    if (size <= 0) return Errno::einval;
    UserPath name;
    TRY(name.copy(path, true));  // LOOKUP_EMPTY: "" is the symlink dirfd names
    usize capacity = static_cast<usize>(size) < abi::path_max ? static_cast<usize>(size) : abi::path_max;
    char* target = static_cast<char*>(kmalloc(capacity));
    if (!target) return Errno::enomem;
    IoBuffer io = IoBuffer::kernel(target, capacity);
    Result<usize> length = Errno::enoent;
    if (name.is_empty()) {
        auto found = empty_path_target(dirfd);
        if (found.is_error()) length = found.error();
        else if (found->inode()->is_symlink()) {
            length = found->inode()->read_link(io, capacity);
            if (length.has_value()) found->inode()->touch_access();
        }
    } else {
        auto base = AtBase::for_path(dirfd, name.view());
        if (base.is_error()) length = base.error();
        else length = vfs_readlink(context(), base->get(), name.view(), io, capacity);
    }
    Result<void> copied = length.is_error() ? Result<void>(length.error())
                                            : copy_to_user(calling_memory(), buffer.address(), target, length.value());
    kfree(target);
    TRY(copied);
    return static_cast<long>(length.value());
}

abi::Statfs to_statfs(const Inode& inode) {
    FileSystemStatistics statistics = inode.file_system().statistics();
    u64 device = inode.file_system().device();
    abi::Statfs result {};
    result.f_type = statistics.magic;
    result.f_bsize = static_cast<i64>(statistics.block_size);
    result.f_blocks = statistics.blocks;
    result.f_bfree = statistics.free_blocks;
    result.f_bavail = statistics.available_blocks;
    result.f_files = statistics.files;
    result.f_ffree = statistics.free_files;
    result.f_fsid[0] = static_cast<i32>(device);
    result.f_fsid[1] = static_cast<i32>(device >> 32);
    result.f_namelen = static_cast<i64>(statistics.name_max);
    result.f_frsize = static_cast<i64>(statistics.block_size);
    result.f_flags = abi::st_valid;
    return result;
}

}  // namespace

Result<long> sys_stat(UserPtr<char> path, UserPtr<abi::Stat> buffer) {
    return stat_to_user(stat_at(abi::at_fdcwd, path, 0), buffer);
}

Result<long> sys_lstat(UserPtr<char> path, UserPtr<abi::Stat> buffer) {
    return stat_to_user(stat_at(abi::at_fdcwd, path, abi::at_symlink_nofollow), buffer);
}

Result<long> sys_fstat(int fd, UserPtr<abi::Stat> buffer) {
    RefPtr<OpenFile> file = TRY(file_or_path(fd));
    return stat_to_user(file->stat(), buffer);
}

Result<long> sys_newfstatat(int dirfd, UserPtr<char> path, UserPtr<abi::Stat> buffer, int flags) {
    return stat_to_user(stat_at(dirfd, path, flags), buffer);
}

Result<long> sys_statx(int dirfd, UserPtr<char> path, int flags, u32 mask, UserPtr<abi::Statx> buffer) {
    if ((flags & abi::at_statx_sync_type) == abi::at_statx_sync_type) return Errno::einval;
    if (mask & abi::statx_reserved) return Errno::einval;
    abi::Statx result = to_statx(TRY(stat_at(dirfd, path, flags)));
    TRY(copy_value_to_user(buffer, result));
    return 0;
}

Result<long> sys_access(UserPtr<char> path, int mode) { return access_at(abi::at_fdcwd, path, mode, 0); }

Result<long> sys_faccessat(int dirfd, UserPtr<char> path, int mode) { return access_at(dirfd, path, mode, 0); }

Result<long> sys_faccessat2(int dirfd, UserPtr<char> path, int mode, int flags) {
    return access_at(dirfd, path, mode, flags);
}

Result<long> sys_readlink(UserPtr<char> path, UserPtr<char> buffer, int size) {
    return readlink_at(abi::at_fdcwd, path, buffer, size);
}

Result<long> sys_readlinkat(int dirfd, UserPtr<char> path, UserPtr<char> buffer, int size) {
    return readlink_at(dirfd, path, buffer, size);
}

Result<long> sys_chmod(UserPtr<char> path, u32 mode) { return sys_fchmodat(abi::at_fdcwd, path, mode); }

Result<long> sys_fchmod(int fd, u32 mode) {
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    TRY(check_chmod(*file->inode(), calling_process().credentials(), mode));
    file->inode()->set_permissions(mode);
    return 0;
}

Result<long> sys_fchmodat(int dirfd, UserPtr<char> path, u32 mode) {
    UserPath name;
    TRY(name.copy(path));
    AtBase base = TRY(AtBase::for_path(dirfd, name.view()));
    TRY(vfs_chmod(context(), base.get(), name.view(), mode, true));
    return 0;
}

Result<long> sys_chown(UserPtr<char> path, u32 uid, u32 gid) { return chown_at(abi::at_fdcwd, path, uid, gid, 0); }

Result<long> sys_lchown(UserPtr<char> path, u32 uid, u32 gid) {
    return chown_at(abi::at_fdcwd, path, uid, gid, abi::at_symlink_nofollow);
}

Result<long> sys_fchown(int fd, u32 uid, u32 gid) {
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    TRY(apply_chown(*file->inode(), calling_process().credentials(), uid, gid));
    return 0;
}

Result<long> sys_fchownat(int dirfd, UserPtr<char> path, u32 uid, u32 gid, int flags) {
    return chown_at(dirfd, path, uid, gid, flags);
}

Result<long> sys_utimensat(int dirfd, UserPtr<char> path, UserPtr<UserTimespec> times, int flags) {
    if (times.is_null()) return set_times(dirfd, path, nullptr, flags);
    UserTimespec values[2];
    TRY(copy_from_user(calling_memory(), values, times.address(), sizeof values));
    // "Nothing to do, we must not even check the path" (Linux).
    if (values[0].nanoseconds == utime_omit && values[1].nanoseconds == utime_omit) return 0;
    Timespec converted[2] = {{values[0].seconds, values[0].nanoseconds}, {values[1].seconds, values[1].nanoseconds}};
    return set_times(dirfd, path, converted, flags);
}

Result<long> sys_utimes(UserPtr<char> path, UserPtr<abi::Timeval> times) {
    return set_times_in_microseconds(abi::at_fdcwd, path, times);
}

Result<long> sys_futimesat(int dirfd, UserPtr<char> path, UserPtr<abi::Timeval> times) {
    return set_times_in_microseconds(dirfd, path, times);
}

Result<long> sys_utime(UserPtr<char> path, UserPtr<UserUtimbuf> times) {
    if (times.is_null()) return set_times(abi::at_fdcwd, path, nullptr, 0);
    UserUtimbuf value = TRY(copy_value_from_user(times));
    Timespec converted[2] = {{value.access_time, 0}, {value.modify_time, 0}};
    return set_times(abi::at_fdcwd, path, converted, 0);
}

Result<long> sys_umask(u32 mask) {
    u32 old = 0;
    calling_process().change_vfs_context([&](VfsContext& context) {
        old = context.umask;
        context.umask = mask & 0777;
    });
    return old;
}

Result<long> sys_statfs(UserPtr<char> path, UserPtr<abi::Statfs> buffer) {
    UserPath name;
    TRY(name.copy(path));
    Path found = TRY(resolve_path(context(), nullptr, name.view(), resolve_follow));
    TRY(copy_value_to_user(buffer, to_statfs(found.inode())));
    return 0;
}

Result<long> sys_fstatfs(int fd, UserPtr<abi::Statfs> buffer) {
    RefPtr<OpenFile> file = TRY(file_or_path(fd));
    if (!file->inode()) return Errno::enosys;
    TRY(copy_value_to_user(buffer, to_statfs(*file->inode())));
    return 0;
}

}  // namespace kernel
