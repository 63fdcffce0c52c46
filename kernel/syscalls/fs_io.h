// File syscalls that move data or positions: read, write and their positional and
// vectored forms, lseek, sendfile, the syncs, truncation, fallocate and directory listing
// (getdents, getdents64).
#pragma once

#include "../abi/io.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_read(int fd, UserPtr<u8> buffer, usize count);
Result<long> sys_write(int fd, UserPtr<u8> buffer, usize count);
Result<long> sys_pread64(int fd, UserPtr<u8> buffer, usize count, i64 offset);
Result<long> sys_pwrite64(int fd, UserPtr<u8> buffer, usize count, i64 offset);
Result<long> sys_readv(int fd, UserPtr<abi::Iovec> vector, u64 count);
Result<long> sys_writev(int fd, UserPtr<abi::Iovec> vector, u64 count);
// x86-64 passes the whole offset in `offset_low` (`offset_high` is shifted out).
Result<long> sys_preadv(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 offset_low, i64 offset_high);
Result<long> sys_pwritev(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 offset_low, i64 offset_high);
// Offset -1: at the file offset, as readv/writev.
Result<long> sys_preadv2(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 offset_low, i64 offset_high, int flags);
Result<long> sys_pwritev2(int fd, UserPtr<abi::Iovec> vector, u64 count, i64 offset_low, i64 offset_high, int flags);
Result<long> sys_lseek(int fd, i64 offset, u32 whence);
Result<long> sys_sendfile(int out_fd, int in_fd, UserPtr<i64> offset, usize count);
Result<long> sys_fsync(int fd);
Result<long> sys_fdatasync(int fd);
Result<long> sys_sync();
Result<long> sys_syncfs(int fd);
Result<long> sys_truncate(UserPtr<char> path, i64 length);
Result<long> sys_ftruncate(int fd, i64 length);
Result<long> sys_fallocate(int fd, int mode, i64 offset, i64 length);
Result<long> sys_getdents64(u32 fd, UserPtr<u8> buffer, u32 count);
Result<long> sys_getdents(u32 fd, UserPtr<u8> buffer, u32 count);

}  // namespace kernel
