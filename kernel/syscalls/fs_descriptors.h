// File syscalls that make, copy, change and close descriptors: open, openat, creat,
// close, close_range, dup, dup2, dup3, fcntl, flock, pipe, pipe2, ioctl.
#pragma once

#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_open(UserPtr<char> path, int flags, u32 mode);
Result<long> sys_openat(int dirfd, UserPtr<char> path, int flags, u32 mode);
Result<long> sys_creat(UserPtr<char> path, u32 mode);
Result<long> sys_close(int fd);
Result<long> sys_close_range(u32 first, u32 last, u32 flags);
Result<long> sys_dup(int fd);
Result<long> sys_dup2(int old_fd, int new_fd);
Result<long> sys_dup3(int old_fd, int new_fd, int flags);
Result<long> sys_fcntl(int fd, int command, u64 argument);
Result<long> sys_flock(int fd, u32 operation);
Result<long> sys_pipe(UserPtr<i32> fds);
Result<long> sys_pipe2(UserPtr<i32> fds, int flags);
Result<long> sys_ioctl(int fd, u32 request, u64 argument);

}  // namespace kernel
