// The VFS operations: what the file syscalls do, with Linux's checks and errors, on paths
// relative to a VfsContext. `base` is the directory a relative path starts from (the *at()
// syscalls' dirfd; nullptr: the working directory).
//
// Every change to a directory's entries holds that directory's lock (Inode::directory_lock)
// from the lookup of the name through the permission checks to the change, so what was
// checked is what changes (Linux's i_rwsem held by lock_rename / filename_create).
//
// Lock order: rename_lock (a mutex, renames only) -> directory locks: a parent before its
// child (rmdir: parent, victim); rename's two parents ancestor first, else by address, then
// a directory it replaces -> a file system's inode mutexes -> the dentry tree lock / mount
// table lock / an inode's metadata lock (spinlocks, leaves). Path walks take no directory
// lock (dentry generations catch what changed under them).
#pragma once

#include "open_file.h"
#include "path_resolution.h"

namespace kernel {

Result<RefPtr<OpenFile>> vfs_open(const VfsContext& context, const Path* base, StringView path, int flags, u32 mode);
Result<FileStat> vfs_stat(const VfsContext& context, const Path* base, StringView path, bool follow);
Result<void> vfs_mkdir(const VfsContext& context, const Path* base, StringView path, u32 mode);
// mknod(2): regular files, devices (superuser only), FIFOs and sockets.
Result<void> vfs_mknod(const VfsContext& context, const Path* base, StringView path, u32 mode, u64 device);
Result<void> vfs_unlink(const VfsContext& context, const Path* base, StringView path);
Result<void> vfs_rmdir(const VfsContext& context, const Path* base, StringView path);
Result<void> vfs_symlink(const VfsContext& context, StringView target, const Path* base, StringView path);
Result<usize> vfs_readlink(const VfsContext& context, const Path* base, StringView path, IoBuffer& buffer, usize size);
// link(2)/linkat(2); `follow`: AT_SYMLINK_FOLLOW for the old path.
Result<void> vfs_link(const VfsContext& context, const Path* old_base, StringView old_path, const Path* new_base,
                      StringView new_path, bool follow);
// linkat(2) with AT_EMPTY_PATH: a new name for the file `old` (an open file's path).
Result<void> vfs_link_existing(const VfsContext& context, const Path& old, const Path* new_base, StringView new_path);
// rename(2)/renameat2(2); flags: 0 or RENAME_NOREPLACE (RENAME_EXCHANGE: EINVAL for now).
Result<void> vfs_rename(const VfsContext& context, const Path* old_base, StringView old_path, const Path* new_base,
                        StringView new_path, unsigned flags);
Result<void> vfs_chmod(const VfsContext& context, const Path* base, StringView path, u32 mode, bool follow);
// chown(2): uid or gid of -1 (0xffffffff) leaves it unchanged.
Result<void> vfs_chown(const VfsContext& context, const Path* base, StringView path, u32 uid, u32 gid, bool follow);
// utimensat(2): `times` = {atime, mtime} with utime_now/utime_omit, or nullptr for now.
Result<void> vfs_utimens(const VfsContext& context, const Path* base, StringView path, const Timespec* times,
                         bool follow);
Result<void> vfs_truncate(const VfsContext& context, const Path* base, StringView path, i64 length);
// access(2)/faccessat2(2): `mode` is F_OK or R_OK|W_OK|X_OK; `effective`: AT_EACCESS.
Result<void> vfs_access(const VfsContext& context, const Path* base, StringView path, int mode, bool effective,
                        bool follow);
Result<void> vfs_chdir(VfsContext& context, const Path* base, StringView path);
// mount(2) of a file system type on a directory; umount(2).
Result<void> vfs_mount(const VfsContext& context, StringView type, StringView source, const Path* base,
                       StringView target, StringView options);
Result<void> vfs_umount(const VfsContext& context, const Path* base, StringView target, bool follow = true);

// The same permission and type checks on an inode; used by operations on open files too.
Result<void> check_chmod(Inode& inode, const Credentials& credentials, u32& mode);
// chmod's checks and effect on an inode (fchmod uses it too).
Result<void> apply_chmod(Inode& inode, const Credentials& credentials, u32 mode);
Result<void> check_chown(Inode& inode, const Credentials& credentials, u32 uid, u32 gid);
// chown's checks and effects on an inode (fchown uses it too): the owner, the set-id bits
// it clears, ctime.
Result<void> apply_chown(Inode& inode, const Credentials& credentials, u32 uid, u32 gid);
Result<void> apply_utimens(Inode& inode, const Credentials& credentials, const Timespec* times);

}  // namespace kernel
