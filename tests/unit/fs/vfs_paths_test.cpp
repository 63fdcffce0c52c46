// Path resolution (path_resolution.cpp): absolute and relative paths, base directories,
// "." and "..", symlinks, trailing slashes, length limits. Most rules are checked against
// the host's Linux with the differential harness; the context root (chroot) and ".." at
// mount roots are Newt-only.
#include "differential.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

TEST(VfsPaths, AbsoluteRelativeDotAndDotDotAgreeWithLinux) {
    run_in_kernel([] {
        Differential fs("paths");
        EXPECT_EQ(fs.mkdir("a"), "OK");
        EXPECT_EQ(fs.mkdir("a/b"), "OK");
        EXPECT_EQ(fs.open("a/b/f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.stat("a/b/f"), "OK");
        EXPECT_EQ(fs.stat("/a/b/f"), "OK");
        EXPECT_EQ(fs.stat("a//b///f"), "OK");
        EXPECT_EQ(fs.stat("./a/./b/./f"), "OK");
        EXPECT_EQ(fs.stat("a/b/../b/f"), "OK");
        EXPECT_EQ(fs.stat("a/../a/b/../../a/b/f"), "OK");
        EXPECT_EQ(fs.stat("."), "OK");
        EXPECT_EQ(fs.stat("a/b/.."), "OK");
        EXPECT_EQ(fs.stat("a/b/../.."), "OK");
        EXPECT_EQ(fs.stat("missing"), "ENOENT");
        EXPECT_EQ(fs.stat("a/missing/f"), "ENOENT");
        EXPECT_EQ(fs.stat("missing/.."), "ENOENT");
        EXPECT_EQ(fs.stat(""), "ENOENT");
    });
}

TEST(VfsPaths, AFileInTheMiddleOrWithATrailingSlashIsNotADirectory) {
    run_in_kernel([] {
        Differential fs("notdir");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.stat("f/x"), "ENOTDIR");
        EXPECT_EQ(fs.stat("f/"), "ENOTDIR");
        EXPECT_EQ(fs.stat("f/."), "ENOTDIR");
        EXPECT_EQ(fs.stat("f/.."), "ENOTDIR");
        EXPECT_EQ(fs.stat("f//"), "ENOTDIR");
        EXPECT_EQ(fs.stat("d/"), "OK");
        EXPECT_EQ(fs.stat("d//"), "OK");
        EXPECT_EQ(fs.stat("d/."), "OK");
        EXPECT_EQ(fs.open("f/", abi::o_rdonly), "ENOTDIR");
        EXPECT_EQ(fs.open("d/", abi::o_rdonly), "OK");
        EXPECT_EQ(fs.open("f", abi::o_rdonly | abi::o_directory), "ENOTDIR");
        EXPECT_EQ(fs.open("f/x", abi::o_creat | abi::o_wronly), "ENOTDIR");
        EXPECT_EQ(fs.mkdir("f/x"), "ENOTDIR");
        EXPECT_EQ(fs.unlink("f/x"), "ENOTDIR");
        EXPECT_EQ(fs.stat("missing/"), "ENOENT");
    });
}

TEST(VfsPaths, NameAndPathLengthLimits) {
    run_in_kernel([] {
        Differential fs("lengths");
        std::string longest_name(255, 'n');
        std::string too_long_name(256, 'n');
        EXPECT_EQ(fs.open(longest_name, abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.stat(longest_name), "OK");
        EXPECT_EQ(fs.open(too_long_name, abi::o_creat | abi::o_wronly), "ENAMETOOLONG");
        EXPECT_EQ(fs.stat(too_long_name), "ENAMETOOLONG");
        EXPECT_EQ(fs.mkdir(too_long_name), "ENAMETOOLONG");
        EXPECT_EQ(fs.stat(too_long_name + "/x"), "ENAMETOOLONG");
        EXPECT_EQ(fs.stat("missing/" + too_long_name), "ENOENT");
        // Linux walks the path first: a file in the way is reported before the long name.
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.stat("f/" + too_long_name), "ENOTDIR");

        // Paths: 4095 bytes (PATH_MAX with its NUL) are fine, 4096 are too long.
        std::string path;
        while (path.size() < 4095 - 2) path += "./";
        path.resize(4095 - 1);
        path += "f";
        ASSERT_EQ(path.size(), 4095u);
        EXPECT_EQ(fs.stat(path), "OK");
        EXPECT_EQ(fs.stat("." + path), "ENAMETOOLONG");
        EXPECT_EQ(fs.stat(std::string(5000, '/')), "ENAMETOOLONG");
    });
}

TEST(VfsPaths, SymlinksAbsoluteRelativeAndChained) {
    run_in_kernel([] {
        Differential fs("symlinks");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.mkdir("d/e"), "OK");
        int file;
        EXPECT_EQ(fs.open("d/e/f", abi::o_creat | abi::o_wronly, 0644, &file), "OK");
        EXPECT_EQ(fs.write(file, "content"), "OK");
        EXPECT_EQ(fs.symlink("/d/e/f", "absolute"), "OK");
        EXPECT_EQ(fs.symlink("d/e/f", "relative"), "OK");
        EXPECT_EQ(fs.symlink("../e/f", "d/e/sibling"), "OK");  // relative to the link's directory
        EXPECT_EQ(fs.symlink("e", "d/to_e"), "OK");
        EXPECT_EQ(fs.symlink("d/to_e/f", "through_link"), "OK");
        EXPECT_EQ(fs.symlink("relative", "chain1"), "OK");
        EXPECT_EQ(fs.symlink("chain1", "chain2"), "OK");
        EXPECT_EQ(fs.symlink("d/to_e/..", "to_d"), "OK");  // ".." after a link is the target's parent
        for (const char* name : {"absolute", "relative", "d/e/sibling", "through_link", "chain2", "to_d/e/f"}) {
            EXPECT_EQ(fs.stat(name), "OK") << name;
            EXPECT_EQ(fs.stat(name, false), "OK") << name;
            int handle;
            EXPECT_EQ(fs.open(name, abi::o_rdonly, 0, &handle), "OK") << name;
            EXPECT_EQ(fs.read(handle, 100), "OK");
        }
        EXPECT_EQ(fs.stat("to_d"), "OK");
        EXPECT_EQ(fs.readlink("absolute"), "OK");
        EXPECT_EQ(fs.readlink("chain2"), "OK");
        EXPECT_EQ(fs.readlink("d/e/f"), "EINVAL");
        EXPECT_EQ(fs.readlink("d"), "EINVAL");
        EXPECT_EQ(fs.readlink("missing"), "ENOENT");
        EXPECT_EQ(fs.symlink("missing", "dangling"), "OK");
        EXPECT_EQ(fs.stat("dangling"), "ENOENT");
        EXPECT_EQ(fs.stat("dangling", false), "OK");
        EXPECT_EQ(fs.readlink("dangling"), "OK");
        EXPECT_EQ(fs.symlink("", "empty"), "ENOENT");
        EXPECT_EQ(fs.symlink("d/e/f", "absolute"), "EEXIST");
        EXPECT_EQ(fs.symlink("x", "new/"), "ENOENT");
        EXPECT_EQ(fs.symlink("x", "absolute/"), "EEXIST");
    });
}

TEST(VfsPaths, SymlinkTargetsUpTo4095Bytes) {
    run_in_kernel([] {
        Differential fs("long-targets");
        // A target is a path: PATH_MAX with its NUL at most.
        std::string target;
        while (target.size() < 4095) target += "x/";
        target.resize(4095);
        EXPECT_EQ(fs.symlink(target, "longest"), "OK");
        EXPECT_EQ(fs.readlink("longest"), "OK");
        EXPECT_EQ(fs.stat("longest", false), "OK");
        EXPECT_EQ(fs.stat("longest"), "ENOENT");
        EXPECT_EQ(fs.symlink(target + "x", "too_long"), "ENAMETOOLONG");
        // Following it with more path after it: the rest is appended to the target.
        EXPECT_EQ(fs.mkdir("x"), "OK");
        EXPECT_EQ(fs.symlink("x", "x/x"), "OK");  // x/x/x/... resolves through the loop of x
        EXPECT_EQ(fs.stat("longest"), "ELOOP");
    });
}

TEST(VfsPaths, TrailingSlashesFollowSymlinksToDirectories) {
    run_in_kernel([] {
        Differential fs("slash-links");
        EXPECT_EQ(fs.mkdir("dir"), "OK");
        EXPECT_EQ(fs.open("file", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.symlink("dir", "to_dir"), "OK");
        EXPECT_EQ(fs.symlink("to_dir", "to_to_dir"), "OK");
        EXPECT_EQ(fs.symlink("file", "to_file"), "OK");
        EXPECT_EQ(fs.symlink("missing", "dangling"), "OK");
        EXPECT_EQ(fs.stat("to_dir/", false), "OK");     // lstat("link/") is the directory
        EXPECT_EQ(fs.stat("to_to_dir/", false), "OK");  // through every link
        EXPECT_EQ(fs.stat("to_file/", false), "ENOTDIR");
        EXPECT_EQ(fs.stat("to_file/"), "ENOTDIR");
        EXPECT_EQ(fs.stat("dangling/", false), "ENOENT");
        EXPECT_EQ(fs.readlink("to_dir/"), "EINVAL");
        EXPECT_EQ(fs.open("to_to_dir/", abi::o_rdonly | abi::o_nofollow), "OK");
        EXPECT_EQ(fs.mkdir("dangling/"), "EEXIST");
        EXPECT_EQ(fs.mkdir("to_dir/"), "EEXIST");
        EXPECT_EQ(fs.rmdir("to_dir/"), "ENOTDIR");
        EXPECT_EQ(fs.unlink("to_dir/"), "ENOTDIR");  // the link itself is not followed
        EXPECT_EQ(fs.unlink("to_file/"), "ENOTDIR");
        EXPECT_EQ(fs.readdir("to_to_dir/"), "OK");
    });
}

TEST(VfsPaths, FortySymlinksAreFollowedAndTheFortyFirstIsELOOP) {
    run_in_kernel([] {
        Differential fs("eloop");
        EXPECT_EQ(fs.open("target", abi::o_creat | abi::o_wronly), "OK");
        // link0 -> target, linkN -> link(N-1): resolving linkN follows N+1 links.
        EXPECT_EQ(fs.symlink("target", "link0"), "OK");
        for (int i = 1; i <= 40; ++i)
            ASSERT_EQ(fs.symlink("link" + std::to_string(i - 1), "link" + std::to_string(i)), "OK");
        EXPECT_EQ(fs.stat("link39"), "OK");   // 40 links
        EXPECT_EQ(fs.stat("link40"), "ELOOP");  // 41
        EXPECT_EQ(fs.stat("link40", false), "OK");
        EXPECT_EQ(fs.open("link40", abi::o_rdonly), "ELOOP");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.symlink("d", "dir0"), "OK");
        for (int i = 1; i <= 40; ++i)
            ASSERT_EQ(fs.symlink("dir" + std::to_string(i - 1), "dir" + std::to_string(i)), "OK");
        EXPECT_EQ(fs.stat("dir39/"), "OK");
        EXPECT_EQ(fs.stat("dir40/."), "ELOOP");
        // The count is per lookup, not per link: forty links in the middle, then more.
        EXPECT_EQ(fs.symlink("dir39/../link0", "mixed"), "OK");  // 1 + 40 + 1 links
        EXPECT_EQ(fs.stat("mixed"), "ELOOP");
        EXPECT_EQ(fs.symlink("dir37/../link0", "mixed2"), "OK");  // 1 + 38 + 1 links
        EXPECT_EQ(fs.stat("mixed2"), "OK");
    });
}

TEST(VfsPaths, SymlinkLoopsAreELOOP) {
    run_in_kernel([] {
        Differential fs("loops");
        EXPECT_EQ(fs.symlink("self", "self"), "OK");
        EXPECT_EQ(fs.symlink("pong", "ping"), "OK");
        EXPECT_EQ(fs.symlink("ping", "pong"), "OK");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.symlink("../d/up", "d/up"), "OK");
        EXPECT_EQ(fs.stat("self"), "ELOOP");
        EXPECT_EQ(fs.stat("ping"), "ELOOP");
        EXPECT_EQ(fs.stat("ping/x"), "ELOOP");
        EXPECT_EQ(fs.stat("d/up"), "ELOOP");
        EXPECT_EQ(fs.open("self", abi::o_rdonly), "ELOOP");
        EXPECT_EQ(fs.open("self", abi::o_creat | abi::o_wronly), "ELOOP");
        EXPECT_EQ(fs.stat("self", false), "OK");
        EXPECT_EQ(fs.unlink("self"), "OK");  // the link itself, never followed
    });
}

TEST(VfsPaths, RelativePathsStartAtTheBaseDirectory) {
    run_in_kernel([] {
        Scratch scratch("base");
        const VfsContext& context = scratch.context;
        make_directory(context, "a");
        make_directory(context, "a/b");
        make_file(context, "a/b/f", "x");
        make_file(context, "plain", "y");
        Path a = path_of(context, "a");
        Path plain = path_of(context, "plain");
        EXPECT_OK(vfs_stat(context, &a, "b/f", true));
        EXPECT_OK(vfs_stat(context, &a, "../a/b/f", true));
        EXPECT_ERRNO(vfs_stat(context, &a, "f", true), enoent);
        // Absolute paths ignore the base.
        EXPECT_OK(vfs_stat(context, &a, view(scratch.absolute("plain")), true));
        // A base that is not a directory: ENOTDIR for any relative path.
        EXPECT_ERRNO(vfs_stat(context, &plain, "x", true), enotdir);
        EXPECT_ERRNO(vfs_stat(context, &plain, ".", true), enotdir);
        EXPECT_ERRNO(vfs_stat(context, &a, "", true), enoent);
        // The working directory is the default base.
        VfsContext inside = context;
        EXPECT_OK(vfs_chdir(inside, nullptr, "a/b"));
        EXPECT_EQ(stat_of(inside, "f").size, 1u);
        EXPECT_OK(vfs_chdir(inside, nullptr, ".."));
        EXPECT_EQ(stat_of(inside, "b/f").size, 1u);
        EXPECT_ERRNO(vfs_chdir(inside, nullptr, "b/f"), enotdir);
        EXPECT_ERRNO(vfs_chdir(inside, nullptr, "missing"), enoent);
    });
}

TEST(VfsPaths, DotDotAtTheRootStaysAtTheRoot) {
    run_in_kernel([] {
        VfsContext context = VfsContext::for_kernel();
        FileStat root = stat_of(context, "/");
        for (const char* path : {"/..", "/../..", "..", "/tmp/../..", "/../tmp/../../."}) {
            FileStat found = stat_of(context, path);
            EXPECT_EQ(found.inode, root.inode) << path;
            EXPECT_EQ(found.device, root.device) << path;
        }
        EXPECT_EQ(stat_of(context, "/../tmp").inode, stat_of(context, "/tmp").inode);
    });
}

TEST(VfsPaths, AContextRootActsAsChroot) {
    run_in_kernel([] {
        Scratch scratch("chroot");
        make_directory(scratch.context, "jail");
        make_directory(scratch.context, "jail/etc");
        make_file(scratch.context, "jail/etc/passwd", "jailed");
        make_file(scratch.context, "outside", "free");
        EXPECT_OK(vfs_symlink(scratch.context, "/etc/passwd", nullptr, "jail/absolute"));
        EXPECT_OK(vfs_symlink(scratch.context, "../../../../outside", nullptr, "jail/escape"));

        VfsContext jailed = scratch.context;
        jailed.root = path_of(scratch.context, "jail");
        jailed.cwd = jailed.root;
        EXPECT_EQ(file_content(jailed, "/etc/passwd"), "jailed");
        EXPECT_EQ(file_content(jailed, "absolute"), "jailed");  // absolute targets start at the root
        EXPECT_ERRNO(vfs_stat(jailed, nullptr, "escape", true), enoent);
        FileStat root = stat_of(jailed, "/");
        EXPECT_EQ(stat_of(jailed, "..").inode, root.inode);
        EXPECT_EQ(stat_of(jailed, "/../../..").inode, root.inode);
        EXPECT_EQ(stat_of(jailed, "etc/../../etc/..").inode, root.inode);
        EXPECT_ERRNO(vfs_stat(jailed, nullptr, "/outside", true), enoent);
        EXPECT_ERRNO(vfs_rmdir(jailed, nullptr, "/"), ebusy);
        // absolute_path (getcwd) names paths from the context root.
        char buffer[256];
        jailed.cwd = path_of(jailed, "/etc");
        auto length = absolute_path(jailed.cwd, jailed.root, buffer, sizeof buffer);
        ASSERT_OK(length);
        EXPECT_STREQ(buffer, "/etc");
        length = absolute_path(jailed.root, jailed.root, buffer, sizeof buffer);
        ASSERT_OK(length);
        EXPECT_STREQ(buffer, "/");
        length = absolute_path(jailed.cwd, scratch.context.root, buffer, sizeof buffer);
        ASSERT_OK(length);
        EXPECT_EQ(std::string(buffer), scratch.path + "/jail/etc");
        EXPECT_ERRNO(absolute_path(jailed.cwd, scratch.context.root, buffer, 8), enametoolong);
    });
}

TEST(VfsPaths, DotDotAtAMountRootGoesToTheMountPointsParent) {
    run_in_kernel([] {
        Scratch scratch("dotdot-mount");
        make_directory(scratch.context, "mnt");
        make_file(scratch.context, "beside", "b");
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "test", nullptr, "mnt", ""));
        make_directory(scratch.context, "mnt/inner");
        FileStat mount_root = stat_of(scratch.context, "mnt");
        FileStat scratch_directory = stat_of(scratch.context, ".");
        EXPECT_NE(mount_root.device, scratch_directory.device);
        FileStat up = stat_of(scratch.context, "mnt/..");
        EXPECT_EQ(up.inode, scratch_directory.inode);
        EXPECT_EQ(up.device, scratch_directory.device);
        EXPECT_EQ(file_content(scratch.context, "mnt/../beside"), "b");
        EXPECT_EQ(file_content(scratch.context, "mnt/inner/../../beside"), "b");
        VfsContext inside = scratch.context;
        ASSERT_OK(vfs_chdir(inside, nullptr, "mnt/inner"));
        EXPECT_EQ(file_content(inside, "../../beside"), "b");
        inside.cwd = {};
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "mnt"));
    });
}

TEST(VfsPaths, DotDotLandingOnAMountPointEntersTheMount) {
    run_in_kernel([] {
        // Linux's ".." ends on the top mount of the directory it reaches (step_into ->
        // handle_mounts), e.g. from a directory that something was mounted over later.
        Scratch scratch("dotdot-covered");
        make_directory(scratch.context, "covered");
        make_directory(scratch.context, "covered/sub");
        VfsContext inside = scratch.context;
        ASSERT_OK(vfs_chdir(inside, nullptr, "covered/sub"));
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "test", nullptr, "covered", ""));
        make_file(scratch.context, "covered/on-top", "top");
        FileStat mounted = stat_of(scratch.context, "covered");
        FileStat up = stat_of(inside, "..");
        EXPECT_EQ(up.device, mounted.device);
        EXPECT_EQ(up.inode, mounted.inode);
        EXPECT_EQ(file_content(inside, "../on-top"), "top");
        inside.cwd = {};
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "covered"));
    });
}

TEST(VfsPaths, SearchPermissionIsNeededOnEveryDirectoryWalked) {
    run_in_kernel([] {
        Scratch scratch("search");
        make_directory(scratch.context, "open", 0755);
        make_directory(scratch.context, "open/closed", 0700);
        make_file(scratch.context, "open/closed/f", "secret", 0644);
        make_directory(scratch.context, "open/closed/deeper", 0777);
        make_directory(scratch.context, "readonly", 0644);  // readable, not searchable
        make_file(scratch.context, "readonly/f");
        VfsContext user = scratch.as_user(1000, 1000);
        EXPECT_OK(vfs_stat(user, nullptr, "open", true));
        EXPECT_OK(vfs_stat(user, nullptr, "open/closed", true));  // stat needs search on "open" only
        EXPECT_ERRNO(vfs_stat(user, nullptr, "open/closed/f", true), eacces);
        EXPECT_ERRNO(vfs_stat(user, nullptr, "open/closed/missing", true), eacces);
        EXPECT_ERRNO(vfs_stat(user, nullptr, view("open/closed/" + std::string(300, 'n')), true), eacces);
        EXPECT_ERRNO(vfs_stat(user, nullptr, "open/closed/deeper/..", true), eacces);
        EXPECT_ERRNO(vfs_open(user, nullptr, "open/closed/f", abi::o_rdonly, 0), eacces);
        EXPECT_ERRNO(vfs_mkdir(user, nullptr, "open/closed/deeper/new", 0755), eacces);
        EXPECT_ERRNO(vfs_stat(user, nullptr, "readonly/f", true), eacces);
        EXPECT_ERRNO(vfs_chdir(user, nullptr, "open/closed"), eacces);
        EXPECT_ERRNO(vfs_chdir(user, nullptr, "readonly"), eacces);
        // The superuser searches any directory, even one with no execute bit at all.
        EXPECT_OK(vfs_stat(scratch.context, nullptr, "readonly/f", true));
        // The owner class applies to the owner even when "other" would allow more.
        make_directory(scratch.context, "owner-blocked", 0007);
        make_file(scratch.context, "owner-blocked/f");
        EXPECT_OK(vfs_chown(scratch.context, nullptr, "owner-blocked", 1000, 1000, true));
        EXPECT_ERRNO(vfs_stat(user, nullptr, "owner-blocked/f", true), eacces);
        EXPECT_OK(vfs_stat(scratch.as_user(1001, 1001), nullptr, "owner-blocked/f", true));
        EXPECT_ERRNO(vfs_stat(scratch.as_user(1001, 1000), nullptr, "owner-blocked/f", true), eacces);  // group class
    });
}

}  // namespace
