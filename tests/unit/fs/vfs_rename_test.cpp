// rename(2)/renameat2(2): every rule of the man page, against the host's Linux where the
// host can check it, plus the dentry cache staying in step with the file system.
#include "differential.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

TEST(VfsRename, FilesMoveAndReplaceAtomically) {
    run_in_kernel([] {
        Differential fs("rename-files");
        int a, b;
        EXPECT_EQ(fs.open("a", abi::o_creat | abi::o_rdwr, 0644, &a), "OK");
        EXPECT_EQ(fs.write(a, "contents of a"), "OK");
        EXPECT_EQ(fs.open("b", abi::o_creat | abi::o_rdwr, 0600, &b), "OK");
        EXPECT_EQ(fs.write(b, "contents of b"), "OK");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.rename("a", "c"), "OK");
        EXPECT_EQ(fs.stat("a"), "ENOENT");
        EXPECT_EQ(fs.stat("c"), "OK");
        EXPECT_EQ(fs.rename("c", "b"), "OK");  // replaces b
        EXPECT_EQ(fs.stat("b"), "OK");
        EXPECT_EQ(fs.fstat(b), "OK");  // the replaced file lives on with nlink 0
        EXPECT_EQ(fs.pread(b, 0, 100), "OK");
        EXPECT_EQ(fs.rename("b", "d/b"), "OK");
        EXPECT_EQ(fs.rename("d/b", "d/b"), "OK");
        EXPECT_EQ(fs.rename("missing", "x"), "ENOENT");
        EXPECT_EQ(fs.rename("d/b", "missing/x"), "ENOENT");
        EXPECT_EQ(fs.rename("d/b", "d/b/"), "ENOTDIR");
        EXPECT_EQ(fs.rename("d/b/", "x"), "ENOTDIR");
        EXPECT_EQ(fs.rename("d/b", "newname/"), "ENOTDIR");
        EXPECT_EQ(fs.fstat(a), "OK");
        EXPECT_EQ(fs.readdir("d"), "OK");
        fs.expect_same_tree();
    });
}

TEST(VfsRename, HardLinksToTheSameInodeAreANoOp) {
    run_in_kernel([] {
        Differential fs("rename-same");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.link("f", "g"), "OK");
        EXPECT_EQ(fs.rename("f", "g"), "OK");  // both names stay
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.stat("g"), "OK");
        EXPECT_EQ(fs.rename("f", "g", abi::rename_noreplace), "EEXIST");
        EXPECT_EQ(fs.rename("f", "f", abi::rename_noreplace), "EEXIST");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.rename("d", "d"), "OK");
        EXPECT_EQ(fs.rename("d", "d/"), "OK");
        EXPECT_EQ(fs.rename("d", "./d"), "OK");
        fs.expect_same_tree();
    });
}

TEST(VfsRename, DirectoryRules) {
    run_in_kernel([] {
        Differential fs("rename-dirs");
        EXPECT_EQ(fs.mkdir("a"), "OK");
        EXPECT_EQ(fs.mkdir("a/sub"), "OK");
        EXPECT_EQ(fs.mkdir("a/sub/deeper"), "OK");
        EXPECT_EQ(fs.mkdir("empty"), "OK");
        EXPECT_EQ(fs.mkdir("full"), "OK");
        EXPECT_EQ(fs.open("full/f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.open("file", abi::o_creat | abi::o_wronly), "OK");
        // Into its own subtree.
        EXPECT_EQ(fs.rename("a", "a/sub/x"), "EINVAL");
        EXPECT_EQ(fs.rename("a", "a/x"), "EINVAL");
        EXPECT_EQ(fs.rename("a", "a/sub"), "EINVAL");
        EXPECT_EQ(fs.rename("a", "a/sub/deeper"), "EINVAL");
        // Over one of its ancestors.
        EXPECT_EQ(fs.rename("a/sub", "a"), "ENOTEMPTY");
        EXPECT_EQ(fs.rename("a/sub/deeper", "a"), "ENOTEMPTY");
        EXPECT_EQ(fs.rename("full/f", "full"), "ENOTEMPTY");
        // Type mismatches.
        EXPECT_EQ(fs.rename("a", "file"), "ENOTDIR");
        EXPECT_EQ(fs.rename("file", "empty"), "EISDIR");
        EXPECT_EQ(fs.rename("file", "empty/"), "ENOTDIR");  // a trailing slash needs a directory source
        // Over directories: only empty ones.
        EXPECT_EQ(fs.rename("a", "full"), "ENOTEMPTY");
        EXPECT_EQ(fs.rename("a", "empty"), "OK");
        EXPECT_EQ(fs.stat("a"), "ENOENT");
        EXPECT_EQ(fs.stat("empty/sub/deeper"), "OK");
        EXPECT_EQ(fs.rename("empty/", "a/"), "OK");
        // "." and ".." cannot be renamed or replaced.
        EXPECT_EQ(fs.rename(".", "x"), "EBUSY");
        EXPECT_EQ(fs.rename("a/.", "x"), "EBUSY");
        EXPECT_EQ(fs.rename("a/..", "x"), "EBUSY");
        EXPECT_EQ(fs.rename("file", "."), "EBUSY");
        EXPECT_EQ(fs.rename("file", "a/.."), "EBUSY");
        EXPECT_EQ(fs.rename("file", ".", abi::rename_noreplace), "EEXIST");
        fs.expect_same_tree();
    });
}

TEST(VfsRename, MovingADirectoryUpdatesDotDotAndLinkCounts) {
    run_in_kernel([] {
        Differential fs("rename-dotdot");
        EXPECT_EQ(fs.mkdir("from"), "OK");
        EXPECT_EQ(fs.mkdir("to"), "OK");
        EXPECT_EQ(fs.mkdir("from/moving"), "OK");
        EXPECT_EQ(fs.mkdir("from/moving/child"), "OK");
        EXPECT_EQ(fs.mkdir("to/victim"), "OK");
        EXPECT_EQ(fs.stat("from"), "OK");
        EXPECT_EQ(fs.stat("to"), "OK");
        EXPECT_EQ(fs.rename("from/moving", "to/moved"), "OK");
        EXPECT_EQ(fs.stat("from"), "OK");  // one link fewer
        EXPECT_EQ(fs.stat("to"), "OK");    // one more
        EXPECT_EQ(fs.stat("to/moved/.."), "OK");
        EXPECT_EQ(fs.stat("to/moved/child/../.."), "OK");
        EXPECT_EQ(fs.rename("to/moved", "to/victim"), "OK");  // over an empty directory
        EXPECT_EQ(fs.stat("to"), "OK");
        EXPECT_EQ(fs.rename("to/victim", "from/back"), "OK");
        EXPECT_EQ(fs.stat("from"), "OK");
        EXPECT_EQ(fs.stat("to"), "OK");
        EXPECT_EQ(fs.readdir("from/back"), "OK");
        fs.expect_same_tree();

        // Newt: ".." of the moved directory is its new parent, in readdir and lookups.
        const VfsContext& context = fs.newt().context;
        u64 from = stat_of(context, "from").inode;
        for (const ListedEntry& entry : list_directory(context, "from/back"))
            if (entry.name == "..") {
                EXPECT_EQ(entry.inode, from);
            }
        EXPECT_EQ(stat_of(context, "from/back/child/../..").inode, from);
    });
}

TEST(VfsRename, NoReplaceAndUnknownFlags) {
    run_in_kernel([] {
        Differential fs("rename-flags");
        EXPECT_EQ(fs.open("a", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.open("b", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.symlink("missing", "dangling"), "OK");
        EXPECT_EQ(fs.rename("a", "b", abi::rename_noreplace), "EEXIST");
        EXPECT_EQ(fs.rename("a", "dangling", abi::rename_noreplace), "EEXIST");
        EXPECT_EQ(fs.rename("a", "c", abi::rename_noreplace), "OK");
        EXPECT_EQ(fs.rename("c", "a", 8), "EINVAL");
        EXPECT_EQ(fs.rename("c", "a", abi::rename_noreplace | abi::rename_exchange), "EINVAL");
        EXPECT_EQ(fs.rename("missing", "b", abi::rename_noreplace), "ENOENT");
        fs.expect_same_tree();
    });
}

TEST(VfsRename, SymlinksAreRenamedNotFollowed) {
    run_in_kernel([] {
        Differential fs("rename-links");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.symlink("d", "to_d"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.rename("to_d", "link"), "OK");
        EXPECT_EQ(fs.stat("link", false), "OK");
        EXPECT_EQ(fs.rename("link/", "x"), "ENOTDIR");
        EXPECT_EQ(fs.rename("f", "link"), "OK");  // replaces the link, not the directory
        EXPECT_EQ(fs.stat("d"), "OK");
        EXPECT_EQ(fs.symlink("d", "to_d"), "OK");
        EXPECT_EQ(fs.rename("to_d/", "d2"), "ENOTDIR");
        EXPECT_EQ(fs.rename("d", "to_d"), "ENOTDIR");
        fs.expect_same_tree();
    });
}

TEST(VfsRename, AcrossMountsIsEXDEVAndMountPointsAreBusy) {
    run_in_kernel([] {
        Scratch scratch("rename-mounts");
        make_directory(scratch.context, "mnt");
        make_directory(scratch.context, "other");
        make_file(scratch.context, "f");
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "test", nullptr, "mnt", ""));
        make_file(scratch.context, "mnt/inside");
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "f", nullptr, "mnt/f", 0), exdev);
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "mnt/inside", nullptr, "g", 0), exdev);
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "mnt/.", nullptr, "x", 0), exdev);  // EXDEV first
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "mnt", nullptr, "moved", 0), ebusy);
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "other", nullptr, "mnt", 0), ebusy);
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "mnt/inside", nullptr, "mnt", 0), exdev);
        EXPECT_OK(vfs_rename(scratch.context, nullptr, "mnt/inside", nullptr, "mnt/renamed", 0));
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "mnt"));
        EXPECT_OK(vfs_rename(scratch.context, nullptr, "mnt", nullptr, "moved", 0));
        // The root of the tree is a path without a last component: EBUSY both ways.
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "/", nullptr, "x", 0), ebusy);
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "moved", nullptr, "/", 0), ebusy);
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "moved", nullptr, "/", abi::rename_noreplace), eexist);
    });
}

TEST(VfsRename, TheDentryCacheFollowsRenames) {
    run_in_kernel([] {
        Scratch scratch("rename-cache");
        make_directory(scratch.context, "a");
        make_directory(scratch.context, "a/b");
        make_file(scratch.context, "a/b/f", "deep");
        make_file(scratch.context, "x", "x");
        make_file(scratch.context, "y", "y");
        // Cache everything, then move things around and look again.
        EXPECT_EQ(file_content(scratch.context, "a/b/f"), "deep");
        EXPECT_EQ(file_content(scratch.context, "x"), "x");
        EXPECT_EQ(file_content(scratch.context, "y"), "y");
        VfsContext in_b = scratch.context;
        ASSERT_OK(vfs_chdir(in_b, nullptr, "a/b"));
        ASSERT_OK(vfs_rename(scratch.context, nullptr, "a", nullptr, "z", 0));
        EXPECT_ERRNO(vfs_stat(scratch.context, nullptr, "a/b/f", true), enoent);
        EXPECT_EQ(file_content(scratch.context, "z/b/f"), "deep");
        EXPECT_EQ(file_content(in_b, "f"), "deep");
        EXPECT_EQ(stat_of(in_b, "../..").inode, stat_of(scratch.context, ".").inode);
        char buffer[256];
        ASSERT_OK(absolute_path(in_b.cwd, in_b.root, buffer, sizeof buffer));
        EXPECT_EQ(std::string(buffer), scratch.path + "/z/b");
        ASSERT_OK(vfs_rename(scratch.context, nullptr, "x", nullptr, "y", 0));
        EXPECT_EQ(file_content(scratch.context, "y"), "x");
        EXPECT_ERRNO(vfs_stat(scratch.context, nullptr, "x", true), enoent);
        ASSERT_OK(vfs_rename(scratch.context, nullptr, "z/b/f", nullptr, "f", 0));
        EXPECT_EQ(file_content(scratch.context, "f"), "deep");
        EXPECT_ERRNO(vfs_stat(in_b, nullptr, "f", true), enoent);
        EXPECT_EQ(sorted_names(scratch.context, "."), (std::vector<std::string> {"f", "y", "z"}));
    });
}

}  // namespace
