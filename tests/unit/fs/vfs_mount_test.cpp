// mount/umount through the VFS: targets, busy mounts, stacking, what crosses mount
// boundaries (EXDEV, EBUSY), and that an unmounted tmpfs gives all its memory back.
#include "vfs_support.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

TEST(VfsMount, TargetsMustBeExistingDirectories) {
    run_in_kernel([] {
        Scratch scratch("mount-targets");
        make_file(scratch.context, "file");
        make_directory(scratch.context, "dir");
        EXPECT_OK(vfs_symlink(scratch.context, "dir", nullptr, "link"));
        EXPECT_ERRNO(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "file", ""), enotdir);
        EXPECT_ERRNO(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "missing", ""), enoent);
        EXPECT_ERRNO(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "file/", ""), enotdir);
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "link", ""));  // follows the link
        make_file(scratch.context, "dir/on-the-mount");
        EXPECT_EQ(sorted_names(scratch.context, "link"), std::vector<std::string> {"on-the-mount"});
        EXPECT_NE(stat_of(scratch.context, "dir").device, stat_of(scratch.context, ".").device);
        bool listed = false;
        for_each_mount([&](const Mount& mount) { listed |= mount.source() == StringView("x"); });
        EXPECT_TRUE(listed);
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "link"));
        EXPECT_EQ(sorted_names(scratch.context, "dir"), std::vector<std::string> {});
    });
}

TEST(VfsMount, UmountOfSomethingThatIsNotAMountIsEINVAL) {
    run_in_kernel([] {
        Scratch scratch("umount-einval");
        make_directory(scratch.context, "d");
        make_directory(scratch.context, "m");
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", ""));
        make_directory(scratch.context, "m/sub");
        EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "d"), einval);
        EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "m/sub"), einval);
        EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "missing"), enoent);
        EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "/"), ebusy);  // the root stays
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m/sub/.."));
        EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "m"), einval);
    });
}

TEST(VfsMount, UmountIsBusyWhileSomethingUsesTheMount) {
    run_in_kernel([] {
        Scratch scratch("umount-busy");
        make_directory(scratch.context, "m");
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", ""));
        make_directory(scratch.context, "m/d");
        make_file(scratch.context, "m/f", "x");
        {
            RefPtr<OpenFile> file = open_file(scratch.context, "m/f", abi::o_rdonly);
            EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "m"), ebusy);
        }
        {
            VfsContext inside = scratch.context;
            ASSERT_OK(vfs_chdir(inside, nullptr, "m/d"));
            EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "m"), ebusy);
            EXPECT_ERRNO(vfs_umount(inside, nullptr, ".."), ebusy);
        }
        {
            VfsContext jailed = scratch.context;
            jailed.root = path_of(scratch.context, "m");
            EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "m"), ebusy);
        }
        {
            Path held = path_of(scratch.context, "m/d");
            EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "m"), ebusy);
        }
        // Something mounted below it.
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "y", nullptr, "m/d", ""));
        EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "m"), ebusy);
        EXPECT_ERRNO(vfs_rmdir(scratch.context, nullptr, "m/d"), ebusy);
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m/d"));
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
        EXPECT_ERRNO(vfs_stat(scratch.context, nullptr, "m/f", true), enoent);
    });
}

TEST(VfsMount, StackedMountsShowTheTopOneAndUnmountInOrder) {
    run_in_kernel([] {
        Scratch scratch("stacked");
        make_directory(scratch.context, "m");
        make_file(scratch.context, "m/underneath", "0");
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "first", nullptr, "m", ""));
        make_file(scratch.context, "m/first", "1");
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "second", nullptr, "m", ""));
        make_file(scratch.context, "m/second", "2");
        EXPECT_EQ(sorted_names(scratch.context, "m"), std::vector<std::string> {"second"});
        EXPECT_EQ(stat_of(scratch.context, "m/..").inode, stat_of(scratch.context, ".").inode);
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
        EXPECT_EQ(sorted_names(scratch.context, "m"), std::vector<std::string> {"first"});
        EXPECT_EQ(file_content(scratch.context, "m/first"), "1");
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
        EXPECT_EQ(sorted_names(scratch.context, "m"), std::vector<std::string> {"underneath"});
        EXPECT_ERRNO(vfs_umount(scratch.context, nullptr, "m"), einval);
    });
}

TEST(VfsMount, MountPointsCannotBeRemovedAndLinksCannotCrossMounts) {
    run_in_kernel([] {
        Scratch scratch("mount-boundaries");
        make_directory(scratch.context, "m");
        make_file(scratch.context, "f", "outside");
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", ""));
        make_file(scratch.context, "m/g", "inside");
        EXPECT_ERRNO(vfs_rmdir(scratch.context, nullptr, "m"), ebusy);
        EXPECT_ERRNO(vfs_rmdir(scratch.context, nullptr, "m/"), ebusy);
        EXPECT_ERRNO(vfs_unlink(scratch.context, nullptr, "m"), eisdir);
        EXPECT_ERRNO(vfs_link(scratch.context, nullptr, "f", nullptr, "m/f", false), exdev);
        EXPECT_ERRNO(vfs_link(scratch.context, nullptr, "m/g", nullptr, "g", false), exdev);
        make_directory(scratch.context, "dir");
        EXPECT_ERRNO(vfs_link(scratch.context, nullptr, "dir", nullptr, "m/dir", false), exdev);  // before EPERM
        EXPECT_OK(vfs_link(scratch.context, nullptr, "m/g", nullptr, "m/g2", false));
        EXPECT_OK(vfs_symlink(scratch.context, "../f", nullptr, "m/to-outside"));  // symlinks may point anywhere
        EXPECT_EQ(file_content(scratch.context, "m/to-outside"), "outside");
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
        EXPECT_OK(vfs_rmdir(scratch.context, nullptr, "m"));
    });
}

TEST(VfsMount, AnUnmountedTmpfsGivesItsMemoryBack) {
    run_in_kernel([] {
        Scratch scratch("mount-leak");
        make_directory(scratch.context, "m");
        // Warm up: the first mount and lookups allocate lasting things (caches, the names).
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", "size=1m"));
        make_file(scratch.context, "m/warm", "x");
        ASSERT_OK(vfs_umount(scratch.context, nullptr, "m"));
        MemorySnapshot before = memory_snapshot();
        for (int round = 0; round < 3; ++round) {
            ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", "size=1m"));
            make_directory(scratch.context, "m/a");
            make_directory(scratch.context, "m/a/b");
            make_file(scratch.context, "m/a/b/f", std::string(3 * 4096 + 1, 'f'));
            make_file(scratch.context, "m/g", "g");
            EXPECT_OK(vfs_link(scratch.context, nullptr, "m/g", nullptr, "m/a/g", false));
            EXPECT_OK(vfs_symlink(scratch.context, "a/b/f", nullptr, "m/s"));
            EXPECT_EQ(file_content(scratch.context, "m/s").size(), 3 * 4096 + 1u);  // cache the dentries
            ASSERT_OK(vfs_umount(scratch.context, nullptr, "m"));
        }
        EXPECT_TRUE(memory_returns_to(before));
    });
}

}  // namespace
