// File syscalls about a file's attributes: stat, fstat, lstat, newfstatat, statx, access,
// faccessat, faccessat2, readlink, readlinkat, chmod, fchmod, fchmodat, chown, fchown,
// lchown, fchownat, utimensat, utimes, futimesat, utime, umask, statfs, fstatfs.
#pragma once

#include "../abi/process.h"
#include "../abi/stat.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"
#include "time.h"

namespace kernel {

Result<long> sys_stat(UserPtr<char> path, UserPtr<abi::Stat> buffer);
Result<long> sys_lstat(UserPtr<char> path, UserPtr<abi::Stat> buffer);
Result<long> sys_fstat(int fd, UserPtr<abi::Stat> buffer);
Result<long> sys_newfstatat(int dirfd, UserPtr<char> path, UserPtr<abi::Stat> buffer, int flags);
Result<long> sys_statx(int dirfd, UserPtr<char> path, int flags, u32 mask, UserPtr<abi::Statx> buffer);
Result<long> sys_access(UserPtr<char> path, int mode);
Result<long> sys_faccessat(int dirfd, UserPtr<char> path, int mode);
Result<long> sys_faccessat2(int dirfd, UserPtr<char> path, int mode, int flags);
Result<long> sys_readlink(UserPtr<char> path, UserPtr<char> buffer, int size);
Result<long> sys_readlinkat(int dirfd, UserPtr<char> path, UserPtr<char> buffer, int size);
Result<long> sys_chmod(UserPtr<char> path, u32 mode);
Result<long> sys_fchmod(int fd, u32 mode);
Result<long> sys_fchmodat(int dirfd, UserPtr<char> path, u32 mode);
Result<long> sys_chown(UserPtr<char> path, u32 uid, u32 gid);
Result<long> sys_lchown(UserPtr<char> path, u32 uid, u32 gid);
Result<long> sys_fchown(int fd, u32 uid, u32 gid);
Result<long> sys_fchownat(int dirfd, UserPtr<char> path, u32 uid, u32 gid, int flags);
Result<long> sys_utimensat(int dirfd, UserPtr<char> path, UserPtr<UserTimespec> times, int flags);
Result<long> sys_utimes(UserPtr<char> path, UserPtr<abi::Timeval> times);
Result<long> sys_futimesat(int dirfd, UserPtr<char> path, UserPtr<abi::Timeval> times);
struct UserUtimbuf {
    i64 access_time;
    i64 modify_time;
};
Result<long> sys_utime(UserPtr<char> path, UserPtr<UserUtimbuf> times);
Result<long> sys_umask(u32 mask);
Result<long> sys_statfs(UserPtr<char> path, UserPtr<abi::Statfs> buffer);
Result<long> sys_fstatfs(int fd, UserPtr<abi::Statfs> buffer);

}  // namespace kernel
