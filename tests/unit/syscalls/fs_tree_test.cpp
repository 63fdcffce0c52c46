// Changing and walking the tree through the syscalls: mkdir, rmdir, unlink(at), rename
// family, link(at), symlink(at), mknod(at), chdir/fchdir and getcwd against the host's
// Linux; chroot, mount and umount2 on Newt alone (the host must not be changed).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "syscall_differential.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;
using Returns = SyscallDifferential::Returns;

Arg value(long number) { return Arg::value(static_cast<u64>(number)); }

TEST(TreeSyscalls, CreateAndRemove) {
    run_in_kernel([] {
        SyscallDifferential both("tree");
        EXPECT_EQ(both.call(SYS_mkdir, {Arg::string("d"), value(0755)}), "OK");
        EXPECT_EQ(both.call(SYS_mkdir, {Arg::string("d"), value(0755)}), "EEXIST");
        EXPECT_EQ(both.call(SYS_mkdir, {Arg::string("missing/d"), value(0755)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_mkdirat, {value(AT_FDCWD), Arg::string("d/e"), value(0755)}), "OK");
        EXPECT_EQ(both.call(SYS_rmdir, {Arg::string("d")}), "ENOTEMPTY");
        EXPECT_EQ(both.call(SYS_rmdir, {Arg::string("d/e/.")}), "EINVAL");
        EXPECT_EQ(both.call(SYS_rmdir, {Arg::string("d/..")}), "ENOTEMPTY");
        EXPECT_EQ(both.call(SYS_unlink, {Arg::string("d/e")}), "EISDIR");
        both.open("f", O_CREAT | O_WRONLY);
        EXPECT_EQ(both.call(SYS_rmdir, {Arg::string("f")}), "ENOTDIR");
        EXPECT_EQ(both.call(SYS_unlinkat, {value(AT_FDCWD), Arg::string("f"), value(AT_REMOVEDIR)}), "ENOTDIR");
        EXPECT_EQ(both.call(SYS_unlinkat, {value(AT_FDCWD), Arg::string("d/e"), value(AT_REMOVEDIR)}), "OK");
        EXPECT_EQ(both.call(SYS_unlinkat, {value(AT_FDCWD), Arg::string("f"), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_unlink, {Arg::string("f")}), "ENOENT");
        // symlink: any target text but "", never over an existing name.
        EXPECT_EQ(both.call(SYS_symlink, {Arg::string("anything/at all"), Arg::string("s")}), "OK");
        EXPECT_EQ(both.call(SYS_symlink, {Arg::string(""), Arg::string("t")}), "ENOENT");
        EXPECT_EQ(both.call(SYS_symlink, {Arg::string("x"), Arg::string("s")}), "EEXIST");
        EXPECT_EQ(both.call(SYS_symlinkat, {Arg::string("x"), value(900), Arg::string("u")}), "EBADF");
        // mknod: the type is checked before the path is read.
        EXPECT_EQ(both.call(SYS_mknod, {Arg::bad_pointer(), value(S_IFDIR | 0755), value(0)}), "EPERM");
        EXPECT_EQ(both.call(SYS_mknod, {Arg::bad_pointer(), value(0170000 | 0755), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_mknod, {Arg::string("regular"), value(0644), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_mknod, {Arg::string("socket"), value(S_IFSOCK | 0644), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_mknodat, {value(AT_FDCWD), Arg::string("zero"), value(S_IFCHR | 0666), value(static_cast<long>(makedev(1, 5)))}), "OK");
        EXPECT_EQ(both.call(SYS_mknod, {Arg::string("zero"), value(S_IFIFO | 0666), value(0)}), "EEXIST");
        EXPECT_EQ(both.call(SYS_stat, {Arg::string("zero"), Arg::output(sizeof(struct stat))}), "OK");
        struct stat newt, host;
        std::memcpy(&newt, both.newt_output(1).data(), sizeof newt);
        std::memcpy(&host, both.host_output(1).data(), sizeof host);
        EXPECT_EQ(newt.st_mode, host.st_mode);
        EXPECT_EQ(newt.st_rdev, host.st_rdev);
        EXPECT_EQ(newt.st_rdev, makedev(1, 5));
    });
}

TEST(TreeSyscalls, RenameAndLink) {
    run_in_kernel([] {
        SyscallDifferential both("rename");
        int file = both.open("a", O_CREAT | O_WRONLY);
        both.open("b", O_CREAT | O_WRONLY);
        both.call(SYS_mkdir, {Arg::string("d"), value(0755)});
        EXPECT_EQ(both.call(SYS_rename, {Arg::string("a"), Arg::string("c")}), "OK");
        EXPECT_EQ(both.call(SYS_renameat2, {value(AT_FDCWD), Arg::string("c"), value(AT_FDCWD), Arg::string("b"), value(RENAME_NOREPLACE)}), "EEXIST");
        EXPECT_EQ(both.call(SYS_renameat2, {value(AT_FDCWD), Arg::string("c"), value(AT_FDCWD), Arg::string("b"), value(RENAME_NOREPLACE | RENAME_EXCHANGE)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_renameat2, {value(AT_FDCWD), Arg::string("c"), value(AT_FDCWD), Arg::string("b"), value(8)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_renameat2, {value(AT_FDCWD), Arg::string("c"), value(AT_FDCWD), Arg::string("new"), value(RENAME_NOREPLACE)}), "OK");
        EXPECT_EQ(both.call(SYS_renameat, {value(AT_FDCWD), Arg::string("new"), value(AT_FDCWD), Arg::string("b")}), "OK");
        EXPECT_EQ(both.call(SYS_rename, {Arg::string("d"), Arg::string("d/inside")}), "EINVAL");
        EXPECT_EQ(both.call(SYS_rename, {Arg::string("b"), Arg::string("d")}), "EISDIR");
        EXPECT_EQ(both.call(SYS_rename, {Arg::string("missing"), Arg::string("x")}), "ENOENT");
        // Newt has no RENAME_EXCHANGE (Linux's tmpfs does).
        SyscallHarness& newt = both.harness();
        both.open("e", O_CREAT | O_WRONLY);
        uptr from = newt.put_string(0, "b"), to = newt.put_string(64, "e");
        EXPECT_EQ(newt.outcome(SYS_renameat2, {u64(AT_FDCWD), from, u64(AT_FDCWD), to, RENAME_EXCHANGE}), "EINVAL");
        // link and linkat.
        EXPECT_EQ(both.call(SYS_link, {Arg::string("b"), Arg::string("b2")}), "OK");
        EXPECT_EQ(both.call(SYS_link, {Arg::string("b"), Arg::string("b2")}), "EEXIST");
        EXPECT_EQ(both.call(SYS_link, {Arg::string("d"), Arg::string("d2")}), "EPERM");
        both.call(SYS_symlink, {Arg::string("b"), Arg::string("sym")});
        EXPECT_EQ(both.call(SYS_linkat, {value(AT_FDCWD), Arg::string("sym"), value(AT_FDCWD), Arg::string("hard-to-link"), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_linkat, {value(AT_FDCWD), Arg::string("sym"), value(AT_FDCWD), Arg::string("hard-to-file"), value(AT_SYMLINK_FOLLOW)}), "OK");
        EXPECT_EQ(both.call(SYS_lstat, {Arg::string("hard-to-link"), Arg::output(sizeof(struct stat))}), "OK");
        struct stat link_stat, file_stat;
        std::memcpy(&link_stat, both.newt_output(1).data(), sizeof link_stat);
        EXPECT_TRUE(S_ISLNK(link_stat.st_mode));
        EXPECT_EQ(both.call(SYS_lstat, {Arg::string("hard-to-file"), Arg::output(sizeof(struct stat))}), "OK");
        std::memcpy(&file_stat, both.newt_output(1).data(), sizeof file_stat);
        EXPECT_TRUE(S_ISREG(file_stat.st_mode));
        EXPECT_EQ(file_stat.st_nlink, 3u);
        EXPECT_EQ(both.call(SYS_linkat, {value(AT_FDCWD), Arg::string("b"), value(AT_FDCWD), Arg::string("x"), value(AT_REMOVEDIR)}), "EINVAL");
        // AT_EMPTY_PATH: a name for an open file (root has CAP_DAC_READ_SEARCH).
        EXPECT_EQ(both.call(SYS_linkat, {Arg::fd(file), Arg::string(""), value(AT_FDCWD), Arg::string("by-descriptor"), value(AT_EMPTY_PATH)}), "OK");
        EXPECT_EQ(both.call(SYS_linkat, {Arg::fd(file), Arg::string(""), value(AT_FDCWD), Arg::string("again"), value(0)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_access, {Arg::string("by-descriptor"), value(F_OK)}), "OK");
    });
}

// getcwd's result without the test directory in front (the two sides' directories differ).
std::pair<std::string, std::string> cwd_both(SyscallDifferential& both) {
    EXPECT_EQ(both.call(SYS_getcwd, {Arg::output(4096), value(4096)}, Returns::anything), "OK");
    std::string newt = both.newt_output(0).c_str(), host = both.host_output(0).c_str();
    EXPECT_EQ(both.newt_result(), static_cast<long>(newt.size() + 1));  // the length with the NUL
    EXPECT_EQ(both.host_result(), static_cast<long>(host.size() + 1));
    auto strip = [](const std::string& text, const std::string& prefix) {
        return text.compare(0, prefix.size(), prefix) == 0 ? text.substr(prefix.size()) : "!" + text;
    };
    return {strip(newt, both.newt_directory()), strip(host, both.host_directory())};
}

TEST(WorkingDirectory, ChdirFchdirAndGetcwd) {
    run_in_kernel([] {
        SyscallDifferential both("cwd");
        auto [newt, host] = cwd_both(both);
        EXPECT_EQ(newt, "");
        EXPECT_EQ(host, "");
        both.call(SYS_mkdir, {Arg::string("a"), value(0755)});
        both.call(SYS_mkdir, {Arg::string("a/b"), value(0755)});
        both.open("a/file", O_CREAT | O_WRONLY);
        EXPECT_EQ(both.call(SYS_chdir, {Arg::string("a/b")}), "OK");
        std::tie(newt, host) = cwd_both(both);
        EXPECT_EQ(newt, "/a/b");
        EXPECT_EQ(host, newt);
        EXPECT_EQ(both.call(SYS_access, {Arg::string("../file"), value(F_OK)}), "OK");  // relative paths start here
        // getcwd follows renames of the directories above.
        EXPECT_EQ(both.call(SYS_rename, {Arg::absolute("a"), Arg::absolute("renamed")}), "OK");
        std::tie(newt, host) = cwd_both(both);
        EXPECT_EQ(newt, "/renamed/b");
        EXPECT_EQ(host, newt);
        EXPECT_EQ(both.call(SYS_getcwd, {Arg::output(1), value(1)}), "ERANGE");
        EXPECT_EQ(both.call(SYS_getcwd, {Arg::output(1), value(0)}), "ERANGE");
        EXPECT_EQ(both.call(SYS_getcwd, {value(0), value(0)}), "ERANGE");
        // fchdir: directories (O_PATH ones too), nothing else.
        int up = both.open("..", O_PATH | O_DIRECTORY);
        int file = both.open("../file", O_RDONLY);
        EXPECT_EQ(both.call(SYS_fchdir, {Arg::fd(file)}), "ENOTDIR");
        EXPECT_EQ(both.call(SYS_fchdir, {value(900)}), "EBADF");
        EXPECT_EQ(both.call(SYS_fchdir, {Arg::fd(up)}), "OK");
        std::tie(newt, host) = cwd_both(both);
        EXPECT_EQ(newt, "/renamed");
        EXPECT_EQ(host, newt);
        EXPECT_EQ(both.call(SYS_chdir, {Arg::string("file")}), "ENOTDIR");
        EXPECT_EQ(both.call(SYS_chdir, {Arg::string("missing")}), "ENOENT");
        // A removed working directory: ENOENT.
        EXPECT_EQ(both.call(SYS_chdir, {Arg::string("b")}), "OK");
        EXPECT_EQ(both.call(SYS_rmdir, {Arg::absolute("renamed/b")}), "OK");
        EXPECT_EQ(both.call(SYS_getcwd, {Arg::output(4096), value(4096)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_open, {Arg::string("new"), value(O_CREAT | O_WRONLY), value(0644)}, Returns::descriptor), "ENOENT");
        EXPECT_EQ(both.call(SYS_chdir, {Arg::absolute("")}), "OK");
        // Exact buffer sizes (Newt alone: the two paths have different lengths).
        SyscallHarness& harness = both.harness();
        long length = harness.call(SYS_getcwd, {harness.scratch(), 4096});
        ASSERT_GT(length, 1);
        EXPECT_EQ(harness.call(SYS_getcwd, {harness.scratch(), u64(length)}), length);
        EXPECT_EQ(harness.outcome(SYS_getcwd, {harness.scratch(), u64(length) - 1}), "ERANGE");
    });
}

TEST(WorkingDirectory, ChrootMovesTheRootOnly) {
    run_in_kernel([] {
        SyscallDifferential both("chroot");
        SyscallHarness& newt = both.harness();
        both.call(SYS_mkdir, {Arg::string("jail"), value(0755)});
        both.call(SYS_mkdir, {Arg::string("jail/etc"), value(0755)});
        both.open("file", O_CREAT | O_WRONLY);
        auto put = [&](const char* text) { return newt.put_string(0, text); };
        EXPECT_EQ(newt.outcome(SYS_chroot, {put("file")}), "ENOTDIR");
        EXPECT_EQ(newt.outcome(SYS_chroot, {put("missing")}), "ENOENT");
        EXPECT_EQ(newt.outcome(SYS_chroot, {wild_pointer}), "EFAULT");
        EXPECT_EQ(newt.outcome(SYS_chroot, {put("jail")}), "OK");
        // The working directory stayed outside the new root: "(unreachable)" and the real path.
        long length = newt.call(SYS_getcwd, {newt.scratch() + 100, 4096});
        ASSERT_GT(length, 0);
        std::string cwd = newt.get(newt.scratch() + 100, static_cast<usize>(length) - 1);
        EXPECT_EQ(cwd, "(unreachable)" + both.newt_directory());
        EXPECT_EQ(newt.outcome(SYS_access, {put("/etc"), F_OK}), "OK");   // the jail's /etc
        EXPECT_EQ(newt.outcome(SYS_access, {put("/tmp"), F_OK}), "ENOENT");
        EXPECT_EQ(newt.outcome(SYS_chdir, {put("/")}), "OK");
        EXPECT_EQ(newt.call(SYS_getcwd, {newt.scratch() + 100, 4096}), 2);
        EXPECT_EQ(newt.get(newt.scratch() + 100, 2), std::string("/\0", 2));
        EXPECT_EQ(newt.outcome(SYS_chdir, {put("..")}), "OK");  // ".." stops at the root
        EXPECT_EQ(newt.call(SYS_getcwd, {newt.scratch() + 100, 4096}), 2);
        // Only root may.
        SyscallHarness user(Credentials::user(1000, 1000), "/tmp");
        EXPECT_EQ(user.outcome(SYS_chroot, {user.put_string(0, "/")}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_chroot, {user.put_string(0, "/nonexistent")}), "ENOENT");  // the lookup first
    });
}

TEST(MountSyscalls, MountAndUnmountTmpfs) {
    run_in_kernel([] {
        SyscallDifferential both("mount");
        SyscallHarness& newt = both.harness();
        both.call(SYS_mkdir, {Arg::string("mnt"), value(0755)});
        both.open("file", O_CREAT | O_WRONLY);
        uptr none = newt.put_string(0, "none");
        uptr target = newt.put_string(64, "mnt");
        uptr tmpfs = newt.put_string(128, "tmpfs");
        uptr options = newt.put_string(192, "size=64k");
        uptr statfs_buffer = newt.scratch() + 1024;
        EXPECT_EQ(newt.outcome(SYS_mount, {none, target, tmpfs, MS_SILENT | 0xC0ED0000, options}), "OK");
        ASSERT_EQ(newt.outcome(SYS_statfs, {target, statfs_buffer}), "OK");
        auto statistics = newt.get_value<struct statfs>(statfs_buffer);
        EXPECT_EQ(statistics.f_type, TMPFS_MAGIC);
        EXPECT_EQ(statistics.f_blocks, 16u);  // 64 KiB
        EXPECT_EQ(newt.outcome(SYS_mount, {none, target, 0, MS_PRIVATE | MS_REC, 0}), "OK");  // no propagation to change
        EXPECT_EQ(newt.outcome(SYS_mount, {none, target, tmpfs, MS_BIND, 0}), "EINVAL");
        EXPECT_EQ(newt.outcome(SYS_mount, {none, target, tmpfs, MS_REMOUNT, 0}), "EINVAL");
        EXPECT_EQ(newt.outcome(SYS_mount, {none, target, tmpfs, MS_RDONLY, 0}), "EINVAL");
        EXPECT_EQ(newt.outcome(SYS_mount, {none, target, 0, 0, 0}), "EINVAL");  // no type
        EXPECT_EQ(newt.outcome(SYS_mount, {none, target, newt.put_string(256, "nosuchfs"), 0, 0}), "ENODEV");
        EXPECT_EQ(newt.outcome(SYS_mount, {none, newt.put_string(320, "missing"), tmpfs, 0, 0}), "ENOENT");
        EXPECT_EQ(newt.outcome(SYS_mount, {none, newt.put_string(320, "file"), tmpfs, 0, 0}), "ENOTDIR");
        EXPECT_EQ(newt.outcome(SYS_mount, {wild_pointer, target, tmpfs, 0, 0}), "EFAULT");
        EXPECT_EQ(newt.outcome(SYS_mount, {none, target, wild_pointer, 0, 0}), "EFAULT");
        // umount2: flags first, a busy mount, a directory that is no mount.
        EXPECT_EQ(newt.outcome(SYS_umount2, {target, 16}), "EINVAL");
        EXPECT_EQ(newt.outcome(SYS_umount2, {target, MNT_EXPIRE | MNT_FORCE}), "EINVAL");
        EXPECT_EQ(newt.outcome(SYS_chdir, {target}), "OK");
        EXPECT_EQ(newt.outcome(SYS_umount2, {newt.put_string(320, "."), 0}), "EBUSY");
        EXPECT_EQ(newt.outcome(SYS_chdir, {newt.put_string(320, "..")}), "OK");
        EXPECT_EQ(newt.outcome(SYS_umount2, {newt.put_string(320, "file"), 0}), "EINVAL");
        EXPECT_EQ(newt.outcome(SYS_umount2, {target, UMOUNT_NOFOLLOW}), "OK");
        EXPECT_EQ(newt.outcome(SYS_umount2, {target, 0}), "EINVAL");  // no longer a mount point
        ASSERT_EQ(newt.outcome(SYS_statfs, {target, statfs_buffer}), "OK");
        EXPECT_NE(newt.get_value<struct statfs>(statfs_buffer).f_blocks, 16u);
        // Only root may; the target is looked up first.
        SyscallHarness user(Credentials::user(1000, 1000), both.newt_directory().c_str());
        uptr user_target = user.put_string(64, "mnt");
        uptr user_type = user.put_string(128, "tmpfs");
        EXPECT_EQ(user.outcome(SYS_mount, {0, user_target, user_type, 0, 0}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_mount, {0, user.put_string(320, "missing"), user_type, 0, 0}), "ENOENT");
        EXPECT_EQ(user.outcome(SYS_umount2, {user_target, 0}), "EPERM");
    });
}

}  // namespace
