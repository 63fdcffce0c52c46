#include "vfs.h"

#include "../abi/fcntl.h"
#include "../mm/heap.h"
#include "file_system_type.h"
#include "permission.h"

namespace kernel {
namespace {

Mutex rename_lock;  // one rename at a time: the subtree check must not race another rename

// Rename's directory locks: its two parents, locked ancestor first (else by address), once
// if the same; or the one directory it replaces.
class DirectoryLocks {
public:
    // One lock, or none (nullptr).
    explicit DirectoryLocks(Mutex* only) : first_(only), second_(nullptr) {
        if (first_) first_->lock();
    }
    DirectoryLocks(const Path& a, const Path& b) {
        first_ = &a.inode().directory_lock();
        second_ = &b.inode().directory_lock();
        if (first_ == second_) second_ = nullptr;
        else if (a.dentry->is_descendant_of(*b.dentry) ||
                 (!b.dentry->is_descendant_of(*a.dentry) && first_ > second_))
            std::swap(first_, second_);
        first_->lock();
        if (second_) second_->lock();
    }
    ~DirectoryLocks() {
        if (second_) second_->unlock();
        if (first_) first_->unlock();
    }
    DirectoryLocks(const DirectoryLocks&) = delete;
    DirectoryLocks& operator=(const DirectoryLocks&) = delete;

private:
    Mutex* first_;
    Mutex* second_;
};

// New files: the caller's fsuid; the group of a set-group-ID directory, else the fsgid.
void new_owner(const VfsContext& context, const Inode& directory, u32& uid, u32& gid) {
    uid = context.credentials.fsuid;
    gid = (directory.mode() & abi::s_isgid) ? directory.gid() : context.credentials.fsgid;
}

// May create an entry in `parent`: it still exists, and write + search permission.
Result<void> check_may_create(const VfsContext& context, const Path& parent) {
    if (parent.dentry->is_detached()) return Errno::enoent;
    return check_permission(parent.inode(), context.credentials, may_write | may_execute);
}

// The existing child of a resolved parent, or ENOENT.
Result<Path> existing_child(const ParentAndName& where) { return lookup_child(where.parent, where.last()); }

bool exists(const ParentAndName& where) { return existing_child(where).has_value(); }

// Common to mkdir/mknod/symlink: the last component names something new.
Result<void> check_new_name(const VfsContext& context, const ParentAndName& where) {
    if (where.name_length == 0 || where.is_dot() || where.is_dot_dot()) return Errno::eexist;
    auto child = existing_child(where);
    if (child.has_value()) return Errno::eexist;
    if (child.error() != Errno::enoent) return child.error();
    return check_may_create(context, where.parent);
}

Result<RefPtr<Inode>> create_node(const VfsContext& context, const ParentAndName& where, u32 mode, u64 device) {
    u32 uid, gid;
    new_owner(context, where.parent.inode(), uid, gid);
    // A group-executable set-group-ID file made in a set-group-ID directory by someone
    // outside that group loses the bit (Linux's mode_strip_sgid).
    if ((mode & abi::s_ifmt) != abi::s_ifdir && (mode & (abi::s_isgid | 0010)) == (abi::s_isgid | 0010) &&
        (where.parent.inode().mode() & abi::s_isgid) && !context.credentials.is_superuser() &&
        !context.credentials.in_group(gid))
        mode &= ~abi::s_isgid;
    RefPtr<Inode> inode = TRY(where.parent.inode().create(where.last(), mode, uid, gid, device));
    where.parent.inode().touch_modify();
    return inode;
}

Result<Path> resolve_for_open(const VfsContext& context, const Path* base, StringView path, int flags) {
    unsigned resolve = (flags & abi::o_nofollow) ? 0 : resolve_follow;
    if (flags & abi::o_directory) resolve |= resolve_directory;
    Path found = TRY(resolve_path(context, base, path, resolve));
    if (found.inode().is_symlink() && !(flags & abi::o_path)) return Errno::eloop;  // O_NOFOLLOW on a link
    return found;
}

// O_CREAT: the file at `path`, created if missing (following a dangling symlink's target).
Result<Path> open_or_create(const VfsContext& context, const Path* base, StringView path, int flags, u32 mode,
                            bool& created) {
    created = false;
    ParentAndName where = TRY(resolve_parent(context, base, path));
    for (unsigned links = 0;; ++links) {
        if (where.name_length == 0 || where.is_dot() || where.is_dot_dot() || where.trailing_slash)
            return Errno::eisdir;
        MutexGuard lock(where.parent.inode().directory_lock());
        auto child = existing_child(where);
        if (child.has_value()) {
            if (flags & abi::o_excl) return Errno::eexist;
            Path found = child.release_value();
            if (!found.inode().is_symlink()) return found;
            if (flags & abi::o_nofollow) return Errno::eloop;
            if (links >= abi::symlink_max_follow) return Errno::eloop;
            // A magic link (/dev/stdout -> /proc/self/fd/1) leads to its place directly.
            if (found.inode().is_magic_link()) return found.inode().follow_magic_link();
            // Follow it: if its target exists, open that; if not, create the target.
            char target[abi::path_max];
            IoBuffer buffer = IoBuffer::kernel(target, sizeof target - 1);
            usize length = TRY(found.inode().read_link(buffer, sizeof target - 1));
            Path directory = where.parent;
            where = TRY(resolve_parent(context, &directory, StringView(target, length)));
            continue;
        }
        if (child.error() != Errno::enoent) return child.error();
        TRY(check_may_create(context, where.parent));
        u32 create_mode = abi::s_ifreg | (mode & 07777 & ~context.umask);
        u64 generation;
        where.parent.dentry->find_child(where.last(), &generation);
        RefPtr<Inode> inode = TRY(create_node(context, where, create_mode, 0));
        // The directory lock keeps the new name in place until it is cached; `stale` can only
        // report another name of the directory going away meanwhile, and then the open still
        // gets the file it created (through an uncached dentry).
        bool stale;
        RefPtr<Dentry> dentry = TRY(where.parent.dentry->add_child(where.last(), inode, generation, stale));
        created = true;
        return Path {where.parent.mount, dentry};
    }
}

}  // namespace

Result<RefPtr<OpenFile>> vfs_open(const VfsContext& context, const Path* base, StringView path, int flags, u32 mode) {
    // O_PATH beats every other flag but these (Linux's build_open_how).
    if (flags & abi::o_path) {
        Path found = TRY(resolve_path(context, base, path, (flags & abi::o_nofollow) ? 0 : resolve_follow));
        if ((flags & abi::o_directory) && !found.inode().is_directory()) return Errno::enotdir;
        return make_ref<OpenFile>(found, found.dentry->inode_ref(), flags & (abi::o_path | abi::o_directory | abi::o_nofollow | abi::o_cloexec));
    }
    // Linux 6.4: O_CREAT | O_DIRECTORY is refused before anything happens (it used to
    // create a regular file and then fail with ENOTDIR).
    if ((flags & (abi::o_creat | abi::o_directory)) == (abi::o_creat | abi::o_directory)) return Errno::einval;
    if ((flags & abi::o_tmpfile) == abi::o_tmpfile) return Errno::eopnotsupp;
    bool created = false;
    Path found = (flags & abi::o_creat) ? TRY(open_or_create(context, base, path, flags, mode, created))
                                        : TRY(resolve_for_open(context, base, path, flags));
    Inode& inode = found.inode();
    int access = flags & abi::o_accmode;
    if ((flags & abi::o_directory) && !inode.is_directory()) return Errno::enotdir;
    // O_TRUNC asks for write access (Linux's may_open: MAY_WRITE on a directory is EISDIR).
    if (inode.is_directory() && (access != abi::o_rdonly || (flags & (abi::o_creat | abi::o_trunc))))
        return Errno::eisdir;
    if (!created) {
        int mask = 0;
        if (access == abi::o_rdonly || access == abi::o_rdwr || access == abi::o_accmode) mask |= may_read;
        if (access == abi::o_wronly || access == abi::o_rdwr || access == abi::o_accmode) mask |= may_write;
        if ((flags & abi::o_trunc) && access == abi::o_rdonly) mask |= may_write;
        TRY(check_permission(inode, context.credentials, mask));
    }
    RefPtr<OpenFile> file = TRY(inode.open(found, flags));
    // Even O_RDONLY | O_TRUNC truncates (POSIX leaves it unspecified; Linux does).
    if ((flags & abi::o_trunc) && inode.is_regular() && !created) {
        TRY(inode.truncate(0));
        inode.touch_modify();
    }
    return file;
}

Result<FileStat> vfs_stat(const VfsContext& context, const Path* base, StringView path, bool follow) {
    Path found = TRY(resolve_path(context, base, path, follow ? resolve_follow : 0));
    found.inode().refresh_metadata();
    return found.inode().stat();
}

Result<void> vfs_mkdir(const VfsContext& context, const Path* base, StringView path, u32 mode) {
    ParentAndName where = TRY(resolve_parent(context, base, path));
    MutexGuard lock(where.parent.inode().directory_lock());
    TRY(check_new_name(context, where));
    u32 directory_mode = abi::s_ifdir | (mode & 01777 & ~context.umask);
    if (where.parent.inode().mode() & abi::s_isgid) directory_mode |= abi::s_isgid;
    TRY(create_node(context, where, directory_mode, 0));
    return ok();
}

Result<void> vfs_mknod(const VfsContext& context, const Path* base, StringView path, u32 mode, u64 device) {
    u32 type = mode & abi::s_ifmt;
    if (type == 0) type = abi::s_ifreg;
    switch (type) {
    case abi::s_ifreg:
    case abi::s_ififo:
    case abi::s_ifsock: device = 0; break;
    case abi::s_ifchr:
    case abi::s_ifblk: break;
    case abi::s_ifdir: return Errno::eperm;
    default: return Errno::einval;
    }
    ParentAndName where = TRY(resolve_parent(context, base, path));
    MutexGuard lock(where.parent.inode().directory_lock());
    if (where.trailing_slash && where.name_length) return exists(where) ? Errno::eexist : Errno::enoent;
    TRY(check_new_name(context, where));
    // Devices need CAP_MKNOD, checked last (Linux's vfs_mknod, after may_create).
    if ((type == abi::s_ifchr || type == abi::s_ifblk) && !context.credentials.is_superuser()) return Errno::eperm;
    TRY(create_node(context, where, type | (mode & 07777 & ~context.umask), device));
    return ok();
}

Result<void> vfs_unlink(const VfsContext& context, const Path* base, StringView path) {
    ParentAndName where = TRY(resolve_parent(context, base, path));
    if (where.name_length == 0 || where.is_dot() || where.is_dot_dot()) return Errno::eisdir;
    MutexGuard lock(where.parent.inode().directory_lock());
    Path victim = TRY(existing_child(where));
    // "name/" is refused before any permission check (do_unlinkat's "slashes" case);
    // otherwise Linux's may_delete checks permission and stickiness before the type.
    if (where.trailing_slash) return victim.inode().is_directory() ? Errno::eisdir : Errno::enotdir;
    TRY(check_may_delete(where.parent.inode(), victim.inode(), context.credentials));
    if (victim.inode().is_directory()) return Errno::eisdir;
    if (victim.dentry->is_mount_point()) return Errno::ebusy;
    TRY(where.parent.inode().unlink(where.last()));
    where.parent.dentry->detach_child(where.last());
    where.parent.inode().touch_modify();
    victim.inode().touch_change();
    return ok();
}

Result<void> vfs_rmdir(const VfsContext& context, const Path* base, StringView path) {
    ParentAndName where = TRY(resolve_parent(context, base, path));
    if (where.name_length == 0) return Errno::ebusy;
    if (where.is_dot()) return Errno::einval;
    if (where.is_dot_dot()) return Errno::enotempty;
    MutexGuard lock(where.parent.inode().directory_lock());
    // Look up without crossing mounts: a mount point is busy, not its mounted root.
    RefPtr<Dentry> cached = where.parent.dentry->find_child(where.last());
    Path victim = TRY(existing_child(where));
    TRY(check_may_delete(where.parent.inode(), victim.inode(), context.credentials));  // before the type
    if (!victim.inode().is_directory()) return Errno::enotdir;
    if (victim.mount != where.parent.mount || (cached && cached->is_mount_point())) return Errno::ebusy;
    if (victim == context.root) return Errno::ebusy;
    // The victim's own lock keeps a creation in it from slipping in between the emptiness
    // check and the detach (creations check is_detached() under this lock).
    MutexGuard victim_lock(victim.inode().directory_lock());
    TRY(where.parent.inode().remove_directory(where.last()));
    where.parent.dentry->detach_child(where.last());
    where.parent.inode().touch_modify();
    return ok();
}

Result<void> vfs_symlink(const VfsContext& context, StringView target, const Path* base, StringView path) {
    if (target.is_empty()) return Errno::enoent;
    if (target.length() >= abi::path_max) return Errno::enametoolong;
    ParentAndName where = TRY(resolve_parent(context, base, path));
    MutexGuard lock(where.parent.inode().directory_lock());
    if (where.trailing_slash && where.name_length) return exists(where) ? Errno::eexist : Errno::enoent;
    TRY(check_new_name(context, where));
    u32 uid, gid;
    new_owner(context, where.parent.inode(), uid, gid);
    TRY(where.parent.inode().create_symlink(where.last(), target, uid, gid));
    where.parent.inode().touch_modify();
    return ok();
}

Result<usize> vfs_readlink(const VfsContext& context, const Path* base, StringView path, IoBuffer& buffer, usize size) {
    Path found = TRY(resolve_path(context, base, path, 0));
    if (!found.inode().is_symlink()) return Errno::einval;
    usize length = TRY(found.inode().read_link(buffer, size));
    found.inode().touch_access();
    return length;
}

Result<void> vfs_link(const VfsContext& context, const Path* old_base, StringView old_path, const Path* new_base,
                      StringView new_path, bool follow) {
    Path old = TRY(resolve_path(context, old_base, old_path, follow ? resolve_follow : 0));
    return vfs_link_existing(context, old, new_base, new_path);
}

Result<void> vfs_link_existing(const VfsContext& context, const Path& old, const Path* new_base, StringView new_path) {
    ParentAndName where = TRY(resolve_parent(context, new_base, new_path));
    // Linux's order: the new name (filename_create), the mount, then vfs_link's checks
    // (may_create, directories, unlinked files).
    if (where.name_length == 0 || where.is_dot() || where.is_dot_dot()) return Errno::eexist;
    MutexGuard lock(where.parent.inode().directory_lock());
    if (where.trailing_slash) return exists(where) ? Errno::eexist : Errno::enoent;
    auto existing = existing_child(where);
    if (existing.has_value()) return Errno::eexist;
    if (existing.error() != Errno::enoent) return existing.error();
    if (old.mount != where.parent.mount) return Errno::exdev;
    TRY(check_may_create(context, where.parent));
    if (old.inode().is_directory()) return Errno::eperm;
    if (old.inode().link_count() == 0) return Errno::enoent;  // an unlinked open file
    TRY(where.parent.inode().link(where.last(), old.inode()));
    where.parent.inode().touch_modify();
    old.inode().touch_change();
    return ok();
}

Result<void> vfs_rename(const VfsContext& context, const Path* old_base, StringView old_path, const Path* new_base,
                        StringView new_path, unsigned flags) {
    if (flags & ~static_cast<unsigned>(abi::rename_noreplace)) return Errno::einval;
    MutexGuard guard(rename_lock);
    // The checks in Linux's order (do_renameat2, then vfs_rename and may_delete).
    ParentAndName from = TRY(resolve_parent(context, old_base, old_path));
    ParentAndName to = TRY(resolve_parent(context, new_base, new_path));
    if (from.parent.mount != to.parent.mount) return Errno::exdev;
    if (from.name_length == 0 || from.is_dot() || from.is_dot_dot()) return Errno::ebusy;
    if (to.name_length == 0 || to.is_dot() || to.is_dot_dot())
        return (flags & abi::rename_noreplace) ? Errno::eexist : Errno::ebusy;
    DirectoryLocks parents(from.parent, to.parent);
    Path source = TRY(existing_child(from));
    auto replaced = existing_child(to);
    if (replaced.is_error() && replaced.error() != Errno::enoent) return replaced.error();
    bool replaces = replaced.has_value();
    if (replaces && (flags & abi::rename_noreplace)) return Errno::eexist;
    bool source_is_directory = source.inode().is_directory();
    if ((from.trailing_slash || to.trailing_slash) && !source_is_directory) return Errno::enotdir;
    // lock_rename's trap: a directory cannot move into its own subtree (EINVAL), and nothing
    // can replace a directory it is inside of (ENOTEMPTY).
    if (source_is_directory && to.parent.dentry->is_descendant_of(*source.dentry)) return Errno::einval;
    if (replaces && from.parent.dentry->is_descendant_of(*replaced->dentry)) return Errno::enotempty;
    // Same file under both names (hard links, or the very same entry): nothing to do.
    if (replaces && &replaced->inode() == &source.inode()) return ok();
    TRY(check_may_delete(from.parent.inode(), source.inode(), context.credentials));
    if (replaces) {
        TRY(check_may_delete(to.parent.inode(), replaced->inode(), context.credentials));
        if (source_is_directory && !replaced->inode().is_directory()) return Errno::enotdir;
        if (!source_is_directory && replaced->inode().is_directory()) return Errno::eisdir;
    } else {
        TRY(check_may_create(context, to.parent));
    }
    // Moving a directory rewrites its "..": that needs write permission on it.
    if (source_is_directory && from.parent.dentry != to.parent.dentry)
        TRY(check_permission(source.inode(), context.credentials, may_write));
    // Mount points (and the mounted roots the lookups crossed into) stay where they are.
    if (source.mount != from.parent.mount || source.dentry->is_mount_point()) return Errno::ebusy;
    if (replaces && (replaced->mount != to.parent.mount || replaced->dentry->is_mount_point())) return Errno::ebusy;
    // A directory being replaced must stay empty until it is gone (as rmdir's victim).
    DirectoryLocks replaced_lock(replaces && replaced->inode().is_directory() ? &replaced->inode().directory_lock() : nullptr);

    TRY(from.parent.inode().rename(from.last(), to.parent.inode(), to.last()));
    TRY(source.dentry->move_to(*to.parent.dentry, to.last()));
    from.parent.inode().touch_modify();
    to.parent.inode().touch_modify();
    source.inode().touch_change();
    if (replaces) replaced->inode().touch_change();
    return ok();
}

Result<void> check_chmod(Inode& inode, const Credentials& credentials, u32& mode) {
    // Symlinks keep mode 0777 (Linux 6.6 notify_change, before any permission check).
    if (inode.is_symlink()) return Errno::eopnotsupp;
    if (!is_owner_or_superuser(inode, credentials)) return Errno::eperm;
    mode &= 07777;
    // Only members of the file's group may set its set-group-ID bit (else it is cleared).
    if (!credentials.is_superuser() && !credentials.in_group(inode.gid())) mode &= ~abi::s_isgid;
    return ok();
}

Result<void> apply_chmod(Inode& inode, const Credentials& credentials, u32 mode) {
    TRY(check_chmod(inode, credentials, mode));
    MetadataChange change;
    change.set_mode = true;
    change.mode = mode;
    return inode.change_metadata(change);
}

Result<void> vfs_chmod(const VfsContext& context, const Path* base, StringView path, u32 mode, bool follow) {
    Path found = TRY(resolve_path(context, base, path, follow ? resolve_follow : 0));
    return apply_chmod(found.inode(), context.credentials, mode);
}

Result<void> check_chown(Inode& inode, const Credentials& credentials, u32 uid, u32 gid) {
    constexpr u32 unchanged = 0xffffffffu;
    if (credentials.is_superuser()) return ok();
    if (uid != unchanged && uid != inode.uid()) return Errno::eperm;
    if (gid != unchanged && gid != inode.gid() &&
        (credentials.fsuid != inode.uid() || !credentials.in_group(gid)))
        return Errno::eperm;
    if ((uid != unchanged || gid != unchanged) && credentials.fsuid != inode.uid()) return Errno::eperm;
    return ok();
}

Result<void> apply_chown(Inode& inode, const Credentials& credentials, u32 uid, u32 gid) {
    constexpr u32 unchanged = 0xffffffffu;
    TRY(check_chown(inode, credentials, uid, gid));
    u32 new_uid = uid == unchanged ? inode.uid() : uid;
    u32 new_gid = gid == unchanged ? inode.gid() : gid;
    // Every chown of a non-directory, even chown(-1, -1) and even by the superuser, clears
    // set-user-ID, and set-group-ID when group-executable or when the caller is outside the
    // file's group (Linux: chown_common's ATTR_KILL_SUID and setattr_should_drop_sgid;
    // set-group-ID without group execute means mandatory locking and otherwise stays).
    u32 mode = inode.mode();
    u32 new_mode = mode;
    if (!inode.is_directory()) {
        new_mode &= ~abi::s_isuid;
        if ((mode & abi::s_isgid) &&
            ((mode & 0010) || !(credentials.is_superuser() || credentials.in_group(inode.gid()))))
            new_mode &= ~abi::s_isgid;
    }
    if (new_mode != mode) {
        // That is a mode change (ATTR_MODE): only for the owner, and set-group-ID stays only
        // for members of the new group (setattr_prepare).
        if (!is_owner_or_superuser(inode, credentials)) return Errno::eperm;
        if (!credentials.is_superuser() && !credentials.in_group(new_gid)) new_mode &= ~abi::s_isgid;
    }
    // One change (ctime even when nothing else changes): the owner, then the mode.
    MetadataChange change;
    change.set_owner = new_uid != inode.uid() || new_gid != inode.gid();
    change.uid = new_uid;
    change.gid = new_gid;
    change.set_mode = new_mode != mode;
    change.mode = new_mode;
    return inode.change_metadata(change);
}

Result<void> vfs_chown(const VfsContext& context, const Path* base, StringView path, u32 uid, u32 gid, bool follow) {
    Path found = TRY(resolve_path(context, base, path, follow ? resolve_follow : 0));
    return apply_chown(found.inode(), context.credentials, uid, gid);
}

Result<void> apply_utimens(Inode& inode, const Credentials& credentials, const Timespec* times) {
    Timespec access = times ? times[0] : Timespec {0, utime_now};
    Timespec modify = times ? times[1] : Timespec {0, utime_now};
    for (const Timespec* time : {&access, &modify}) {
        if (time->nanoseconds != utime_now && time->nanoseconds != utime_omit &&
            (time->nanoseconds < 0 || time->nanoseconds >= 1'000'000'000))
            return Errno::einval;
    }
    // Both omitted: nothing changes, not even ctime, and nothing is checked.
    if (access.nanoseconds == utime_omit && modify.nanoseconds == utime_omit) return ok();
    if (access.nanoseconds == utime_now && modify.nanoseconds == utime_now) {
        // Both to the current time (or times == NULL): ownership or write permission.
        if (!is_owner_or_superuser(inode, credentials)) TRY(check_permission(inode, credentials, may_write));
    } else if (!is_owner_or_superuser(inode, credentials)) {
        // Anything else, even one UTIME_NOW beside a UTIME_OMIT, is an explicit change
        // (Linux's ATTR_TIMES_SET): only for the owner.
        return Errno::eperm;
    }
    // utime_now is resolved by whoever keeps the times (the inode's clock, or the host's).
    MetadataChange change;
    change.set_times = true;
    change.access = access;
    change.modify = modify;
    return inode.change_metadata(change);
}

Result<void> vfs_utimens(const VfsContext& context, const Path* base, StringView path, const Timespec* times,
                         bool follow) {
    // utimensat: "Nothing to do, we must not even check the path."
    if (times && times[0].nanoseconds == utime_omit && times[1].nanoseconds == utime_omit) return ok();
    Path found = TRY(resolve_path(context, base, path, follow ? resolve_follow : 0));
    return apply_utimens(found.inode(), context.credentials, times);
}

Result<void> vfs_truncate(const VfsContext& context, const Path* base, StringView path, i64 length) {
    if (length < 0) return Errno::einval;
    Path found = TRY(resolve_path(context, base, path, resolve_follow));
    Inode& inode = found.inode();
    if (inode.is_directory()) return Errno::eisdir;
    if (!inode.is_regular()) return Errno::einval;
    TRY(check_permission(inode, context.credentials, may_write));
    TRY(inode.truncate(static_cast<u64>(length)));
    inode.touch_modify();
    return ok();
}

Result<void> vfs_access(const VfsContext& context, const Path* base, StringView path, int mode, bool effective,
                        bool follow) {
    if (mode & ~(abi::r_ok | abi::w_ok | abi::x_ok)) return Errno::einval;
    // access(2) checks with the real ids unless AT_EACCESS.
    VfsContext as_real = context;
    if (!effective) {
        as_real.credentials.fsuid = context.credentials.uid;
        as_real.credentials.fsgid = context.credentials.gid;
    }
    Path found = TRY(resolve_path(as_real, base, path, follow ? resolve_follow : 0));
    if (mode == abi::f_ok) return ok();
    return check_permission(found.inode(), as_real.credentials, mode);
}

Result<void> vfs_chdir(VfsContext& context, const Path* base, StringView path) {
    Path found = TRY(resolve_path(context, base, path, resolve_follow | resolve_directory));
    TRY(check_permission(found.inode(), context.credentials, may_execute));
    context.cwd = found;
    return ok();
}

Result<void> vfs_mount(const VfsContext& context, StringView type, StringView source, const Path* base,
                       StringView target, StringView options) {
    // The target is looked up first (do_mount's user_path_at), then the privilege checked.
    Path where = TRY(resolve_path(context, base, target, resolve_follow));
    if (!context.credentials.is_superuser()) return Errno::eperm;
    if (!where.inode().is_directory()) return Errno::enotdir;
    RefPtr<FileSystem> file_system = TRY(create_file_system(type, source, options));
    return mount_at(where, file_system, source);
}

Result<void> vfs_umount(const VfsContext& context, const Path* base, StringView target, bool follow) {
    Path where = TRY(resolve_path(context, base, target, follow ? resolve_follow : 0));  // before may_mount, as Linux
    if (!context.credentials.is_superuser()) return Errno::eperm;
    if (where.dentry != where.mount->root()) return Errno::einval;
    Path local = where;
    where = {};  // unmount counts the references: only `local` may remain
    return unmount(local);
}

}  // namespace kernel
