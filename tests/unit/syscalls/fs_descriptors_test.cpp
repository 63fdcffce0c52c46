// Descriptors through the syscalls, against the host's Linux: open flags and modes (umask,
// O_CLOEXEC, O_LARGEFILE in F_GETFL, O_TMPFILE checks), dup/dup2/dup3 (onto itself, bad
// flags, RLIMIT_NOFILE), fcntl commands, flock, close_range, ioctl's generic requests, and
// pipes made by pipe2 used through read/write (EOF, EPIPE, O_NONBLOCK's EAGAIN).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "kernel/abi/fcntl.h"
#include "kernel/abi/process.h"
#include "syscall_differential.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;
using Returns = SyscallDifferential::Returns;
namespace kabi = kernel::abi;

Arg value(long number) { return Arg::value(static_cast<u64>(number)); }

i32 int_at(const std::string& bytes, usize offset = 0) {
    i32 number;
    std::memcpy(&number, bytes.data() + offset, sizeof number);
    return number;
}

// The host ignores SIGPIPE while it lives, so a write to a broken pipe is EPIPE there too
// (Newt has no signal delivery yet: EPIPE is all it gives).
struct IgnoreSigpipe {
    struct sigaction old {};
    IgnoreSigpipe() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &ignore, &old);
    }
    ~IgnoreSigpipe() { sigaction(SIGPIPE, &old, nullptr); }
};

TEST(OpenSyscalls, FlagsModesAndUmask) {
    run_in_kernel([] {
        SyscallDifferential both("open");
        int file = both.open("f", O_CREAT | O_WRONLY | O_EXCL, 0777);
        ASSERT_GE(file, 0);
        // st_mode (offset 24 of struct stat) on both sides, which must agree.
        auto mode_of = [&](const char* path) {
            EXPECT_EQ(both.call(SYS_stat, {Arg::string(path), Arg::output(144)}), "OK");
            u32 newt = static_cast<u32>(int_at(both.newt_output(1), 24));
            EXPECT_EQ(newt, static_cast<u32>(int_at(both.host_output(1), 24))) << path;
            return newt;
        };
        both.call(SYS_stat, {Arg::string("f"), Arg::output(144)});
        EXPECT_EQ(int_at(both.host_output(1), 24), S_IFREG | 0755);  // st_mode: umask 022
        EXPECT_EQ(int_at(both.newt_output(1), 24), S_IFREG | 0755);
        EXPECT_EQ(both.call(SYS_umask, {value(077)}), "OK");          // returns the old mask (022)
        EXPECT_EQ(both.newt_result(), 022);
        both.open("g", O_CREAT | O_WRONLY, 0666);
        EXPECT_EQ(mode_of("g") & 07777, 0600u);
        both.call(SYS_mkdir, {Arg::string("d"), value(0777)});
        EXPECT_EQ(mode_of("d") & 07777, 0700u);
        both.call(SYS_mknod, {Arg::string("p"), value(S_IFIFO | 0666), value(0)});
        EXPECT_EQ(mode_of("p") & 07777, 0600u);
        EXPECT_EQ(both.call(SYS_umask, {value(0777 | 01000)}), "OK");  // only the permission bits stay
        EXPECT_EQ(both.call(SYS_umask, {value(022)}), "OK");
        EXPECT_EQ(both.newt_result(), 0777);
        // The mode's type bits and bits beyond 07777 are ignored.
        both.open("h", O_CREAT | O_WRONLY, S_IFDIR | 04755);
        EXPECT_EQ(mode_of("h"), u32(S_IFREG | 04755));
        // F_GETFL: the access mode and status flags, O_LARGEFILE added on x86-64, creation
        // flags and O_CLOEXEC gone.
        int appending = both.open("f", O_WRONLY | O_APPEND | O_CLOEXEC | O_TRUNC | O_NONBLOCK);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(appending), value(F_GETFL), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), O_WRONLY | O_APPEND | O_NONBLOCK | kabi::o_largefile);  // glibc's O_LARGEFILE is 0
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(appending), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), FD_CLOEXEC);
        int path_only = both.open("d", O_PATH | O_CLOEXEC | O_RDWR);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(path_only), value(F_GETFL), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), O_PATH);
        // Errors in Linux's order.
        EXPECT_EQ(both.open("f", O_CREAT | O_EXCL | O_WRONLY), -1);
        EXPECT_EQ(both.open("d", O_WRONLY), -1);                                // EISDIR
        EXPECT_EQ(both.open("missing/x", O_CREAT | O_WRONLY), -1);              // ENOENT
        EXPECT_EQ(both.open("f/x", O_RDONLY), -1);                              // ENOTDIR
        EXPECT_EQ(both.open("f", O_RDONLY | O_DIRECTORY), -1);                  // ENOTDIR
        EXPECT_EQ(both.open("new", O_CREAT | O_DIRECTORY | O_RDWR), -1);        // EINVAL
        EXPECT_EQ(both.open(".", O_TMPFILE | O_RDONLY), -1);                    // EINVAL: read-only
        EXPECT_EQ(both.open(".", (O_TMPFILE & ~O_DIRECTORY) | O_RDWR), -1);     // EINVAL: half the flag
        // creat is open(O_CREAT | O_WRONLY | O_TRUNC).
        EXPECT_EQ(both.call(SYS_creat, {Arg::string("c"), value(0640)}, Returns::descriptor), "OK");
        int created = both.last_handle();
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(created), value(F_GETFL), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(created), Arg::output(1), value(1)}), "EBADF");
        EXPECT_EQ(mode_of("c") & 07777, 0640u);
    });
}

TEST(DupSyscalls, FollowLinuxsRules) {
    run_in_kernel([] {
        SyscallDifferential both("dup");
        int file = both.open("f", O_CREAT | O_RDWR);
        ASSERT_GE(file, 0);
        both.call(SYS_write, {Arg::fd(file), Arg::input("abcdef"), value(6)});
        // dup shares the open file description: the offset moves for both.
        EXPECT_EQ(both.call(SYS_dup, {Arg::fd(file)}, Returns::descriptor), "OK");
        int copy = both.last_handle();
        both.call(SYS_lseek, {Arg::fd(copy), value(2), value(SEEK_SET)});
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(file), Arg::output(2), value(2)}), "OK");
        both.expect_same_output(1);
        EXPECT_EQ(both.newt_output(1), "cd");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(copy), value(F_GETFD), value(0)}), "OK");  // no close-on-exec
        EXPECT_EQ(both.newt_result(), 0);
        // dup2 onto itself: the descriptor, unchanged (even its close-on-exec flag).
        both.call(SYS_fcntl, {Arg::fd(file), value(F_SETFD), value(FD_CLOEXEC)});
        EXPECT_EQ(both.call(SYS_dup2, {Arg::fd(file), Arg::fd(file)}, Returns::anything), "OK");
        EXPECT_EQ(both.newt_result(), both.newt_fd(file));
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), FD_CLOEXEC);
        EXPECT_EQ(both.call(SYS_dup2, {value(900), value(900)}), "EBADF");
        EXPECT_EQ(both.call(SYS_dup2, {value(900), Arg::fd(file)}), "EBADF");
        // dup3: EINVAL for the same descriptor or a flag other than O_CLOEXEC; a target
        // beyond RLIMIT_NOFILE is EBADF before the source is looked at.
        EXPECT_EQ(both.call(SYS_dup3, {Arg::fd(file), Arg::fd(file), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_dup3, {Arg::fd(file), Arg::fd(copy), value(O_NONBLOCK)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_dup3, {value(900), Arg::fd(copy), value(O_CLOEXEC)}), "EBADF");
        EXPECT_EQ(both.call(SYS_dup3, {Arg::fd(file), value(1 << 20), value(0)}), "EBADF");
        EXPECT_EQ(both.call(SYS_dup3, {Arg::fd(file), value(-1), value(0)}), "EBADF");
        EXPECT_EQ(both.call(SYS_dup3, {value(900), value(1 << 20), value(0)}), "EBADF");
        // dup2 over an open descriptor closes it first; dup3 sets close-on-exec on request.
        int other = both.open("g", O_CREAT | O_RDWR);
        EXPECT_EQ(both.call(SYS_dup3, {Arg::fd(file), Arg::fd(other), value(O_CLOEXEC)}, Returns::anything), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(other), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), FD_CLOEXEC);
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(other), Arg::output(2), value(2)}), "OK");
        EXPECT_EQ(both.newt_output(1), "ef");  // the same description as `file`
        // F_DUPFD: the lowest free number at or above the argument.
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_DUPFD), value(500)}), "OK");
        EXPECT_EQ(both.newt_result(), 500);
        both.add_handle(static_cast<int>(both.host_result()), 500);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_DUPFD_CLOEXEC), value(500)}), "OK");
        EXPECT_EQ(both.newt_result(), 501);
        int cloexec_copy = both.add_handle(static_cast<int>(both.host_result()), 501);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(cloexec_copy), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), FD_CLOEXEC);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_DUPFD), value(1 << 20)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_DUPFD), value(-1)}), "EINVAL");
        // The same rules under a lowered RLIMIT_NOFILE (Newt only: the host keeps its own).
        SyscallHarness& newt = both.harness();
        kabi::Rlimit limit {64, 64};
        uptr request = newt.put(0, &limit, sizeof limit);
        ASSERT_EQ(newt.outcome(SYS_setrlimit, {7 /* RLIMIT_NOFILE */, request}), "OK");
        EXPECT_EQ(newt.outcome(SYS_dup3, {u64(both.newt_fd(file)), 64, 0}), "EBADF");
        EXPECT_EQ(newt.outcome(SYS_fcntl, {u64(both.newt_fd(file)), F_DUPFD, 64}), "EINVAL");
        EXPECT_EQ(newt.call(SYS_fcntl, {u64(both.newt_fd(file)), F_DUPFD, 63}), 63);
        EXPECT_EQ(newt.outcome(SYS_fcntl, {u64(both.newt_fd(file)), F_DUPFD, 63}), "EMFILE");
        // A full table is EMFILE for open before the path is even looked at.
        long fd;
        while ((fd = newt.call(SYS_dup, {u64(both.newt_fd(file))})) >= 0) ASSERT_LT(fd, 64);
        EXPECT_EQ(fd, -long(Errno::emfile));
        uptr missing = newt.put_string(64, "no/such/file");
        EXPECT_EQ(newt.outcome(SYS_open, {missing, O_RDONLY, 0}), "EMFILE");
        EXPECT_EQ(newt.outcome(SYS_pipe2, {newt.scratch() + 200, 0}), "EMFILE");
        int full = newt.process().files().count();
        EXPECT_EQ(newt.outcome(SYS_close, {62}), "OK");
        EXPECT_EQ(newt.outcome(SYS_pipe2, {newt.scratch() + 200, 0}), "EMFILE");  // needs two
        EXPECT_EQ(newt.process().files().count(), full - 1);                   // and left none behind
    });
}

TEST(FcntlSyscall, CommandsAnswerAsOnLinux) {
    run_in_kernel([] {
        SyscallDifferential both("fcntl");
        int file = both.open("f", O_CREAT | O_RDWR);
        int read_only = both.open("f", O_RDONLY);
        ASSERT_GE(read_only, 0);
        // F_SETFL changes only O_APPEND, O_NONBLOCK and friends; the access mode stays.
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(read_only), value(F_SETFL), value(O_WRONLY | O_APPEND | O_NONBLOCK | O_CREAT | O_TRUNC)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(read_only), value(F_GETFL), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), O_RDONLY | O_APPEND | O_NONBLOCK | kabi::o_largefile);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_SETFD), value(FD_CLOEXEC | 6)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_SETFD), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {value(900), value(F_GETFD), value(0)}), "EBADF");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(12345), value(0)}), "EINVAL");
        // Record locks: F_GETLK reports "unlocked"; F_SETLK checks the type against the
        // access mode. (Newt records no locks: docs/syscalls.md.)
        struct flock lock {};
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        lock.l_len = 10;
        std::string bytes(reinterpret_cast<char*>(&lock), sizeof lock);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETLK), Arg::input(bytes)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_SETLK), Arg::input(bytes)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(read_only), value(F_SETLK), Arg::input(bytes)}), "EBADF");
        lock.l_type = F_RDLCK;
        bytes.assign(reinterpret_cast<char*>(&lock), sizeof lock);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(read_only), value(F_SETLKW), Arg::input(bytes)}), "OK");
        lock.l_type = F_UNLCK;
        bytes.assign(reinterpret_cast<char*>(&lock), sizeof lock);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_SETLK), Arg::input(bytes)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETLK), Arg::input(bytes)}), "EINVAL");
        lock.l_type = 7;
        bytes.assign(reinterpret_cast<char*>(&lock), sizeof lock);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_SETLK), Arg::input(bytes)}), "EINVAL");
        lock.l_type = F_RDLCK;
        lock.l_whence = 9;
        bytes.assign(reinterpret_cast<char*>(&lock), sizeof lock);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_SETLK), Arg::input(bytes)}), "EINVAL");
        // The type F_GETLK writes back when nothing conflicts.
        struct flock query {};
        query.l_type = F_RDLCK;
        query.l_len = 1;
        SyscallHarness& newt = both.harness();
        uptr address = newt.put(0, &query, sizeof query);
        EXPECT_EQ(newt.outcome(SYS_fcntl, {u64(both.newt_fd(file)), F_GETLK, address}), "OK");
        EXPECT_EQ(newt.get_value<struct flock>(address).l_type, F_UNLCK);
        // flock: checked, accepted.
        EXPECT_EQ(both.call(SYS_flock, {Arg::fd(file), value(LOCK_EX | LOCK_NB)}), "OK");
        EXPECT_EQ(both.call(SYS_flock, {Arg::fd(file), value(LOCK_UN)}), "OK");
        EXPECT_EQ(both.call(SYS_flock, {Arg::fd(file), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_flock, {value(900), value(LOCK_SH)}), "EBADF");
        EXPECT_EQ(both.call(SYS_flock, {value(900), value(99)}), "OK");  // LOCK_MAND (32): ignored, always 0
        EXPECT_EQ(both.call(SYS_flock, {value(900), value(67)}), "EINVAL");
        // O_PATH descriptors answer only the descriptor commands.
        int path_only = both.open("f", O_PATH);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(path_only), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(path_only), value(F_SETFL), value(O_APPEND)}), "EBADF");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(path_only), value(F_GETLK), Arg::input(bytes)}), "EBADF");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(path_only), value(F_DUPFD_CLOEXEC), value(0)}, Returns::descriptor), "OK");
        EXPECT_EQ(both.call(SYS_flock, {Arg::fd(path_only), value(LOCK_SH)}), "EBADF");
        // Pipe sizes.
        auto [read_end, write_end] = both.pipe();
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(write_end), value(F_GETPIPE_SZ), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), 65536);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETPIPE_SZ), value(0)}), "EBADF");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(read_end), value(F_SETPIPE_SZ), value(65536)}), "OK");
    });
}

TEST(CloseSyscalls, CloseAndCloseRange) {
    run_in_kernel([] {
        SyscallDifferential both("close");
        SyscallHarness& newt = both.harness();
        int file = both.open("f", O_CREAT | O_RDWR);
        EXPECT_EQ(both.call(SYS_close, {Arg::fd(file)}), "OK");
        EXPECT_EQ(both.call(SYS_close, {Arg::fd(file)}), "EBADF");
        EXPECT_EQ(both.call(SYS_close, {value(-1)}), "EBADF");
        // close_range is Newt only (the host process's own descriptors are in any range).
        uptr path = newt.put_string(0, "f");
        for (int i = 0; i < 6; ++i) ASSERT_GE(newt.call(SYS_open, {path, O_RDONLY, 0}), 0);
        int before = newt.process().files().count();
        long first = newt.call(SYS_open, {path, O_RDONLY, 0}) - 6;
        EXPECT_EQ(newt.outcome(SYS_close_range, {u64(first) + 1, u64(first), 0}), "EINVAL");
        EXPECT_EQ(newt.outcome(SYS_close_range, {u64(first), u64(first) + 1, 8}), "EINVAL");
        EXPECT_EQ(newt.outcome(SYS_close_range, {u64(first), u64(first) + 2, CLOSE_RANGE_CLOEXEC}), "OK");
        EXPECT_EQ(newt.call(SYS_fcntl, {u64(first) + 2, F_GETFD, 0}), FD_CLOEXEC);
        EXPECT_EQ(newt.call(SYS_fcntl, {u64(first) + 3, F_GETFD, 0}), 0);
        EXPECT_EQ(newt.outcome(SYS_close_range, {u64(first) + 1, ~0u, 0}), "OK");  // to the end
        EXPECT_EQ(newt.process().files().count(), before + 1 - 6);
        EXPECT_EQ(newt.outcome(SYS_close_range, {5000, ~0u, 0}), "OK");
    });
}

TEST(IoctlSyscall, GenericRequests) {
    run_in_kernel([] {
        SyscallDifferential both("ioctl");
        int file = both.open("f", O_CREAT | O_RDWR);
        both.call(SYS_write, {Arg::fd(file), Arg::input("0123456789"), value(10)});
        both.call(SYS_lseek, {Arg::fd(file), value(3), value(SEEK_SET)});
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(FIONREAD), Arg::output(4)}), "OK");
        both.expect_same_output(2);
        EXPECT_EQ(int_at(both.newt_output(2)), 7);
        int on = 1, off = 0;
        std::string on_bytes(reinterpret_cast<char*>(&on), 4), off_bytes(reinterpret_cast<char*>(&off), 4);
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(FIONBIO), Arg::input(on_bytes)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETFL), value(0)}), "OK");
        EXPECT_EQ(both.newt_result() & O_NONBLOCK, O_NONBLOCK);
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(FIONBIO), Arg::input(off_bytes)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETFL), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(FIOCLEX), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), FD_CLOEXEC);
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(FIONCLEX), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(file), value(F_GETFD), value(0)}), "OK");
        // No terminal anywhere (the host's file is no terminal either).
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(TCGETS), Arg::output(60)}), "ENOTTY");
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(file), value(TIOCGWINSZ), Arg::output(8)}), "ENOTTY");
        EXPECT_EQ(both.call(SYS_ioctl, {value(900), value(FIONREAD), Arg::output(4)}), "EBADF");
        int path_only = both.open("f", O_PATH);
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(path_only), value(FIOCLEX), value(0)}), "EBADF");
        // Pipes count what is waiting.
        auto [read_end, write_end] = both.pipe();
        both.call(SYS_write, {Arg::fd(write_end), Arg::input("hello"), value(5)});
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(read_end), value(FIONREAD), Arg::output(4)}), "OK");
        both.expect_same_output(2);
        EXPECT_EQ(int_at(both.newt_output(2)), 5);
        EXPECT_EQ(both.call(SYS_ioctl, {Arg::fd(read_end), value(TCGETS), Arg::output(60)}), "ENOTTY");
    });
}

TEST(PipeSyscalls, ReadWriteEofAndEpipe) {
    run_in_kernel([] {
        IgnoreSigpipe ignore;
        SyscallDifferential both("pipes");
        EXPECT_EQ(both.call(SYS_pipe2, {Arg::output(8), value(O_RDWR)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_pipe2, {Arg::output(8), value(O_APPEND)}), "EINVAL");
        auto [read_end, write_end] = both.pipe(O_CLOEXEC);
        ASSERT_GE(read_end, 0);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(read_end), value(F_GETFD), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), FD_CLOEXEC);
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(write_end), value(F_GETFL), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), O_WRONLY);  // no O_LARGEFILE on pipes
        // Data goes through in order; a read returns what is there.
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(write_end), Arg::input("hello "), value(6)}), "OK");
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(write_end), Arg::input_vector({"wor", "", "ld"}), value(3)}), "OK");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_end), Arg::output(100), value(100)}), "OK");
        both.expect_same_output(1, 11);
        EXPECT_EQ(both.newt_output(1).substr(0, 11), "hello world");
        // Wrong direction, seeking, positional I/O.
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(read_end), Arg::input("x"), value(1)}), "EBADF");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(write_end), Arg::output(1), value(1)}), "EBADF");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_end), value(0), value(SEEK_CUR)}), "ESPIPE");
        EXPECT_EQ(both.call(SYS_pread64, {Arg::fd(read_end), Arg::output(1), value(1), value(0)}), "ESPIPE");
        EXPECT_EQ(both.call(SYS_pwrite64, {Arg::fd(write_end), Arg::input("x"), value(1), value(0)}), "ESPIPE");
        EXPECT_EQ(both.call(SYS_pread64, {Arg::fd(read_end), Arg::output(1), value(1), value(-1)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_fsync, {Arg::fd(read_end)}), "EINVAL");
        // O_NONBLOCK on an empty pipe: EAGAIN instead of blocking.
        EXPECT_EQ(both.call(SYS_fcntl, {Arg::fd(read_end), value(F_SETFL), value(O_NONBLOCK)}), "OK");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_end), Arg::output(10), value(10)}), "EAGAIN");
        // A vectored read gathers across iovecs in one go.
        both.call(SYS_write, {Arg::fd(write_end), Arg::input("abcdefgh"), value(8)});
        EXPECT_EQ(both.call(SYS_readv, {Arg::fd(read_end), Arg::output_vector({3, 0, 3, 10}), value(4)}), "OK");
        EXPECT_EQ(both.newt_result(), 8);
        both.expect_same_output(1);
        // The last writer gone: end of file.
        EXPECT_EQ(both.call(SYS_close, {Arg::fd(write_end)}), "OK");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_end), Arg::output(10), value(10)}), "OK");
        EXPECT_EQ(both.newt_result(), 0);
        // The last reader gone: EPIPE.
        auto [read_end2, write_end2] = both.pipe(O_NONBLOCK);
        EXPECT_EQ(both.call(SYS_close, {Arg::fd(read_end2)}), "OK");
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(write_end2), Arg::input("x"), value(1)}), "EPIPE");
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(write_end2), Arg::input_vector({"x"}), value(1)}), "EPIPE");
        // A full non-blocking pipe: a PIPE_BUF write is all or nothing.
        auto [read_end3, write_end3] = both.pipe(O_NONBLOCK);
        std::string block(4096, 'z');
        for (int i = 0; i < 16; ++i) EXPECT_EQ(both.call(SYS_write, {Arg::fd(write_end3), Arg::input(block), value(4096)}), "OK");
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(write_end3), Arg::input("x"), value(1)}), "EAGAIN");
        EXPECT_EQ(both.call(SYS_fstat, {Arg::fd(read_end3), Arg::output(144)}), "OK");
        EXPECT_EQ(int_at(both.newt_output(1), 24) & S_IFMT, S_IFIFO);
        EXPECT_EQ(int_at(both.host_output(1), 24) & S_IFMT, S_IFIFO);
    });
}

}  // namespace
