// File syscalls that change or walk the tree: mkdir, mkdirat, rmdir, unlink, unlinkat,
// rename, renameat, renameat2, link, linkat, symlink, symlinkat, mknod, mknodat, chdir,
// fchdir, getcwd, chroot, mount, umount2.
#pragma once

#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_mkdir(UserPtr<char> path, u32 mode);
Result<long> sys_mkdirat(int dirfd, UserPtr<char> path, u32 mode);
Result<long> sys_rmdir(UserPtr<char> path);
Result<long> sys_unlink(UserPtr<char> path);
Result<long> sys_unlinkat(int dirfd, UserPtr<char> path, int flags);
Result<long> sys_rename(UserPtr<char> old_path, UserPtr<char> new_path);
Result<long> sys_renameat(int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path);
Result<long> sys_renameat2(int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path, u32 flags);
Result<long> sys_link(UserPtr<char> old_path, UserPtr<char> new_path);
Result<long> sys_linkat(int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path, int flags);
Result<long> sys_symlink(UserPtr<char> target, UserPtr<char> path);
Result<long> sys_symlinkat(UserPtr<char> target, int dirfd, UserPtr<char> path);
Result<long> sys_mknod(UserPtr<char> path, u32 mode, u32 device);
Result<long> sys_mknodat(int dirfd, UserPtr<char> path, u32 mode, u32 device);
Result<long> sys_chdir(UserPtr<char> path);
Result<long> sys_fchdir(int fd);
Result<long> sys_getcwd(UserPtr<char> buffer, usize size);
Result<long> sys_chroot(UserPtr<char> path);
Result<long> sys_mount(UserPtr<char> source, UserPtr<char> target, UserPtr<char> type, u64 flags, UserPtr<char> data);
Result<long> sys_umount2(UserPtr<char> target, int flags);

}  // namespace kernel
