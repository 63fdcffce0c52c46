#include "fs_tree.h"

#include "../abi/fcntl.h"
#include "../abi/mount.h"
#include "../fs/permission.h"
#include "../mm/kmalloc.h"
#include "fs_support.h"

namespace kernel {
namespace {

VfsContext context() { return calling_process().vfs_context(); }

// A path argument and the base directory its dirfd gives, for the common *at() shape.
struct PathAt {
    UserPath name;
    AtBase base;

    Result<void> load(int dirfd, UserPtr<char> path) {
        TRY(name.copy(path));
        base = TRY(AtBase::for_path(dirfd, name.view()));
        return ok();
    }
    StringView view() const { return name.view(); }
    const Path* directory() const { return base.get(); }
};

Result<long> unlink_at(int dirfd, UserPtr<char> path, bool directory) {
    PathAt at;
    TRY(at.load(dirfd, path));
    if (directory) TRY(vfs_rmdir(context(), at.directory(), at.view()));
    else TRY(vfs_unlink(context(), at.directory(), at.view()));
    return 0;
}

// mount(2)'s strings (copy_mount_string): null stays absent, longer than a page is EINVAL.
class MountString {
public:
    ~MountString() { kfree(text_); }
    Result<void> copy(UserPtr<char> pointer, bool truncate = false) {
        if (pointer.is_null()) return ok();
        text_ = static_cast<char*>(kmalloc(hal::page_size));
        if (!text_) return Errno::enomem;
        auto length = copy_string_from_user(calling_memory(), text_, pointer.address(), hal::page_size);
        if (length.is_error() && length.error() == Errno::enametoolong && truncate) {
            // The options are one page, cut at its last byte (Linux's path_mount).
            text_[hal::page_size - 1] = '\0';
            length_ = hal::page_size - 1;
            return ok();
        }
        if (length.is_error()) return length.error() == Errno::enametoolong ? Errno::einval : length.error();
        length_ = length.value();
        return ok();
    }
    bool present() const { return text_ != nullptr; }
    StringView view() const { return {text_ ? text_ : "", length_}; }

private:
    char* text_ = nullptr;
    usize length_ = 0;
};

bool is_superuser(const VfsContext& current) { return current.credentials.is_superuser(); }

}  // namespace

Result<long> sys_mkdir(UserPtr<char> path, u32 mode) { return sys_mkdirat(abi::at_fdcwd, path, mode); }

Result<long> sys_mkdirat(int dirfd, UserPtr<char> path, u32 mode) {
    PathAt at;
    TRY(at.load(dirfd, path));
    TRY(vfs_mkdir(context(), at.directory(), at.view(), mode));
    return 0;
}

Result<long> sys_rmdir(UserPtr<char> path) { return unlink_at(abi::at_fdcwd, path, true); }

Result<long> sys_unlink(UserPtr<char> path) { return unlink_at(abi::at_fdcwd, path, false); }

Result<long> sys_unlinkat(int dirfd, UserPtr<char> path, int flags) {
    if (flags & ~abi::at_removedir) return Errno::einval;
    return unlink_at(dirfd, path, flags & abi::at_removedir);
}

Result<long> sys_rename(UserPtr<char> old_path, UserPtr<char> new_path) {
    return sys_renameat2(abi::at_fdcwd, old_path, abi::at_fdcwd, new_path, 0);
}

Result<long> sys_renameat(int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path) {
    return sys_renameat2(old_dirfd, old_path, new_dirfd, new_path, 0);
}

// RENAME_EXCHANGE and RENAME_WHITEOUT are not supported (EINVAL from vfs_rename after the
// checks Linux makes on the flags themselves).
Result<long> sys_renameat2(int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path, u32 flags) {
    constexpr u32 known = abi::rename_noreplace | abi::rename_exchange | abi::rename_whiteout;
    if (flags & ~known) return Errno::einval;
    if ((flags & (abi::rename_noreplace | abi::rename_whiteout)) && (flags & abi::rename_exchange)) return Errno::einval;
    VfsContext current = context();
    if ((flags & abi::rename_whiteout) && !is_superuser(current)) return Errno::eperm;
    PathAt from, to;
    TRY(from.load(old_dirfd, old_path));
    TRY(to.load(new_dirfd, new_path));
    TRY(vfs_rename(current, from.directory(), from.view(), to.directory(), to.view(), flags));
    return 0;
}

Result<long> sys_link(UserPtr<char> old_path, UserPtr<char> new_path) {
    return sys_linkat(abi::at_fdcwd, old_path, abi::at_fdcwd, new_path, 0);
}

Result<long> sys_linkat(int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path, int flags) {
    if (flags & ~(abi::at_symlink_follow | abi::at_empty_path)) return Errno::einval;
    VfsContext current = context();
    // Linking a descriptor's file needs CAP_DAC_READ_SEARCH: otherwise anyone holding a
    // descriptor could give an unlinked or inaccessible file a name.
    if ((flags & abi::at_empty_path) && !is_superuser(current)) return Errno::enoent;
    UserPath old_name;
    TRY(old_name.copy(old_path, flags & abi::at_empty_path));
    if (old_name.is_empty()) {
        EmptyPathTarget target = TRY(empty_path_target(old_dirfd));
        if (!target.path.is_valid()) return Errno::enoent;  // a pipe has no place in the tree
        PathAt to;
        TRY(to.load(new_dirfd, new_path));
        TRY(vfs_link_existing(current, target.path, to.directory(), to.view()));
        return 0;
    }
    AtBase old_base = TRY(AtBase::for_path(old_dirfd, old_name.view()));
    PathAt to;
    TRY(to.load(new_dirfd, new_path));
    TRY(vfs_link(current, old_base.get(), old_name.view(), to.directory(), to.view(), flags & abi::at_symlink_follow));
    return 0;
}

Result<long> sys_symlink(UserPtr<char> target, UserPtr<char> path) {
    return sys_symlinkat(target, abi::at_fdcwd, path);
}

Result<long> sys_symlinkat(UserPtr<char> target, int dirfd, UserPtr<char> path) {
    UserPath target_name;
    TRY(target_name.copy(target));
    PathAt at;
    TRY(at.load(dirfd, path));
    TRY(vfs_symlink(context(), target_name.view(), at.directory(), at.view()));
    return 0;
}

Result<long> sys_mknod(UserPtr<char> path, u32 mode, u32 device) {
    return sys_mknodat(abi::at_fdcwd, path, mode, device);
}

Result<long> sys_mknodat(int dirfd, UserPtr<char> path, u32 mode, u32 device) {
    // The type is checked before the path is even read (may_mknod in do_mknodat).
    switch (mode & abi::s_ifmt) {
    case 0:
    case abi::s_ifreg:
    case abi::s_ifchr:
    case abi::s_ifblk:
    case abi::s_ififo:
    case abi::s_ifsock: break;
    case abi::s_ifdir: return Errno::eperm;
    default: return Errno::einval;
    }
    PathAt at;
    TRY(at.load(dirfd, path));
    // The 32-bit device number has the same layout as the low half of the 64-bit one.
    TRY(vfs_mknod(context(), at.directory(), at.view(), mode, device));
    return 0;
}

Result<long> sys_chdir(UserPtr<char> path) {
    UserPath name;
    TRY(name.copy(path));
    // Resolved on a copy of the context, outside the process's lock; only the result is
    // stored under it.
    VfsContext changed = context();
    TRY(vfs_chdir(changed, nullptr, name.view()));
    calling_process().change_vfs_context([&](VfsContext& current) { current.cwd = changed.cwd; });
    return 0;
}

Result<long> sys_fchdir(int fd) {
    RefPtr<OpenFile> file = TRY(file_or_path(fd));
    if (!file->inode() || !file->inode()->is_directory() || !file->path().is_valid()) return Errno::enotdir;
    TRY(check_permission(*file->inode(), calling_process().credentials(), may_execute));
    Path directory = file->path();
    calling_process().change_vfs_context([&](VfsContext& current) { current.cwd = directory; });
    return 0;
}

// getcwd(2): the working directory as seen from the caller's root, with the length
// (including the NUL) as the result; ENOENT once it has been removed, ERANGE for a buffer
// too small, "(unreachable)" before a directory outside the root (a chroot escapee).
Result<long> sys_getcwd(UserPtr<char> buffer, usize size) {
    VfsContext current = context();
    if (current.cwd.dentry->is_detached()) return Errno::enoent;
    char* text = static_cast<char*>(kmalloc(abi::path_max));
    if (!text) return Errno::enomem;
    static constexpr char unreachable[] = "(unreachable)";
    constexpr usize prefix = sizeof unreachable - 1;
    bool outside = false;
    Result<usize> length = absolute_path(current.cwd, current.root, text + prefix, abi::path_max - prefix, &outside);
    Result<long> result = Errno::enametoolong;
    if (length.has_value()) {
        usize start = prefix;
        if (outside) {
            start = 0;
            kstd::memcpy(text, unreachable, prefix);
        }
        usize total = prefix - start + length.value() + 1;
        if (total > size) result = Errno::erange;
        else {
            auto copied = copy_to_user(calling_memory(), buffer.address(), text + start, total);
            result = copied.is_error() ? Result<long>(copied.error()) : Result<long>(static_cast<long>(total));
        }
    }
    kfree(text);
    return result;
}

Result<long> sys_chroot(UserPtr<char> path) {
    UserPath name;
    TRY(name.copy(path));
    VfsContext current = context();
    Path found = TRY(resolve_path(current, nullptr, name.view(), resolve_follow | resolve_directory));
    TRY(check_permission(found.inode(), current.credentials, may_execute));
    if (current.credentials.euid != 0) return Errno::eperm;  // CAP_SYS_CHROOT
    // The working directory stays where it is, possibly outside the new root (chroot(2)).
    calling_process().change_vfs_context([&](VfsContext& changed) { changed.root = found; });
    return 0;
}

// mount(2): new mounts of a file system type. Newt has no bind mounts, moves, remounts or
// read-only mounts (EINVAL); every mount is private, so a propagation change does nothing;
// the other per-mount flags (nosuid, nodev, noexec, atime flags) are accepted and not
// enforced. docs/syscalls.md lists these.
Result<long> sys_mount(UserPtr<char> source, UserPtr<char> target, UserPtr<char> type, u64 flags, UserPtr<char> data) {
    MountString type_name, source_name, options;
    TRY(type_name.copy(type));
    TRY(source_name.copy(source));
    TRY(options.copy(data, true));
    UserPath target_name;
    TRY(target_name.copy(target));
    if ((flags & abi::ms_mgc_msk) == abi::ms_mgc_val) flags &= ~abi::ms_mgc_msk;
    VfsContext current = context();
    constexpr u64 propagation = abi::ms_shared | abi::ms_private | abi::ms_slave | abi::ms_unbindable;
    constexpr u64 unsupported = abi::ms_remount | abi::ms_bind | abi::ms_move | abi::ms_rdonly;
    if ((flags & (propagation | unsupported)) || !type_name.present()) {
        TRY(resolve_path(current, nullptr, target_name.view(), resolve_follow));
        if (!is_superuser(current)) return Errno::eperm;
        if ((flags & propagation) && !(flags & unsupported)) return 0;
        return Errno::einval;
    }
    StringView source_view = source_name.present() ? source_name.view() : StringView("none");
    TRY(vfs_mount(current, type_name.view(), source_view, nullptr, target_name.view(), options.view()));
    return 0;
}

// umount2(2): MNT_FORCE is accepted (nothing can hang); MNT_DETACH is a plain unmount,
// so a busy mount stays and gives EBUSY instead of going away lazily.
Result<long> sys_umount2(UserPtr<char> target, int flags) {
    if (flags & ~(abi::mnt_force | abi::mnt_detach | abi::mnt_expire | abi::umount_nofollow)) return Errno::einval;
    if ((flags & abi::mnt_expire) && (flags & (abi::mnt_force | abi::mnt_detach))) return Errno::einval;
    UserPath name;
    TRY(name.copy(target));
    TRY(vfs_umount(context(), nullptr, name.view(), !(flags & abi::umount_nofollow)));
    return 0;
}

}  // namespace kernel
