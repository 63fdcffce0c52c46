// The file syscalls sit at Linux's x86-64 numbers: each name in the table is where the
// host's <sys/syscall.h> puts it.
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <cstring>

#include "kernel/syscalls/dispatcher.h"

namespace {

struct Expected {
    long number;
    const char* name;
};

#define NEWT_EXPECTED(name) {SYS_##name, #name},
constexpr Expected file_syscalls[] = {
    NEWT_EXPECTED(read) NEWT_EXPECTED(write) NEWT_EXPECTED(lseek) NEWT_EXPECTED(pread64) NEWT_EXPECTED(pwrite64)
    NEWT_EXPECTED(readv) NEWT_EXPECTED(writev) NEWT_EXPECTED(sendfile) NEWT_EXPECTED(fsync) NEWT_EXPECTED(fdatasync)
    NEWT_EXPECTED(truncate) NEWT_EXPECTED(ftruncate) NEWT_EXPECTED(getdents) NEWT_EXPECTED(sync)
    NEWT_EXPECTED(getdents64) NEWT_EXPECTED(fallocate) NEWT_EXPECTED(preadv) NEWT_EXPECTED(pwritev)
    NEWT_EXPECTED(syncfs) NEWT_EXPECTED(preadv2) NEWT_EXPECTED(pwritev2)
    NEWT_EXPECTED(open) NEWT_EXPECTED(close) NEWT_EXPECTED(ioctl) NEWT_EXPECTED(pipe) NEWT_EXPECTED(dup)
    NEWT_EXPECTED(dup2) NEWT_EXPECTED(fcntl) NEWT_EXPECTED(flock) NEWT_EXPECTED(creat) NEWT_EXPECTED(openat)
    NEWT_EXPECTED(dup3) NEWT_EXPECTED(pipe2) NEWT_EXPECTED(close_range)
    NEWT_EXPECTED(stat) NEWT_EXPECTED(fstat) NEWT_EXPECTED(lstat) NEWT_EXPECTED(access) NEWT_EXPECTED(readlink)
    NEWT_EXPECTED(chmod) NEWT_EXPECTED(fchmod) NEWT_EXPECTED(chown) NEWT_EXPECTED(fchown) NEWT_EXPECTED(lchown)
    NEWT_EXPECTED(umask) NEWT_EXPECTED(utime) NEWT_EXPECTED(statfs) NEWT_EXPECTED(fstatfs) NEWT_EXPECTED(utimes)
    NEWT_EXPECTED(fchownat) NEWT_EXPECTED(futimesat) NEWT_EXPECTED(newfstatat) NEWT_EXPECTED(readlinkat)
    NEWT_EXPECTED(fchmodat) NEWT_EXPECTED(faccessat) NEWT_EXPECTED(utimensat) NEWT_EXPECTED(statx)
    NEWT_EXPECTED(faccessat2)
    NEWT_EXPECTED(getcwd) NEWT_EXPECTED(chdir) NEWT_EXPECTED(fchdir) NEWT_EXPECTED(rename) NEWT_EXPECTED(mkdir)
    NEWT_EXPECTED(rmdir) NEWT_EXPECTED(link) NEWT_EXPECTED(unlink) NEWT_EXPECTED(symlink) NEWT_EXPECTED(mknod)
    NEWT_EXPECTED(chroot) NEWT_EXPECTED(mount) NEWT_EXPECTED(umount2) NEWT_EXPECTED(mkdirat) NEWT_EXPECTED(mknodat)
    NEWT_EXPECTED(unlinkat) NEWT_EXPECTED(renameat) NEWT_EXPECTED(linkat) NEWT_EXPECTED(symlinkat)
    NEWT_EXPECTED(renameat2)
    NEWT_EXPECTED(poll) NEWT_EXPECTED(select) NEWT_EXPECTED(pselect6) NEWT_EXPECTED(ppoll)
    NEWT_EXPECTED(getrandom) NEWT_EXPECTED(sysinfo)
};
#undef NEWT_EXPECTED

TEST(FileSyscallNumbers, EqualTheHosts) {
    for (const Expected& expected : file_syscalls) {
        const char* name = kernel::syscall_name(static_cast<kernel::u64>(expected.number));
        ASSERT_NE(name, nullptr) << expected.name << " (" << expected.number << ") is not in the table";
        EXPECT_STREQ(name, expected.name) << expected.number;
    }
}

// openat2 is left to ENOSYS (glibc and busybox fall back to openat).
TEST(FileSyscallNumbers, Openat2IsNotThere) { EXPECT_EQ(kernel::syscall_name(SYS_openat2), nullptr); }

}  // namespace
