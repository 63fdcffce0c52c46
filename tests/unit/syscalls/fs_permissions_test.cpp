// Permission rules through the syscalls for a process that is not root (Newt only: the
// host runs the tests as root). The files are made by a root process first.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "syscall_harness.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;

constexpr u64 fdcwd = static_cast<u64>(AT_FDCWD);

// A harness process plus shortcuts for string arguments.
struct Caller {
    SyscallHarness harness;
    usize next = 0;

    explicit Caller(const Credentials& credentials, const char* cwd) : harness(credentials, cwd) {}
    u64 text(const std::string& value) {
        uptr address = harness.put_string(next, value);
        next = (next + value.size() + 64) & ~usize(63);
        return address;
    }
    std::string outcome(u64 number, std::initializer_list<u64> arguments) {
        std::string result = harness.outcome(number, arguments);
        next = 0;
        return result;
    }
    long call(u64 number, std::initializer_list<u64> arguments) {
        long result = harness.call(number, arguments);
        next = 0;
        return result;
    }
    struct stat stat(const std::string& path) {
        uptr buffer = harness.scratch() + 32 * 4096;
        EXPECT_EQ(harness.outcome(SYS_lstat, {text(path), buffer}), "OK") << path;
        next = 0;
        return harness.get_value<struct stat>(buffer);
    }
};

TEST(UserPermissions, OrdinaryUsersMeetLinuxsChecks) {
    run_in_kernel([] {
        std::string directory = "/tmp/permissions";
        {
            Caller root(Credentials::root(), "/tmp");
            ASSERT_EQ(root.outcome(SYS_mkdir, {root.text(directory), 0755}), "OK");
            ASSERT_EQ(root.outcome(SYS_chdir, {root.text(directory)}), "OK");
            long fd = root.call(SYS_open, {root.text("secret"), O_CREAT | O_WRONLY, 0600});
            ASSERT_GE(fd, 0);
            ASSERT_EQ(root.outcome(SYS_mkdir, {root.text("locked"), 0700}), "OK");
            ASSERT_EQ(root.outcome(SYS_mkdir, {root.text("home"), 0755}), "OK");
            ASSERT_EQ(root.outcome(SYS_chown, {root.text("home"), 1000, 1000}), "OK");
            ASSERT_GE(root.call(SYS_open, {root.text("home/mine"), O_CREAT | O_WRONLY, 0644}), 0);
            ASSERT_EQ(root.outcome(SYS_chown, {root.text("home/mine"), 1000, 1000}), "OK");
            ASSERT_GE(root.call(SYS_open, {root.text("readable"), O_CREAT | O_WRONLY, 0644}), 0);
        }
        Caller user(Credentials::user(1000, 1000), directory.c_str());
        // Opening, reading and writing.
        EXPECT_EQ(user.outcome(SYS_open, {user.text("secret"), O_RDONLY, 0}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_open, {user.text("readable"), O_RDWR, 0}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_open, {user.text("readable"), O_RDONLY | O_TRUNC, 0}), "EACCES");
        EXPECT_GE(user.call(SYS_open, {user.text("readable"), O_RDONLY, 0}), 0);
        EXPECT_EQ(user.outcome(SYS_open, {user.text("new"), O_CREAT | O_WRONLY, 0644}), "EACCES");  // root's directory
        EXPECT_EQ(user.outcome(SYS_stat, {user.text("locked/x"), user.harness.scratch()}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_chdir, {user.text("locked")}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_truncate, {user.text("readable"), 0}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_access, {user.text("secret"), R_OK}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_access, {user.text("secret"), F_OK}), "OK");
        // The user's own files: created with its ids and the umask.
        long mine = user.call(SYS_open, {user.text("home/new"), O_CREAT | O_RDWR, 0666});
        ASSERT_GE(mine, 0);
        struct stat created = user.stat("home/new");
        EXPECT_EQ(created.st_uid, 1000u);
        EXPECT_EQ(created.st_gid, 1000u);
        EXPECT_EQ(created.st_mode, S_IFREG | 0644);
        EXPECT_EQ(user.outcome(SYS_mkdir, {user.text("home/sub"), 0777}), "OK");
        EXPECT_EQ(user.stat("home/sub").st_mode, S_IFDIR | 0755);
        // Changing attributes: only the owner, never the owner's identity.
        EXPECT_EQ(user.outcome(SYS_chmod, {user.text("readable"), 0777}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_chmod, {user.text("home/mine"), 0600}), "OK");
        EXPECT_EQ(user.outcome(SYS_fchmod, {u64(mine), 04700}), "OK");
        EXPECT_EQ(user.outcome(SYS_chown, {user.text("home/mine"), 0, u64(-1)}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_chown, {user.text("home/mine"), u64(-1), 0}), "EPERM");  // not in group 0
        EXPECT_EQ(user.outcome(SYS_chown, {user.text("home/mine"), 1000, 1000}), "OK");
        EXPECT_EQ(user.outcome(SYS_lchown, {user.text("readable"), 0, u64(-1)}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_lchown, {user.text("readable"), u64(-1), u64(-1)}), "OK");  // no change asked
        EXPECT_EQ(user.outcome(SYS_fchown, {u64(mine), 0, 0}), "EPERM");
        // Times: "now" needs write permission or ownership, explicit times ownership.
        timespec explicit_times[2] = {{1, 0}, {2, 0}};
        uptr times = user.harness.put(8192, explicit_times, sizeof explicit_times);
        EXPECT_EQ(user.outcome(SYS_utimensat, {fdcwd, user.text("readable"), 0, 0}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_utimensat, {fdcwd, user.text("readable"), times, 0}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_utimensat, {fdcwd, user.text("home/mine"), times, 0}), "OK");
        // Removing and renaming in someone else's directory.
        EXPECT_EQ(user.outcome(SYS_unlink, {user.text("readable")}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_rename, {user.text("home/mine"), user.text("stolen")}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_rmdir, {user.text("locked")}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_link, {user.text("home/mine"), user.text("home/alias")}), "OK");
        // Privileged operations.
        EXPECT_EQ(user.outcome(SYS_mknod, {user.text("home/device"), S_IFCHR | 0600, makedev(1, 3)}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_mknod, {user.text("home/fifo"), S_IFIFO | 0600, 0}), "OK");
        EXPECT_EQ(user.outcome(SYS_linkat, {u64(mine), user.text(""), fdcwd, user.text("home/by-fd"), AT_EMPTY_PATH}), "ENOENT");
        EXPECT_EQ(user.outcome(SYS_chroot, {user.text("home")}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_mount, {0, user.text("home"), user.text("tmpfs"), 0, 0}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_umount2, {user.text("/proc"), 0}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_renameat2, {fdcwd, user.text("home/mine"), fdcwd, user.text("home/x"), RENAME_WHITEOUT}), "EPERM");
    });
}

TEST(UserPermissions, AccessUsesTheRealIds) {
    run_in_kernel([] {
        {
            Caller root(Credentials::root(), "/tmp");
            ASSERT_GE(root.call(SYS_open, {root.text("/tmp/root-only"), O_CREAT | O_WRONLY, 0600}), 0);
        }
        // A set-user-ID-root program run by uid 1000: effective root, real user.
        Credentials credentials = Credentials::user(1000, 1000);
        credentials.euid = credentials.fsuid = 0;
        Caller program(credentials, "/tmp");
        EXPECT_GE(program.call(SYS_open, {program.text("root-only"), O_RDONLY, 0}), 0);  // the effective id opens
        EXPECT_EQ(program.outcome(SYS_access, {program.text("root-only"), R_OK}), "EACCES");  // the real id asks
        EXPECT_EQ(program.outcome(SYS_faccessat2, {fdcwd, program.text("root-only"), R_OK, AT_EACCESS}), "OK");
        long fd = program.call(SYS_open, {program.text("root-only"), O_RDONLY, 0});
        EXPECT_EQ(program.outcome(SYS_faccessat2, {u64(fd), program.text(""), R_OK, AT_EMPTY_PATH}), "EACCES");
        EXPECT_EQ(program.outcome(SYS_faccessat2, {u64(fd), program.text(""), R_OK, AT_EMPTY_PATH | AT_EACCESS}), "OK");
        // An O_PATH descriptor of a directory the user cannot search: fchdir says EACCES.
        Caller user(Credentials::user(1000, 1000), "/tmp");
        {
            Caller root(Credentials::root(), "/tmp");
            ASSERT_EQ(root.outcome(SYS_mkdir, {root.text("/tmp/closed"), 0700}), "OK");
        }
        long closed = user.call(SYS_open, {user.text("/tmp/closed"), O_PATH, 0});
        ASSERT_GE(closed, 0);  // O_PATH needs no permission on the file itself
        EXPECT_EQ(user.outcome(SYS_fchdir, {u64(closed)}), "EACCES");
        EXPECT_EQ(user.outcome(SYS_openat, {u64(closed), user.text("x"), O_RDONLY, 0}), "EACCES");
    });
}

}  // namespace
