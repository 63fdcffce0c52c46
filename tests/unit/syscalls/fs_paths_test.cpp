// Path arguments and base directories of the file syscalls, against the host's Linux:
// how a path is copied (EFAULT, ENAMETOOLONG at PATH_MAX with the NUL, ENOENT for ""),
// how dirfd is used (AT_FDCWD, a directory, O_PATH, ENOTDIR for other files, EBADF, an
// absolute path ignoring dirfd entirely, AT_EMPTY_PATH), and EFAULT for every pointer
// argument a file syscall takes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "syscall_differential.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;
using Returns = SyscallDifferential::Returns;

Arg value(long number) { return Arg::value(static_cast<u64>(number)); }

// A path of exactly `length` bytes that names "f" in the working directory ("./././f").
std::string long_path_to_f(usize length) {
    std::string path;
    while (path.size() + 2 < length) path += "./";
    if (path.size() + 1 < length) path += "/";  // "//" is a single separator
    return path + "f";
}

TEST(PathArguments, AreCopiedAsLinuxCopiesThem) {
    run_in_kernel([] {
        SyscallDifferential both("paths");
        int file = both.open("f", O_CREAT | O_RDWR);
        ASSERT_GE(file, 0);
        both.call(SYS_mkdir, {Arg::string("d"), value(0755)});
        std::string fits = long_path_to_f(4095);       // 4096 bytes with the NUL: PATH_MAX
        std::string too_long = long_path_to_f(4096);   // no NUL within PATH_MAX
        ASSERT_EQ(fits.size(), 4095u);
        ASSERT_EQ(too_long.size(), 4096u);
        struct Case {
            long number;
            std::vector<Arg> (*arguments)(Arg path);
        };
        const Case cases[] = {
            {SYS_open, [](Arg path) { return std::vector<Arg> {path, value(O_RDONLY), value(0)}; }},
            {SYS_openat, [](Arg path) { return std::vector<Arg> {value(AT_FDCWD), path, value(O_RDONLY), value(0)}; }},
            {SYS_stat, [](Arg path) { return std::vector<Arg> {path, Arg::output(144)}; }},
            {SYS_lstat, [](Arg path) { return std::vector<Arg> {path, Arg::output(144)}; }},
            {SYS_newfstatat, [](Arg path) { return std::vector<Arg> {value(AT_FDCWD), path, Arg::output(144), value(0)}; }},
            {SYS_statx, [](Arg path) { return std::vector<Arg> {value(AT_FDCWD), path, value(0), value(0x7ff), Arg::output(256)}; }},
            {SYS_access, [](Arg path) { return std::vector<Arg> {path, value(R_OK)}; }},
            {SYS_faccessat2, [](Arg path) { return std::vector<Arg> {value(AT_FDCWD), path, value(R_OK), value(0)}; }},
            {SYS_readlink, [](Arg path) { return std::vector<Arg> {path, Arg::output(64), value(64)}; }},
            {SYS_chmod, [](Arg path) { return std::vector<Arg> {path, value(0644)}; }},
            {SYS_chown, [](Arg path) { return std::vector<Arg> {path, value(-1), value(-1)}; }},
            {SYS_truncate, [](Arg path) { return std::vector<Arg> {path, value(0)}; }},
            {SYS_statfs, [](Arg path) { return std::vector<Arg> {path, Arg::output(120)}; }},
            {SYS_utimensat, [](Arg path) { return std::vector<Arg> {value(AT_FDCWD), path, value(0), value(0)}; }},
            {SYS_mkdir, [](Arg path) { return std::vector<Arg> {path, value(0755)}; }},
            {SYS_unlink, [](Arg path) { return std::vector<Arg> {path}; }},
            {SYS_rmdir, [](Arg path) { return std::vector<Arg> {path}; }},
            {SYS_chdir, [](Arg path) { return std::vector<Arg> {path}; }},
            {SYS_mknod, [](Arg path) { return std::vector<Arg> {path, value(S_IFIFO | 0644), value(0)}; }},
            {SYS_symlink, [](Arg path) { return std::vector<Arg> {Arg::string("target"), path}; }},
            {SYS_link, [](Arg path) { return std::vector<Arg> {Arg::string("f"), path}; }},
            {SYS_rename, [](Arg path) { return std::vector<Arg> {path, Arg::string("d/moved")}; }},
        };
        for (const Case& c : cases) {
            EXPECT_EQ(both.call(c.number, c.arguments(Arg::bad_pointer()), Returns::anything), "EFAULT");
            EXPECT_EQ(both.call(c.number, c.arguments(value(0)), Returns::anything), "EFAULT");
            EXPECT_EQ(both.call(c.number, c.arguments(value(0xffff800000001000)), Returns::anything), "EFAULT");
            EXPECT_EQ(both.call(c.number, c.arguments(Arg::string(too_long)), Returns::anything), "ENAMETOOLONG");
            EXPECT_EQ(both.call(c.number, c.arguments(Arg::string("")), Returns::anything), "ENOENT");
        }
        // PATH_MAX - 1 bytes and the NUL are accepted, and name "f".
        EXPECT_EQ(both.call(SYS_stat, {Arg::string(fits), Arg::output(144)}), "OK");
        EXPECT_EQ(both.call(SYS_access, {Arg::string(fits), value(W_OK)}), "OK");
        int again = both.open(fits, O_RDONLY);
        EXPECT_GE(again, 0);
        // A string running off the end of mapped memory faults on both (Newt: the scratch
        // memory's last bytes; the host: bytes before its PROT_NONE page are not set up, so
        // only Newt is checked here).
        SyscallHarness& newt = both.harness();
        uptr end = newt.scratch() + newt.scratch_size();
        newt.put(newt.scratch_size() - 3, "abc", 3);
        EXPECT_EQ(newt.outcome(SYS_stat, {end - 3, newt.scratch()}), "EFAULT");
    });
}

TEST(DirectoryDescriptors, FollowLinuxsRules) {
    run_in_kernel([] {
        SyscallDifferential both("dirfd");
        both.call(SYS_mkdir, {Arg::string("d"), value(0755)});
        int inner = both.open("d/inner", O_CREAT | O_WRONLY);
        int directory = both.open("d", O_RDONLY | O_DIRECTORY);
        int path_only = both.open("d", O_PATH);
        int file = both.open("d/inner", O_RDONLY);
        ASSERT_GE(inner, 0);
        ASSERT_GE(directory, 0);
        ASSERT_GE(path_only, 0);
        ASSERT_GE(file, 0);
        auto openat = [&](Arg dirfd, Arg path) {
            return both.call(SYS_openat, {dirfd, path, value(O_RDONLY), value(0)}, Returns::descriptor);
        };
        EXPECT_EQ(openat(Arg::fd(directory), Arg::string("inner")), "OK");
        EXPECT_EQ(openat(Arg::fd(path_only), Arg::string("inner")), "OK");       // O_PATH bases work
        EXPECT_EQ(openat(value(AT_FDCWD), Arg::string("d/inner")), "OK");
        EXPECT_EQ(openat(Arg::fd(file), Arg::string("inner")), "ENOTDIR");       // not a directory
        EXPECT_EQ(openat(Arg::fd(file), Arg::string(".")), "ENOTDIR");
        EXPECT_EQ(openat(value(999), Arg::string("inner")), "EBADF");
        EXPECT_EQ(openat(value(-1), Arg::string("inner")), "EBADF");
        EXPECT_EQ(openat(value(-50), Arg::string("inner")), "EBADF");          // only -100 is AT_FDCWD
        // An absolute path ignores dirfd entirely, even a bad one.
        EXPECT_EQ(openat(value(999), Arg::absolute("d/inner")), "OK");
        EXPECT_EQ(openat(Arg::fd(file), Arg::absolute("d/inner")), "OK");
        // "" needs AT_EMPTY_PATH; with it the call is about dirfd itself.
        auto fstatat = [&](Arg dirfd, Arg path, long flags) {
            return both.call(SYS_newfstatat, {dirfd, path, Arg::output(144), value(flags)});
        };
        EXPECT_EQ(fstatat(Arg::fd(file), Arg::string(""), 0), "ENOENT");
        EXPECT_EQ(fstatat(Arg::fd(file), Arg::string(""), AT_EMPTY_PATH), "OK");
        EXPECT_EQ(fstatat(Arg::fd(path_only), Arg::string(""), AT_EMPTY_PATH), "OK");
        EXPECT_EQ(fstatat(value(AT_FDCWD), Arg::string(""), AT_EMPTY_PATH), "OK");  // the working directory
        EXPECT_EQ(fstatat(value(999), Arg::string(""), AT_EMPTY_PATH), "EBADF");
        EXPECT_EQ(fstatat(Arg::fd(file), Arg::string(""), 0x8000), "EINVAL");  // unknown flag
        EXPECT_EQ(fstatat(Arg::fd(directory), Arg::string("inner"), AT_SYMLINK_NOFOLLOW), "OK");
        // Every *at() family member uses the same rules.
        EXPECT_EQ(both.call(SYS_mkdirat, {Arg::fd(file), Arg::string("x"), value(0755)}), "ENOTDIR");
        EXPECT_EQ(both.call(SYS_mkdirat, {Arg::fd(directory), Arg::string("sub"), value(0755)}), "OK");
        EXPECT_EQ(both.call(SYS_unlinkat, {Arg::fd(directory), Arg::string("sub"), value(AT_REMOVEDIR)}), "OK");
        EXPECT_EQ(both.call(SYS_unlinkat, {value(999), Arg::string("sub"), value(0)}), "EBADF");
        EXPECT_EQ(both.call(SYS_unlinkat, {Arg::fd(directory), Arg::string("inner"), value(0x100)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_faccessat, {Arg::fd(directory), Arg::string("inner"), value(R_OK)}), "OK");
        EXPECT_EQ(both.call(SYS_fchmodat, {Arg::fd(directory), Arg::string("inner"), value(0600)}), "OK");
        EXPECT_EQ(both.call(SYS_fchownat, {Arg::fd(file), Arg::string(""), value(0), value(0), value(AT_EMPTY_PATH)}), "OK");
        EXPECT_EQ(both.call(SYS_fchownat, {Arg::fd(file), Arg::string(""), value(0), value(0), value(0)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_symlinkat, {Arg::string("inner"), Arg::fd(directory), Arg::string("link")}), "OK");
        EXPECT_EQ(both.call(SYS_readlinkat, {Arg::fd(directory), Arg::string("link"), Arg::output(32), value(32)}), "OK");
        both.expect_same_output(2);
        EXPECT_EQ(both.call(SYS_renameat, {Arg::fd(directory), Arg::string("link"), value(AT_FDCWD), Arg::string("moved")}), "OK");
        EXPECT_EQ(both.call(SYS_linkat, {Arg::fd(directory), Arg::string("inner"), Arg::fd(path_only), Arg::string("second"), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_mknodat, {Arg::fd(file), Arg::string("fifo"), value(S_IFIFO | 0600), value(0)}), "ENOTDIR");
        // A pipe is no directory either.
        auto [read_end, write_end] = both.pipe();
        EXPECT_EQ(openat(Arg::fd(read_end), Arg::string("inner")), "ENOTDIR");
        EXPECT_EQ(fstatat(Arg::fd(write_end), Arg::string(""), AT_EMPTY_PATH), "OK");
        // A directory removed while open: nothing can be created or found in it.
        EXPECT_EQ(both.call(SYS_mkdir, {Arg::string("gone"), value(0755)}), "OK");
        int gone = both.open("gone", O_RDONLY | O_DIRECTORY);
        EXPECT_EQ(both.call(SYS_rmdir, {Arg::string("gone")}), "OK");
        EXPECT_EQ(both.call(SYS_openat, {Arg::fd(gone), Arg::string("new"), value(O_CREAT | O_WRONLY), value(0644)}, Returns::descriptor), "ENOENT");
        EXPECT_EQ(both.call(SYS_mkdirat, {Arg::fd(gone), Arg::string("new"), value(0755)}), "ENOENT");
    });
}

// Each pointer argument, one at a time, pointing at memory nobody maps.
TEST(PointerArguments, AreEfaultEverywhere) {
    run_in_kernel([] {
        SyscallDifferential both("efault");
        int file = both.open("f", O_CREAT | O_RDWR);
        ASSERT_GE(file, 0);
        both.call(SYS_write, {Arg::fd(file), Arg::input("0123456789"), value(10)});
        both.call(SYS_lseek, {Arg::fd(file), value(0), value(SEEK_SET)});
        int directory = both.open(".", O_RDONLY | O_DIRECTORY);
        both.call(SYS_symlink, {Arg::string("f"), Arg::string("link")});
        auto [read_end, write_end] = both.pipe();
        both.call(SYS_write, {Arg::fd(write_end), Arg::input("x"), value(1)});
        Arg bad = Arg::bad_pointer();
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(file), bad, value(10)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(file), bad, value(10)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_pread64, {Arg::fd(file), bad, value(10), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_pwrite64, {Arg::fd(file), bad, value(10), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_readv, {Arg::fd(file), bad, value(1)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(file), bad, value(1)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_preadv, {Arg::fd(file), bad, value(1), value(0), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_pwritev, {Arg::fd(file), bad, value(1), value(0), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_end), bad, value(1)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(write_end), bad, value(1)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_fstat, {Arg::fd(file), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_stat, {Arg::string("f"), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_stat, {Arg::string("missing"), bad}), "ENOENT");  // the lookup comes first
        EXPECT_EQ(both.call(SYS_newfstatat, {Arg::fd(file), Arg::string(""), bad, value(AT_EMPTY_PATH)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_statx, {value(AT_FDCWD), Arg::string("f"), value(0), value(0x7ff), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_readlink, {Arg::string("link"), bad, value(10)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_getcwd, {bad, value(4096)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(directory), bad, value(4096)}), "EFAULT");
        both.call(SYS_lseek, {Arg::fd(directory), value(0), value(SEEK_SET)});
        EXPECT_EQ(both.call(SYS_getdents, {Arg::fd(directory), bad, value(4096)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_pipe2, {bad, value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_pipe, {bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_utimensat, {value(AT_FDCWD), Arg::string("f"), bad, value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_utimes, {Arg::string("f"), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_futimesat, {value(AT_FDCWD), Arg::string("f"), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_utime, {Arg::string("f"), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(write_end), Arg::fd(file), bad, value(4)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETLK), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_SETLK), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(0x5421 /* FIONBIO */), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(0x541B /* FIONREAD */), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(read_end), value(0x541B /* FIONREAD */), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_poll, {bad, value(1), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_ppoll, {bad, value(1), value(0), value(0), value(8)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_select, {value(4), bad, value(0), value(0), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_pselect6, {value(4), value(0), bad, value(0), value(0), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_statfs, {Arg::string("f"), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_fstatfs, {Arg::fd(file), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_rename, {Arg::string("f"), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_link, {Arg::string("f"), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_symlink, {bad, Arg::string("other")}), "EFAULT");
        EXPECT_EQ(both.call(SYS_symlink, {Arg::string("f"), bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_getrandom, {bad, value(8), value(0)}), "EFAULT");
        EXPECT_EQ(both.call(SYS_sysinfo, {bad}), "EFAULT");
        EXPECT_EQ(both.call(SYS_umount2, {bad, value(0)}), "EFAULT");
        // Nothing was created by the failed calls.
        EXPECT_EQ(both.call(SYS_access, {Arg::string("other"), value(F_OK)}), "ENOENT");
    });
}

// Each descriptor argument, one at a time, naming no open file (and an O_PATH descriptor,
// which only some calls accept: Linux's fdget versus fdget_raw).
TEST(DescriptorArguments, AreEbadfEverywhere) {
    run_in_kernel([] {
        SyscallDifferential both("ebadf");
        int file = both.open("f", O_CREAT | O_RDWR);
        ASSERT_GE(file, 0);
        both.call(SYS_write, {Arg::fd(file), Arg::input("0123456789"), value(10)});
        both.call(SYS_mkdir, {Arg::string("d"), value(0755)});
        int path_only = both.open("f", O_PATH);
        int directory_path = both.open("d", O_PATH | O_DIRECTORY);
        timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
        std::string times(reinterpret_cast<char*>(now), sizeof now);
        struct Case {
            const char* what;
            long number;
            std::vector<Arg> (*arguments)(Arg fd, Arg file, const std::string& times);
            const char* with_path_only;  // the outcome for an O_PATH descriptor
        };
        const Case cases[] = {
            {"read", SYS_read, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::output(4), value(4)}; }, "EBADF"},
            {"write", SYS_write, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::input("x"), value(1)}; }, "EBADF"},
            {"pread64", SYS_pread64, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::output(4), value(4), value(0)}; }, "EBADF"},
            {"pwrite64", SYS_pwrite64, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::input("x"), value(1), value(0)}; }, "EBADF"},
            {"readv", SYS_readv, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::output_vector({4}), value(1)}; }, "EBADF"},
            {"writev", SYS_writev, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::input_vector({"x"}), value(1)}; }, "EBADF"},
            {"preadv", SYS_preadv, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::output_vector({4}), value(1), value(0), value(0)}; }, "EBADF"},
            {"pwritev2", SYS_pwritev2, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::input_vector({"x"}), value(1), value(-1), value(0), value(0)}; }, "EBADF"},
            {"lseek", SYS_lseek, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(0), value(SEEK_SET)}; }, "EBADF"},
            {"sendfile in", SYS_sendfile, [](Arg fd, Arg file, const std::string&) { return std::vector<Arg> {file, fd, value(0), value(1)}; }, "EBADF"},
            {"sendfile out", SYS_sendfile, [](Arg fd, Arg file, const std::string&) { return std::vector<Arg> {fd, file, value(0), value(1)}; }, "EBADF"},
            {"fsync", SYS_fsync, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd}; }, "EBADF"},
            {"fdatasync", SYS_fdatasync, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd}; }, "EBADF"},
            {"syncfs", SYS_syncfs, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd}; }, "EBADF"},
            {"ftruncate", SYS_ftruncate, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(0)}; }, "EBADF"},
            {"fallocate", SYS_fallocate, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(0), value(0), value(1)}; }, "EBADF"},
            {"getdents64", SYS_getdents64, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::output(256), value(256)}; }, "EBADF"},
            {"ioctl", SYS_ioctl, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(FIOCLEX), value(0)}; }, "EBADF"},
            {"fchmod", SYS_fchmod, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(0644)}; }, "EBADF"},
            {"fchown", SYS_fchown, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(-1), value(-1)}; }, "EBADF"},
            {"flock", SYS_flock, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(LOCK_SH)}; }, "EBADF"},
            {"futimens", SYS_utimensat, [](Arg fd, Arg, const std::string& t) { return std::vector<Arg> {fd, value(0), Arg::input(t), value(0)}; }, "EBADF"},
            {"fstat", SYS_fstat, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::output(144)}; }, "OK"},
            {"fstatfs", SYS_fstatfs, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::output(120)}; }, "OK"},
            {"fcntl", SYS_fcntl, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(F_GETFD), value(0)}; }, "OK"},
            {"dup3", SYS_dup3, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, value(700), value(0)}; }, "OK"},
            {"newfstatat", SYS_newfstatat, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::string(""), Arg::output(144), value(AT_EMPTY_PATH)}; }, "OK"},
            {"fchownat", SYS_fchownat, [](Arg fd, Arg, const std::string&) { return std::vector<Arg> {fd, Arg::string(""), value(-1), value(-1), value(AT_EMPTY_PATH)}; }, "OK"},
        };
        for (const Case& c : cases) {
            SCOPED_TRACE(c.what);
            EXPECT_EQ(both.call(c.number, c.arguments(value(900), Arg::fd(file), times), Returns::anything), "EBADF");
            EXPECT_EQ(both.call(c.number, c.arguments(value(-1), Arg::fd(file), times), Returns::anything), "EBADF");
            EXPECT_EQ(both.call(c.number, c.arguments(Arg::fd(path_only), Arg::fd(file), times), Returns::anything), c.with_path_only);
        }
        // dirfd arguments: bad descriptors are EBADF, O_PATH directories are fine.
        struct AtCase {
            const char* what;
            long number;
            std::vector<Arg> (*arguments)(Arg dirfd);
        };
        const AtCase at_cases[] = {
            {"openat", SYS_openat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(O_RDONLY), value(0)}; }},
            {"newfstatat", SYS_newfstatat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), Arg::output(144), value(0)}; }},
            {"statx", SYS_statx, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(0), value(0), Arg::output(256)}; }},
            {"faccessat", SYS_faccessat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(F_OK)}; }},
            {"readlinkat", SYS_readlinkat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), Arg::output(8), value(8)}; }},
            {"mkdirat", SYS_mkdirat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x/y"), value(0755)}; }},
            {"mknodat", SYS_mknodat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x/y"), value(S_IFIFO | 0644), value(0)}; }},
            {"unlinkat", SYS_unlinkat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(0)}; }},
            {"renameat old", SYS_renameat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(AT_FDCWD), Arg::string("y")}; }},
            {"renameat new", SYS_renameat, [](Arg dirfd) { return std::vector<Arg> {value(AT_FDCWD), Arg::string("f"), dirfd, Arg::string("x/y")}; }},
            {"linkat old", SYS_linkat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(AT_FDCWD), Arg::string("y"), value(0)}; }},
            {"linkat new", SYS_linkat, [](Arg dirfd) { return std::vector<Arg> {value(AT_FDCWD), Arg::string("f"), dirfd, Arg::string("x/y"), value(0)}; }},
            {"symlinkat", SYS_symlinkat, [](Arg dirfd) { return std::vector<Arg> {Arg::string("t"), dirfd, Arg::string("x/y")}; }},
            {"fchmodat", SYS_fchmodat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(0644)}; }},
            {"fchownat", SYS_fchownat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(-1), value(-1), value(0)}; }},
            {"utimensat", SYS_utimensat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(0), value(0)}; }},
            {"futimesat", SYS_futimesat, [](Arg dirfd) { return std::vector<Arg> {dirfd, Arg::string("x"), value(0)}; }},
        };
        for (const AtCase& c : at_cases) {
            SCOPED_TRACE(c.what);
            EXPECT_EQ(both.call(c.number, c.arguments(value(900)), Returns::anything), "EBADF");
            EXPECT_EQ(both.call(c.number, c.arguments(Arg::fd(path_only)), Returns::anything), "ENOTDIR");
            EXPECT_EQ(both.call(c.number, c.arguments(Arg::fd(directory_path)), Returns::anything), "ENOENT");
        }
        EXPECT_EQ(both.call(SYS_close, {value(900)}), "EBADF");
        EXPECT_EQ(both.call(SYS_dup, {value(900)}), "EBADF");
        EXPECT_EQ(both.call(SYS_fchdir, {value(900)}), "EBADF");
    });
}

}  // namespace
