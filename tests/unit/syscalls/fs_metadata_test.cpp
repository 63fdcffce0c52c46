// File attributes through the syscalls, against the host's Linux: struct stat and struct
// statx field by field, access/faccessat2, readlink, chmod and chown families, utimensat
// and the older utimes/futimesat/utime, statfs/fstatfs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <utime.h>

#include <algorithm>
#include <sstream>

#include "syscall_differential.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;
using Returns = SyscallDifferential::Returns;

Arg value(long number) { return Arg::value(static_cast<u64>(number)); }

template <typename T>
T decode(const std::string& bytes) {
    T value {};
    std::memcpy(&value, bytes.data(), std::min(bytes.size(), sizeof value));
    return value;
}

// The fields of struct stat both systems must agree on (not inode and device numbers,
// not times), in a form that prints well.
std::string describe(const struct stat& st) {
    std::ostringstream text;
    text << "mode=0" << std::oct << st.st_mode << std::dec << " nlink=" << st.st_nlink << " uid=" << st.st_uid
         << " gid=" << st.st_gid << " rdev=" << major(st.st_rdev) << "," << minor(st.st_rdev) << " size=" << st.st_size
         << " blksize=" << st.st_blksize << " blocks=" << st.st_blocks;
    return text.str();
}

// stat on both sides through `number`; expects the same description and returns Newt's.
struct stat stat_both(SyscallDifferential& both, long number, std::vector<Arg> arguments, usize output_index) {
    EXPECT_EQ(both.call(number, arguments), "OK");
    struct stat newt = decode<struct stat>(both.newt_output(output_index));
    struct stat host = decode<struct stat>(both.host_output(output_index));
    EXPECT_EQ(describe(newt), describe(host));
    return newt;
}

TEST(StatSyscalls, StructStatMatchesTheHost) {
    run_in_kernel([] {
        SyscallDifferential both("stat");
        int file = both.open("file", O_CREAT | O_RDWR, 0640);
        both.call(SYS_write, {Arg::fd(file), Arg::input(std::string(5000, 'x')), value(5000)});
        both.call(SYS_mkdir, {Arg::string("dir"), value(0750)});
        both.call(SYS_mkdir, {Arg::string("dir/sub"), value(0750)});
        both.call(SYS_symlink, {Arg::string("file"), Arg::string("link")});
        both.call(SYS_mknod, {Arg::string("fifo"), value(S_IFIFO | 0600), value(0)});
        both.call(SYS_mknod, {Arg::string("null"), value(S_IFCHR | 0666), value(static_cast<long>(makedev(1, 3)))});
        both.call(SYS_mknod, {Arg::string("block"), value(S_IFBLK | 0600), value(static_cast<long>(makedev(259, 70000)))});
        both.call(SYS_link, {Arg::string("file"), Arg::string("second")});
        for (const char* name : {"file", "dir", "dir/sub", "link", "fifo", "null", "block", "."}) {
            SCOPED_TRACE(name);
            struct stat st = stat_both(both, SYS_stat, {Arg::string(name), Arg::output(sizeof(struct stat))}, 1);
            EXPECT_NE(st.st_ino, 0u);
            EXPECT_GT(st.st_mtim.tv_sec, 0);
            EXPECT_GT(st.st_ctim.tv_sec, 0);
            stat_both(both, SYS_lstat, {Arg::string(name), Arg::output(sizeof(struct stat))}, 1);
            stat_both(both, SYS_newfstatat, {value(AT_FDCWD), Arg::string(name), Arg::output(sizeof(struct stat)), value(AT_SYMLINK_NOFOLLOW)}, 2);
        }
        struct stat link = stat_both(both, SYS_lstat, {Arg::string("link"), Arg::output(sizeof(struct stat))}, 1);
        EXPECT_EQ(link.st_mode, S_IFLNK | 0777);
        EXPECT_EQ(link.st_size, 4);
        struct stat device = stat_both(both, SYS_stat, {Arg::string("block"), Arg::output(sizeof(struct stat))}, 1);
        EXPECT_EQ(major(device.st_rdev), 259u);
        EXPECT_EQ(minor(device.st_rdev), 70000u);
        struct stat regular = stat_both(both, SYS_fstat, {Arg::fd(file), Arg::output(sizeof(struct stat))}, 1);
        EXPECT_EQ(regular.st_nlink, 2u);
        EXPECT_EQ(regular.st_size, 5000);
        // Untouched bytes stay untouched: the kernel writes exactly 144.
        EXPECT_EQ(both.call(SYS_fstat, {Arg::fd(file), Arg::output(160)}), "OK");
        EXPECT_EQ(both.newt_output(1).substr(144), std::string(16, '\xa5'));
        // A pipe's stat.
        auto [read_end, write_end] = both.pipe();
        struct stat pipe = stat_both(both, SYS_fstat, {Arg::fd(read_end), Arg::output(sizeof(struct stat))}, 1);
        EXPECT_EQ(pipe.st_mode, S_IFIFO | 0600);
        // Errors.
        EXPECT_EQ(both.call(SYS_fstat, {value(900), Arg::output(144)}), "EBADF");
        EXPECT_EQ(both.call(SYS_stat, {Arg::string("link/"), Arg::output(144)}), "ENOTDIR");
        EXPECT_EQ(both.call(SYS_stat, {Arg::string("missing"), Arg::output(144)}), "ENOENT");
        int path_only = both.open("file", O_PATH);
        stat_both(both, SYS_fstat, {Arg::fd(path_only), Arg::output(sizeof(struct stat))}, 1);
        // Linux 6.11: a null path with AT_EMPTY_PATH is the descriptor.
        stat_both(both, SYS_newfstatat, {Arg::fd(file), value(0), Arg::output(sizeof(struct stat)), value(AT_EMPTY_PATH)}, 2);
    });
}

TEST(StatSyscalls, StatxFillsWhatItReports) {
    run_in_kernel([] {
        SyscallDifferential both("statx");
        int file = both.open("file", O_CREAT | O_RDWR, 0600);
        both.call(SYS_write, {Arg::fd(file), Arg::input("hello"), value(5)});
        both.call(SYS_mknod, {Arg::string("tty"), value(S_IFCHR | 0620), value(static_cast<long>(makedev(4, 1)))});
        for (const char* name : {"file", "tty", "."}) {
            SCOPED_TRACE(name);
            EXPECT_EQ(both.call(SYS_statx, {value(AT_FDCWD), Arg::string(name), value(0), value(STATX_BASIC_STATS), Arg::output(256)}), "OK");
            auto newt = decode<struct statx>(both.newt_output(4));
            auto host = decode<struct statx>(both.host_output(4));
            EXPECT_EQ(newt.stx_mask & STATX_BASIC_STATS, u32(STATX_BASIC_STATS));
            EXPECT_EQ(newt.stx_mask & STATX_BASIC_STATS, host.stx_mask & STATX_BASIC_STATS);
            EXPECT_EQ(newt.stx_mode, host.stx_mode);
            EXPECT_EQ(newt.stx_nlink, host.stx_nlink);
            EXPECT_EQ(newt.stx_uid, host.stx_uid);
            EXPECT_EQ(newt.stx_gid, host.stx_gid);
            EXPECT_EQ(newt.stx_size, host.stx_size);
            EXPECT_EQ(newt.stx_blocks, host.stx_blocks);
            EXPECT_EQ(newt.stx_blksize, host.stx_blksize);
            EXPECT_EQ(newt.stx_rdev_major, host.stx_rdev_major);
            EXPECT_EQ(newt.stx_rdev_minor, host.stx_rdev_minor);
            EXPECT_EQ(newt.stx_attributes, 0u);
            EXPECT_NE(newt.stx_ino, 0u);
            EXPECT_LT(newt.stx_mtime.tv_nsec, 1'000'000'000u);
            // statx and stat agree with each other on Newt.
            SyscallHarness& harness = both.harness();
            uptr path = harness.put_string(0, name);
            uptr buffer = harness.scratch() + 512;
            ASSERT_EQ(harness.outcome(SYS_stat, {path, buffer}), "OK");
            auto st = harness.get_value<struct stat>(buffer);
            EXPECT_EQ(newt.stx_ino, st.st_ino);
            EXPECT_EQ(makedev(newt.stx_dev_major, newt.stx_dev_minor), st.st_dev);
            EXPECT_EQ(newt.stx_mtime.tv_sec, st.st_mtim.tv_sec);
            EXPECT_EQ(newt.stx_mtime.tv_nsec, u32(st.st_mtim.tv_nsec));
            EXPECT_EQ(newt.stx_ctime.tv_sec, st.st_ctim.tv_sec);
        }
        // Newt also fills the birth time and says so.
        SyscallHarness& harness = both.harness();
        uptr path = harness.put_string(0, "file");
        uptr buffer = harness.scratch() + 512;
        ASSERT_EQ(harness.outcome(SYS_statx, {u64(AT_FDCWD), path, 0, STATX_BTIME, buffer}), "OK");
        auto result = harness.get_value<struct statx>(buffer);
        EXPECT_TRUE(result.stx_mask & STATX_BTIME);
        EXPECT_GT(result.stx_btime.tv_sec, 0);
        // Flags, mask and AT_EMPTY_PATH.
        auto statx = [&](Arg dirfd, Arg name, long flags, long mask) {
            return both.call(SYS_statx, {dirfd, name, value(flags), value(mask), Arg::output(256)});
        };
        EXPECT_EQ(statx(Arg::fd(file), Arg::string(""), AT_EMPTY_PATH, STATX_BASIC_STATS), "OK");
        EXPECT_EQ(statx(Arg::fd(file), Arg::string(""), 0, STATX_BASIC_STATS), "ENOENT");
        EXPECT_EQ(statx(value(AT_FDCWD), Arg::string("file"), AT_STATX_FORCE_SYNC, STATX_BASIC_STATS), "OK");
        EXPECT_EQ(statx(value(AT_FDCWD), Arg::string("file"), AT_STATX_DONT_SYNC, 0), "OK");
        EXPECT_EQ(statx(value(AT_FDCWD), Arg::string("file"), AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, 0), "EINVAL");
        EXPECT_EQ(statx(value(AT_FDCWD), Arg::string("file"), 0, 0x80000000L), "EINVAL");
        EXPECT_EQ(statx(value(AT_FDCWD), Arg::string("file"), 0x10000, 0), "EINVAL");
        EXPECT_EQ(statx(value(900), Arg::string("file"), 0, 0), "EBADF");
    });
}

TEST(AccessSyscalls, ModesFlagsAndEmptyPaths) {
    run_in_kernel([] {
        SyscallDifferential both("access");
        int file = both.open("file", O_CREAT | O_RDWR, 0644);
        both.open("script", O_CREAT | O_RDWR, 0744);
        both.call(SYS_symlink, {Arg::string("missing"), Arg::string("dangling")});
        // Root: read and write anything, execute only what has an execute bit.
        EXPECT_EQ(both.call(SYS_access, {Arg::string("file"), value(R_OK | W_OK)}), "OK");
        EXPECT_EQ(both.call(SYS_access, {Arg::string("file"), value(X_OK)}), "EACCES");
        EXPECT_EQ(both.call(SYS_access, {Arg::string("script"), value(X_OK)}), "OK");
        EXPECT_EQ(both.call(SYS_access, {Arg::string("file"), value(8)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_access, {Arg::bad_pointer(), value(8)}), "EINVAL");  // mode before path
        EXPECT_EQ(both.call(SYS_access, {Arg::string("dangling"), value(F_OK)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_faccessat2, {value(AT_FDCWD), Arg::string("dangling"), value(F_OK), value(AT_SYMLINK_NOFOLLOW)}), "OK");
        EXPECT_EQ(both.call(SYS_faccessat2, {value(AT_FDCWD), Arg::string("file"), value(R_OK), value(AT_EACCESS)}), "OK");
        EXPECT_EQ(both.call(SYS_faccessat2, {value(AT_FDCWD), Arg::string("file"), value(R_OK), value(0x8000)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_faccessat2, {Arg::fd(file), Arg::string(""), value(W_OK), value(AT_EMPTY_PATH)}), "OK");
        EXPECT_EQ(both.call(SYS_faccessat2, {Arg::fd(file), Arg::string(""), value(X_OK), value(AT_EMPTY_PATH)}), "EACCES");
        EXPECT_EQ(both.call(SYS_faccessat2, {Arg::fd(file), Arg::string(""), value(W_OK), value(0)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_faccessat, {value(AT_FDCWD), Arg::string("file"), value(R_OK)}), "OK");
    });
}

TEST(ReadlinkSyscalls, SizesAndTargets) {
    run_in_kernel([] {
        SyscallDifferential both("readlink");
        both.open("file", O_CREAT | O_RDWR);
        both.call(SYS_symlink, {Arg::string("a/longer/target/path"), Arg::string("link")});
        EXPECT_EQ(both.call(SYS_readlink, {Arg::string("link"), Arg::output(64), value(64)}), "OK");
        both.expect_same_output(1);
        EXPECT_EQ(both.newt_output(1).substr(0, 21), std::string("a/longer/target/path") + '\xa5');  // no NUL
        EXPECT_EQ(both.call(SYS_readlink, {Arg::string("link"), Arg::output(8), value(5)}), "OK");  // cut silently
        both.expect_same_output(1);
        EXPECT_EQ(both.call(SYS_readlink, {Arg::string("link"), Arg::output(8), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_readlink, {Arg::string("link"), Arg::output(8), value(-1)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_readlink, {Arg::bad_pointer(), Arg::output(8), value(0)}), "EINVAL");  // size first
        EXPECT_EQ(both.call(SYS_readlink, {Arg::string("file"), Arg::output(8), value(8)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_readlink, {Arg::string("missing"), Arg::output(8), value(8)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_readlink, {Arg::string("link/"), Arg::output(8), value(8)}), "ENOENT");
        // An empty path: the symlink dirfd names (opened O_PATH | O_NOFOLLOW), else ENOENT.
        int link = both.open("link", O_PATH | O_NOFOLLOW);
        EXPECT_EQ(both.call(SYS_readlinkat, {Arg::fd(link), Arg::string(""), Arg::output(64), value(64)}), "OK");
        both.expect_same_output(2);
        int file = both.open("file", O_RDONLY);
        EXPECT_EQ(both.call(SYS_readlinkat, {Arg::fd(file), Arg::string(""), Arg::output(64), value(64)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_readlinkat, {value(AT_FDCWD), Arg::string(""), Arg::output(64), value(64)}), "ENOENT");
    });
}

TEST(OwnershipSyscalls, ChmodAndChownFamilies) {
    run_in_kernel([] {
        SyscallDifferential both("owners");
        int file = both.open("file", O_CREAT | O_RDWR, 0644);
        both.call(SYS_symlink, {Arg::string("file"), Arg::string("link")});
        auto st = [&](const char* name, long number = SYS_lstat) {
            return stat_both(both, number, {Arg::string(name), Arg::output(sizeof(struct stat))}, 1);
        };
        EXPECT_EQ(both.call(SYS_chmod, {Arg::string("link"), value(04751)}), "OK");  // follows the link
        EXPECT_EQ(st("file").st_mode, S_IFREG | 04751);
        EXPECT_EQ(st("link").st_mode, S_IFLNK | 0777);
        EXPECT_EQ(both.call(SYS_fchmod, {Arg::fd(file), value(0600 | S_IFDIR)}), "OK");  // type bits ignored
        EXPECT_EQ(st("file").st_mode, S_IFREG | 0600);
        EXPECT_EQ(both.call(SYS_fchmodat, {value(AT_FDCWD), Arg::string("file"), value(0640)}), "OK");
        int path_only = both.open("file", O_PATH);
        EXPECT_EQ(both.call(SYS_fchmod, {Arg::fd(path_only), value(0600)}), "EBADF");
        EXPECT_EQ(both.call(SYS_fchmod, {value(900), value(0600)}), "EBADF");
        // chown follows, lchown does not, fchownat chooses; -1 leaves a field alone.
        EXPECT_EQ(both.call(SYS_chown, {Arg::string("link"), value(1000), value(-1)}), "OK");
        EXPECT_EQ(st("file").st_uid, 1000u);
        EXPECT_EQ(st("link").st_uid, 0u);
        EXPECT_EQ(both.call(SYS_lchown, {Arg::string("link"), value(-1), value(2000)}), "OK");
        EXPECT_EQ(st("link").st_gid, 2000u);
        EXPECT_EQ(both.call(SYS_fchown, {Arg::fd(file), value(-1), value(3000)}), "OK");
        EXPECT_EQ(st("file").st_gid, 3000u);
        EXPECT_EQ(both.call(SYS_fchownat, {value(AT_FDCWD), Arg::string("link"), value(5), value(6), value(AT_SYMLINK_NOFOLLOW)}), "OK");
        st("link");
        EXPECT_EQ(both.call(SYS_fchownat, {value(AT_FDCWD), Arg::string("link"), value(5), value(6), value(AT_REMOVEDIR)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_fchown, {Arg::fd(path_only), value(0), value(0)}), "EBADF");
        // chown clears set-user-ID, even when done by root.
        EXPECT_EQ(both.call(SYS_chmod, {Arg::string("file"), value(06755)}), "OK");
        EXPECT_EQ(both.call(SYS_chown, {Arg::string("file"), value(-1), value(-1)}), "OK");
        EXPECT_EQ(st("file").st_mode & 07777, 0755u);
    });
}

TEST(TimeSyscalls, UtimensatAndFriends) {
    run_in_kernel([] {
        SyscallDifferential both("times");
        int file = both.open("file", O_CREAT | O_RDWR, 0644);
        auto times_of = [&](const char* name) {
            EXPECT_EQ(both.call(SYS_lstat, {Arg::string(name), Arg::output(sizeof(struct stat))}), "OK");
            auto newt = decode<struct stat>(both.newt_output(1));
            auto host = decode<struct stat>(both.host_output(1));
            EXPECT_EQ(newt.st_atim.tv_sec, host.st_atim.tv_sec);
            EXPECT_EQ(newt.st_atim.tv_nsec, host.st_atim.tv_nsec);
            EXPECT_EQ(newt.st_mtim.tv_sec, host.st_mtim.tv_sec);
            EXPECT_EQ(newt.st_mtim.tv_nsec, host.st_mtim.tv_nsec);
            return newt;
        };
        auto times = [](long atime, long atime_ns, long mtime, long mtime_ns) {
            timespec values[2] = {{atime, atime_ns}, {mtime, mtime_ns}};
            return Arg::input(std::string(reinterpret_cast<char*>(values), sizeof values));
        };
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), Arg::string("file"), times(1000, 5, 2000, 7), value(0)}), "OK");
        struct stat st = times_of("file");
        EXPECT_EQ(st.st_atim.tv_sec, 1000);
        EXPECT_EQ(st.st_mtim.tv_nsec, 7);
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), Arg::string("file"), times(0, UTIME_OMIT, 3000, 0), value(0)}), "OK");
        st = times_of("file");
        EXPECT_EQ(st.st_atim.tv_sec, 1000);
        EXPECT_EQ(st.st_mtim.tv_sec, 3000);
        // Both omitted: nothing happens and the path is not even looked at.
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), Arg::string("missing"), times(0, UTIME_OMIT, 0, UTIME_OMIT), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), Arg::string("file"), times(0, 1'000'000'000, 0, 0), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), Arg::string("missing"), times(0, -1, 0, 0), value(0)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), Arg::string("file"), times(0, 0, 0, 0), value(0x8000)}), "EINVAL");
        // A null path: the descriptor itself (not with AT_FDCWD, not with flags).
        EXPECT_EQ(both.call(SYS_utimensat, {Arg::fd(file), value(0), times(4000, 0, 5000, 0), value(0)}), "OK");
        times_of("file");
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), value(0), times(4000, 0, 5000, 0), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_utimensat, {Arg::fd(file), value(0), times(4000, 0, 5000, 0), value(AT_SYMLINK_NOFOLLOW)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_utimensat, {value(900), value(0), times(4000, 0, 5000, 0), value(0)}), "EBADF");
        EXPECT_EQ(both.call(SYS_utimensat, {Arg::fd(file), Arg::string(""), times(6000, 0, 7000, 0), value(AT_EMPTY_PATH)}), "OK");
        times_of("file");
        // Symlinks themselves with AT_SYMLINK_NOFOLLOW.
        both.call(SYS_symlink, {Arg::string("file"), Arg::string("link")});
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), Arg::string("link"), times(10, 0, 20, 0), value(AT_SYMLINK_NOFOLLOW)}), "OK");
        times_of("link");
        times_of("file");
        // Microseconds (utimes, futimesat) and whole seconds (utime).
        auto timevals = [](long atime, long atime_us, long mtime, long mtime_us) {
            timeval values[2] = {{atime, atime_us}, {mtime, mtime_us}};
            return Arg::input(std::string(reinterpret_cast<char*>(values), sizeof values));
        };
        EXPECT_EQ(both.call(SYS_utimes, {Arg::string("file"), timevals(100, 5, 200, 999999)}), "OK");
        st = times_of("file");
        EXPECT_EQ(st.st_mtim.tv_nsec, 999999000);
        EXPECT_EQ(both.call(SYS_utimes, {Arg::string("file"), timevals(100, 1000000, 200, 0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_utimes, {Arg::string("file"), timevals(100, -1, 200, 0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_futimesat, {value(AT_FDCWD), Arg::string("file"), timevals(300, 0, 400, 0)}), "OK");
        times_of("file");
        utimbuf whole {500, 600};
        EXPECT_EQ(both.call(SYS_utime, {Arg::string("file"), Arg::input(std::string(reinterpret_cast<char*>(&whole), sizeof whole))}), "OK");
        st = times_of("file");
        EXPECT_EQ(st.st_mtim.tv_sec, 600);
        EXPECT_EQ(st.st_mtim.tv_nsec, 0);
        // Null times: now.
        EXPECT_EQ(both.call(SYS_utime, {Arg::string("file"), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_lstat, {Arg::string("file"), Arg::output(sizeof(struct stat))}), "OK");
        EXPECT_GT(decode<struct stat>(both.newt_output(1)).st_mtim.tv_sec, 1'600'000'000);
    });
}

TEST(StatfsSyscalls, MagicNumbersAndSizes) {
    run_in_kernel([] {
        SyscallDifferential both("statfs");
        int file = both.open("file", O_CREAT | O_RDWR, 0644);
        auto check = [&](long number, Arg where) {
            EXPECT_EQ(both.call(number, {where, Arg::output(sizeof(struct statfs))}), "OK");
            auto newt = decode<struct statfs>(both.newt_output(1));
            auto host = decode<struct statfs>(both.host_output(1));
            EXPECT_EQ(newt.f_type, host.f_type);
            EXPECT_EQ(newt.f_bsize, host.f_bsize);
            EXPECT_EQ(newt.f_namelen, host.f_namelen);
            EXPECT_EQ(newt.f_frsize, host.f_frsize);
            EXPECT_TRUE(newt.f_flags & 0x20);  // ST_VALID: the flags are filled in
            return newt;
        };
        struct statfs tmp = check(SYS_statfs, Arg::string("."));  // tmpfs on both
        EXPECT_EQ(tmp.f_type, TMPFS_MAGIC);
        EXPECT_GT(tmp.f_blocks, 0u);
        EXPECT_LE(tmp.f_bfree, tmp.f_blocks);
        EXPECT_EQ(tmp.f_bavail, tmp.f_bfree);
        check(SYS_fstatfs, Arg::fd(file));
        EXPECT_EQ(check(SYS_statfs, Arg::string("/proc")).f_type, PROC_SUPER_MAGIC);
        EXPECT_EQ(check(SYS_statfs, Arg::string("/dev")).f_type, TMPFS_MAGIC);  // devtmpfs
        auto [read_end, write_end] = both.pipe();
        EXPECT_EQ(check(SYS_fstatfs, Arg::fd(read_end)).f_type, PIPEFS_MAGIC);
        int path_only = both.open(".", O_PATH);
        check(SYS_fstatfs, Arg::fd(path_only));
        EXPECT_EQ(both.call(SYS_fstatfs, {value(900), Arg::output(sizeof(struct statfs))}), "EBADF");
        EXPECT_EQ(both.call(SYS_statfs, {Arg::string("missing"), Arg::output(sizeof(struct statfs))}), "ENOENT");
        // Writing a page uses a block.
        SyscallHarness& harness = both.harness();
        uptr path = harness.put_string(0, ".");
        uptr buffer = harness.scratch() + 512;
        ASSERT_EQ(harness.outcome(SYS_statfs, {path, buffer}), "OK");
        u64 free_before = harness.get_value<struct statfs>(buffer).f_bfree;
        std::string page(4096, 'p');
        uptr data = harness.put(4096, page.data(), page.size());
        ASSERT_EQ(harness.call(SYS_write, {u64(both.newt_fd(file)), data, 4096}), 4096);
        ASSERT_EQ(harness.outcome(SYS_statfs, {path, buffer}), "OK");
        EXPECT_EQ(harness.get_value<struct statfs>(buffer).f_bfree, free_before - 1);
    });
}

}  // namespace
