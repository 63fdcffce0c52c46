// Namespace operations (vfs.cpp, tmpfs.cpp): mkdir, rmdir, unlink, link, symlink, mknod,
// open with O_CREAT, link counts and directory sizes, files unlinked while open,
// chmod/chown/utimens and the timestamps they and writes change. The superuser's view is
// checked against the host's Linux; the unprivileged rules are in vfs_permissions_test.cpp.
#include "differential.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

TEST(VfsNamespace, MkdirAndRmdirErrors) {
    run_in_kernel([] {
        Differential fs("mkdir");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.mkdir("d"), "EEXIST");
        EXPECT_EQ(fs.mkdir("d/"), "EEXIST");
        EXPECT_EQ(fs.mkdir("new/"), "OK");
        EXPECT_EQ(fs.mkdir("x/y"), "ENOENT");
        EXPECT_EQ(fs.mkdir("."), "EEXIST");
        EXPECT_EQ(fs.mkdir(".."), "EEXIST");
        EXPECT_EQ(fs.mkdir("d/.."), "EEXIST");
        EXPECT_EQ(fs.mkdir("/"), "EEXIST");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.mkdir("f"), "EEXIST");
        EXPECT_EQ(fs.mkdir("d/e"), "OK");
        EXPECT_EQ(fs.rmdir("d"), "ENOTEMPTY");
        EXPECT_EQ(fs.rmdir("d/e/."), "EINVAL");
        EXPECT_EQ(fs.rmdir("."), "EINVAL");
        EXPECT_EQ(fs.rmdir("d/e/.."), "ENOTEMPTY");
        EXPECT_EQ(fs.rmdir("f"), "ENOTDIR");
        EXPECT_EQ(fs.rmdir("f/"), "ENOTDIR");
        EXPECT_EQ(fs.rmdir("missing"), "ENOENT");
        EXPECT_EQ(fs.rmdir("d/e/"), "OK");
        EXPECT_EQ(fs.stat("d"), "OK");
        EXPECT_EQ(fs.rmdir("d"), "OK");
        EXPECT_EQ(fs.stat("d"), "ENOENT");
        EXPECT_EQ(fs.mkdir("modes", 07777), "OK");  // set-id bits are not taken, sticky is
        EXPECT_EQ(fs.stat("modes"), "OK");
        fs.expect_same_tree();
    });
}

TEST(VfsNamespace, UnlinkErrors) {
    run_in_kernel([] {
        Differential fs("unlink");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.unlink("d"), "EISDIR");
        EXPECT_EQ(fs.unlink("d/"), "EISDIR");
        EXPECT_EQ(fs.unlink("."), "EISDIR");
        EXPECT_EQ(fs.unlink(".."), "EISDIR");
        EXPECT_EQ(fs.unlink("/"), "EISDIR");
        EXPECT_EQ(fs.unlink("f/"), "ENOTDIR");
        EXPECT_EQ(fs.unlink("missing"), "ENOENT");
        EXPECT_EQ(fs.unlink("missing/"), "ENOENT");
        EXPECT_EQ(fs.unlink("f"), "OK");
        EXPECT_EQ(fs.unlink("f"), "ENOENT");
        EXPECT_EQ(fs.symlink("d", "link"), "OK");
        EXPECT_EQ(fs.unlink("link"), "OK");  // the link, not the directory
        EXPECT_EQ(fs.stat("d"), "OK");
        fs.expect_same_tree();
    });
}

TEST(VfsNamespace, OpenCreateRules) {
    run_in_kernel([] {
        Differential fs("creat");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly, 0640), "OK");
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_excl | abi::o_wronly), "EEXIST");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.open("d", abi::o_creat | abi::o_rdonly), "EISDIR");
        EXPECT_EQ(fs.open("d", abi::o_creat | abi::o_excl | abi::o_rdonly), "EEXIST");
        EXPECT_EQ(fs.open("d", abi::o_wronly), "EISDIR");
        EXPECT_EQ(fs.open("d", abi::o_rdwr), "EISDIR");
        EXPECT_EQ(fs.open("d", abi::o_rdonly), "OK");
        EXPECT_EQ(fs.open("d", abi::o_rdonly | abi::o_trunc), "EISDIR");
        EXPECT_EQ(fs.open("d/", abi::o_creat | abi::o_rdonly), "EISDIR");
        EXPECT_EQ(fs.open("f/", abi::o_creat | abi::o_rdonly), "EISDIR");
        EXPECT_EQ(fs.open("new/", abi::o_creat | abi::o_rdonly), "EISDIR");
        EXPECT_EQ(fs.open(".", abi::o_creat | abi::o_rdonly), "EISDIR");
        EXPECT_EQ(fs.open("..", abi::o_creat | abi::o_rdonly), "EISDIR");
        EXPECT_EQ(fs.open("missing", abi::o_rdonly), "ENOENT");
        EXPECT_EQ(fs.open("missing/f", abi::o_creat | abi::o_rdonly), "ENOENT");
        EXPECT_EQ(fs.open("modes", abi::o_creat | abi::o_wronly, 07777), "OK");  // umask 022 applies
        EXPECT_EQ(fs.stat("modes"), "OK");
        // Creating through a dangling symlink creates its target.
        EXPECT_EQ(fs.symlink("target", "dangling"), "OK");
        EXPECT_EQ(fs.symlink("d/deep", "dangling_in_d"), "OK");
        EXPECT_EQ(fs.symlink("/d/absolute", "dangling_absolute"), "OK");
        EXPECT_EQ(fs.symlink("missing_dir/x", "dangling_nowhere"), "OK");
        EXPECT_EQ(fs.symlink("nonexistent/", "dangling_slash"), "OK");
        EXPECT_EQ(fs.open("dangling", abi::o_creat | abi::o_excl | abi::o_wronly), "EEXIST");
        EXPECT_EQ(fs.open("dangling", abi::o_creat | abi::o_nofollow | abi::o_wronly), "ELOOP");
        EXPECT_EQ(fs.open("dangling", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.open("dangling_in_d", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.open("dangling_absolute", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.open("dangling_nowhere", abi::o_creat | abi::o_wronly), "ENOENT");
        EXPECT_EQ(fs.open("dangling_slash", abi::o_creat | abi::o_wronly), "EISDIR");
        EXPECT_EQ(fs.stat("target"), "OK");
        EXPECT_EQ(fs.stat("d/deep"), "OK");
        EXPECT_EQ(fs.stat("d/absolute"), "OK");
        // O_NOFOLLOW: ELOOP on a symlink, unless O_PATH.
        EXPECT_EQ(fs.open("dangling", abi::o_rdonly | abi::o_nofollow), "ELOOP");
        EXPECT_EQ(fs.open("dangling", abi::o_path | abi::o_nofollow), "OK");
        EXPECT_EQ(fs.open("missing", abi::o_path), "ENOENT");
        // O_DIRECTORY with O_NOFOLLOW on a link to a directory: not a directory.
        EXPECT_EQ(fs.symlink("d", "to_d"), "OK");
        EXPECT_EQ(fs.open("to_d", abi::o_rdonly | abi::o_directory), "OK");
        EXPECT_EQ(fs.open("to_d", abi::o_rdonly | abi::o_directory | abi::o_nofollow), "ENOTDIR");
        EXPECT_EQ(fs.open("to_d", abi::o_rdonly | abi::o_nofollow), "ELOOP");
        fs.expect_same_tree();
    });
}

TEST(VfsNamespace, OpenWithOCreatAndODirectoryIsEINVAL) {
    run_in_kernel([] {
        // Linux 6.4 and later (commit 43b450632676, "open: return EINVAL for O_DIRECTORY |
        // O_CREAT"): refused before anything is created.
        Scratch scratch("creat-directory");
        EXPECT_ERRNO(vfs_open(scratch.context, nullptr, "new", abi::o_creat | abi::o_directory, 0644), einval);
        EXPECT_ERRNO(vfs_stat(scratch.context, nullptr, "new", true), enoent);
        make_directory(scratch.context, "d");
        EXPECT_ERRNO(vfs_open(scratch.context, nullptr, "d", abi::o_creat | abi::o_directory, 0644), einval);
    });
}

TEST(VfsNamespace, OpenWithOTruncTruncatesEvenReadOnly) {
    run_in_kernel([] {
        Differential fs("trunc");
        int file;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly, 0644, &file), "OK");
        EXPECT_EQ(fs.write(file, "some content"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_rdonly | abi::o_trunc), "OK");  // Linux truncates here too
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.write(file, "more"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_wronly | abi::o_trunc), "OK");
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.write(file, "x"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_excl | abi::o_trunc | abi::o_wronly), "EEXIST");
        EXPECT_EQ(fs.stat("f"), "OK");
        fs.expect_same_time_changes("f", "O_TRUNC", [&] { fs.open("f", abi::o_wronly | abi::o_trunc); });
    });
}

TEST(VfsNamespace, HardLinksShareTheInodeAndCountLinks) {
    run_in_kernel([] {
        Differential fs("link");
        int file;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly, 0644, &file), "OK");
        EXPECT_EQ(fs.write(file, "shared"), "OK");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.link("f", "g"), "OK");
        EXPECT_EQ(fs.link("f", "d/h"), "OK");
        EXPECT_EQ(fs.stat("f"), "OK");  // nlink 3
        EXPECT_EQ(fs.fstat(file), "OK");
        EXPECT_EQ(fs.link("f", "g"), "EEXIST");
        EXPECT_EQ(fs.link("f", "d"), "EEXIST");
        EXPECT_EQ(fs.link("missing", "x"), "ENOENT");
        EXPECT_EQ(fs.link("f", "missing/x"), "ENOENT");
        EXPECT_EQ(fs.link("f", "new/"), "ENOENT");
        EXPECT_EQ(fs.link("f", "g/"), "EEXIST");
        EXPECT_EQ(fs.link("f", "."), "EEXIST");
        EXPECT_EQ(fs.link("f", ".."), "EEXIST");
        EXPECT_EQ(fs.link("f/", "x"), "ENOTDIR");
        // Directories cannot be linked, but the destination is checked first.
        EXPECT_EQ(fs.link("d", "dir_link"), "EPERM");
        EXPECT_EQ(fs.link("d", "f"), "EEXIST");
        EXPECT_EQ(fs.link("d", "missing/x"), "ENOENT");
        EXPECT_EQ(fs.link(".", "dot_link"), "EPERM");
        // Symlinks: linked themselves, unless AT_SYMLINK_FOLLOW.
        EXPECT_EQ(fs.symlink("f", "s"), "OK");
        EXPECT_EQ(fs.link("s", "s2"), "OK");
        EXPECT_EQ(fs.stat("s", false), "OK");  // the symlink has nlink 2
        EXPECT_EQ(fs.link("s", "f3", true), "OK");
        EXPECT_EQ(fs.stat("f"), "OK");  // nlink 4
        EXPECT_EQ(fs.symlink("missing", "dangling"), "OK");
        EXPECT_EQ(fs.link("dangling", "dangling2"), "OK");
        EXPECT_EQ(fs.link("dangling", "dangling3", true), "ENOENT");
        EXPECT_EQ(fs.unlink("f"), "OK");
        EXPECT_EQ(fs.fstat(file), "OK");  // nlink 3
        EXPECT_EQ(fs.unlink("g"), "OK");
        EXPECT_EQ(fs.unlink("d/h"), "OK");
        EXPECT_EQ(fs.unlink("f3"), "OK");
        EXPECT_EQ(fs.fstat(file), "OK");  // nlink 0, still open
        EXPECT_EQ(fs.write(file, " still writable"), "OK");
        EXPECT_EQ(fs.pread(file, 0, 100), "EBADF");  // write-only
        fs.expect_same_tree();
    });
}

TEST(VfsNamespace, LinkCountsAndDirectorySizes) {
    run_in_kernel([] {
        Differential fs("nlink");
        EXPECT_EQ(fs.stat("."), "OK");  // nlink 2, size 40
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.stat("."), "OK");  // nlink 3, size 60
        EXPECT_EQ(fs.mkdir("d/a"), "OK");
        EXPECT_EQ(fs.mkdir("d/b"), "OK");
        EXPECT_EQ(fs.open("d/f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.symlink("x", "d/s"), "OK");
        EXPECT_EQ(fs.mknod("d/p", abi::s_ififo | 0644), "OK");
        EXPECT_EQ(fs.mknod("d/r", abi::s_ifreg | 0600), "OK");
        EXPECT_EQ(fs.mknod("d/z", 0600), "OK");  // type 0 is a regular file
        EXPECT_EQ(fs.mknod("d/sock", abi::s_ifsock | 0600), "OK");
        EXPECT_EQ(fs.mknod("d/dir", abi::s_ifdir | 0600), "EPERM");
        EXPECT_EQ(fs.mknod("d/bad", 0170000 | 0600), "EINVAL");
        EXPECT_EQ(fs.mknod("d/p", abi::s_ififo | 0644), "EEXIST");
        EXPECT_EQ(fs.mknod("d/new/", abi::s_ififo | 0644), "ENOENT");
        EXPECT_EQ(fs.stat("d"), "OK");  // nlink 4, size 40 + 8 * 20
        EXPECT_EQ(fs.link("d/f", "d/f2"), "OK");
        EXPECT_EQ(fs.stat("d"), "OK");
        EXPECT_EQ(fs.rmdir("d/a"), "OK");
        EXPECT_EQ(fs.unlink("d/s"), "OK");
        EXPECT_EQ(fs.stat("d"), "OK");
        EXPECT_EQ(fs.rename("d/b", "b"), "OK");  // ".." moves: one link from d to "."
        EXPECT_EQ(fs.stat("d"), "OK");
        EXPECT_EQ(fs.stat("."), "OK");
        EXPECT_EQ(fs.readdir("d"), "OK");
        fs.expect_same_tree();
    });
}

TEST(VfsNamespace, ChmodAndChownAsTheSuperuser) {
    run_in_kernel([] {
        Differential fs("chmod");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.symlink("f", "s"), "OK");
        EXPECT_EQ(fs.chmod("f", 0600), "OK");
        EXPECT_EQ(fs.chmod("f", 017777), "OK");  // only the low 12 bits are taken
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.chmod("s", 0640), "OK");  // follows the link
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.stat("s", false), "OK");
        EXPECT_EQ(fs.chmod("missing", 0640), "ENOENT");
        EXPECT_EQ(fs.chmod("d", 03777), "OK");
        EXPECT_EQ(fs.stat("d"), "OK");
        EXPECT_EQ(fs.chown("f", 1000, 1000), "OK");
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.chown("f", u32(-1), 2000), "OK");
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.chown("s", 3000, u32(-1), false), "OK");  // the link itself
        EXPECT_EQ(fs.stat("s", false), "OK");
        EXPECT_EQ(fs.stat("f"), "OK");
        // chown clears set-user-ID, and set-group-ID when group-executable (else it means
        // mandatory locking and stays), even for the superuser and even with -1, -1.
        for (u32 mode : {06755u, 06745u, 04700u, 02710u}) {
            EXPECT_EQ(fs.chmod("f", mode), "OK");
            EXPECT_EQ(fs.chown("f", 0, 0), "OK");
            EXPECT_EQ(fs.stat("f"), "OK");
            EXPECT_EQ(fs.chmod("f", mode), "OK");
            EXPECT_EQ(fs.chown("f", u32(-1), u32(-1)), "OK");
            EXPECT_EQ(fs.stat("f"), "OK");
        }
        // Directories keep their set-id bits.
        EXPECT_EQ(fs.chmod("d", 06755), "OK");
        EXPECT_EQ(fs.chown("d", 0, 0), "OK");
        EXPECT_EQ(fs.stat("d"), "OK");
        fs.expect_same_time_changes("f", "chmod", [&] { fs.chmod("f", 0644); });
        fs.expect_same_time_changes("f", "chown", [&] { fs.chown("f", 0, 0); });
        fs.expect_same_time_changes("f", "chown -1 -1", [&] { fs.chown("f", u32(-1), u32(-1)); });
    });
}

TEST(VfsNamespace, ChmodOfASymlinkItselfIsNotSupported) {
    run_in_kernel([] {
        // fchmodat2(AT_SYMLINK_NOFOLLOW) on a symlink: EOPNOTSUPP (Linux 6.6 notify_change:
        // "Don't allow changing the mode of symlinks").
        Scratch scratch("lchmod");
        make_file(scratch.context, "f");
        EXPECT_OK(vfs_symlink(scratch.context, "f", nullptr, "s"));
        EXPECT_ERRNO(vfs_chmod(scratch.context, nullptr, "s", 0600, false), eopnotsupp);
        EXPECT_EQ(stat_of(scratch.context, "s", false).mode, abi::s_iflnk | 0777);
        EXPECT_OK(vfs_chmod(scratch.context, nullptr, "f", 0600, false));
        EXPECT_EQ(stat_of(scratch.context, "f").mode, abi::s_ifreg | 0600);
    });
}

TEST(VfsNamespace, TruncateByPath) {
    run_in_kernel([] {
        Differential fs("truncate");
        int file;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_rdwr, 0644, &file), "OK");
        EXPECT_EQ(fs.write(file, "0123456789"), "OK");
        EXPECT_EQ(fs.truncate("f", 4), "OK");
        EXPECT_EQ(fs.pread(file, 0, 20), "OK");
        EXPECT_EQ(fs.truncate("f", 8), "OK");
        EXPECT_EQ(fs.pread(file, 0, 20), "OK");  // zeros after the old end
        EXPECT_EQ(fs.truncate("f", -1), "EINVAL");
        EXPECT_EQ(fs.truncate("missing", 0), "ENOENT");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.truncate("d", 0), "EISDIR");
        EXPECT_EQ(fs.truncate("f/", 0), "ENOTDIR");
        EXPECT_EQ(fs.symlink("f", "s"), "OK");
        EXPECT_EQ(fs.truncate("s", 2), "OK");  // follows
        EXPECT_EQ(fs.stat("f"), "OK");
        EXPECT_EQ(fs.mknod("fifo", abi::s_ififo | 0644), "OK");
        EXPECT_EQ(fs.truncate("fifo", 0), "EINVAL");
        fs.expect_same_time_changes("f", "truncate growing", [&] { fs.truncate("f", 100); });
    });
}

TEST(VfsNamespace, UtimensNowOmitAndExplicitTimes) {
    run_in_kernel([] {
        Differential fs("utimens");
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.utimens("f", utime_now, utime_now), "OK");
        EXPECT_EQ(fs.utimens("f", utime_omit, utime_now), "OK");
        EXPECT_EQ(fs.utimens("f", utime_now, utime_omit), "OK");
        EXPECT_EQ(fs.utimens("f", 123, 456), "OK");
        EXPECT_EQ(fs.utimens("f", 123, utime_omit), "OK");
        EXPECT_EQ(fs.utimens("f", utime_omit, utime_omit), "OK");  // nothing changes, not even ctime
        EXPECT_EQ(fs.utimens("missing", utime_omit, utime_omit), "OK");  // the path is not even looked up
        EXPECT_EQ(fs.utimens("missing", utime_now, utime_omit), "ENOENT");
        EXPECT_EQ(fs.utimens("f", 1'000'000'000, 0), "EINVAL");
        EXPECT_EQ(fs.utimens("f", -1, 0), "EINVAL");
        EXPECT_EQ(fs.utimens("missing", 1'000'000'000, 0), "ENOENT");
    });
}

TEST(VfsNamespace, WritesChangeMtimeAndCtimeReadsNeither) {
    run_in_kernel([] {
        Differential fs("times");
        int file;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_rdwr, 0644, &file), "OK");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        fs.expect_same_time_changes("f", "write", [&] { fs.write(file, "data"); });
        fs.expect_same_time_changes("f", "pwrite", [&] { fs.pwrite(file, 100, "data"); });
        fs.expect_same_time_changes("f", "read", [&] { fs.pread(file, 0, 4); });
        fs.expect_same_time_changes("f", "ftruncate", [&] { fs.ftruncate(file, 2); });
        fs.expect_same_time_changes("f", "link", [&] { fs.link("f", "g"); });
        fs.expect_same_time_changes("f", "unlink of another name", [&] { fs.unlink("g"); });
        EXPECT_EQ(fs.link("f", "h"), "OK");
        fs.expect_same_time_changes("f", "rename of another name", [&] { fs.rename("h", "h2"); });
        fs.expect_same_time_changes(".", "create", [&] { fs.open("new", abi::o_creat | abi::o_wronly); });
        fs.expect_same_time_changes(".", "unlink", [&] { fs.unlink("new"); });
        fs.expect_same_time_changes(".", "mkdir", [&] { fs.mkdir("new"); });
        fs.expect_same_time_changes(".", "rmdir", [&] { fs.rmdir("new"); });
        fs.expect_same_time_changes("d", "rename into it", [&] { fs.rename("h2", "d/h"); });
        fs.expect_same_time_changes(".", "lookup", [&] { fs.stat("d/h"); });
    });
}

TEST(VfsNamespace, AnUnlinkedOpenFileLivesUntilItsLastClose) {
    run_in_kernel([] {
        Scratch scratch("unlinked");
        make_file(scratch.context, "warm-up", "x");  // first-use allocations happen here
        EXPECT_OK(vfs_unlink(scratch.context, nullptr, "warm-up"));
        MemorySnapshot before = memory_snapshot();
        make_file(scratch.context, "f", "still here");
        {
            RefPtr<OpenFile> reader = open_file(scratch.context, "f", abi::o_rdonly);
            RefPtr<OpenFile> writer = open_file(scratch.context, "f", abi::o_wronly | abi::o_append);
            ASSERT_TRUE(reader && writer);
            ASSERT_OK(vfs_unlink(scratch.context, nullptr, "f"));
            EXPECT_ERRNO(vfs_stat(scratch.context, nullptr, "f", true), enoent);
            EXPECT_EQ(reader->stat().link_count, 0u);
            EXPECT_OK(write_text(*writer, ", and more"));
            EXPECT_EQ(read_all(*reader), "still here, and more");
            // Large writes allocate pages that must be freed with the inode.
            std::string big(3 * 4096 + 10, 'b');
            EXPECT_OK(write_text(*writer, big));
            EXPECT_EQ(reader->stat().size, 20u + big.size());
            // A new file may take the name meanwhile.
            make_file(scratch.context, "f", "new");
            EXPECT_EQ(file_content(scratch.context, "f"), "new");
            EXPECT_NE(stat_of(scratch.context, "f").inode, reader->stat().inode);
            EXPECT_OK(vfs_unlink(scratch.context, nullptr, "f"));
        }
        EXPECT_TRUE(memory_returns_to(before));
    });
}

TEST(VfsNamespace, CreationInARemovedDirectoryIsENOENT) {
    run_in_kernel([] {
        Scratch scratch("removed-cwd");
        make_directory(scratch.context, "gone");
        VfsContext inside = scratch.context;
        ASSERT_OK(vfs_chdir(inside, nullptr, "gone"));
        ASSERT_OK(vfs_rmdir(scratch.context, nullptr, "gone"));
        EXPECT_ERRNO(vfs_open(inside, nullptr, "f", abi::o_creat | abi::o_wronly, 0644), enoent);
        EXPECT_ERRNO(vfs_mkdir(inside, nullptr, "d", 0755), enoent);
        EXPECT_ERRNO(vfs_symlink(inside, "x", nullptr, "s"), enoent);
        EXPECT_ERRNO(vfs_mknod(inside, nullptr, "p", abi::s_ififo | 0644, 0), enoent);
        EXPECT_ERRNO(vfs_stat(inside, nullptr, "anything", true), enoent);
        EXPECT_OK(vfs_stat(inside, nullptr, ".", true));
        EXPECT_EQ(stat_of(inside, ".").link_count, 0u);
        EXPECT_EQ(stat_of(inside, "..").inode, stat_of(scratch.context, ".").inode);
        RefPtr<OpenFile> listing = open_file(inside, ".", abi::o_rdonly | abi::o_directory);
        ASSERT_TRUE(listing);
        EXPECT_ERRNO(listing->read_directory([](const DirectoryEntry&) { return true; }), enoent);
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "nothing", &inside.cwd, "x", 0), enoent);
        make_file(scratch.context, "f");
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "f", &inside.cwd, "x", 0), enoent);
        EXPECT_ERRNO(vfs_link(scratch.context, nullptr, "f", &inside.cwd, "x", false), enoent);
        EXPECT_ERRNO(vfs_mount(scratch.context, "tmpfs", "x", &inside.cwd, ".", ""), enoent);
    });
}

TEST(VfsNamespace, MknodOfDevicesNeedsTheSuperuserAfterThePathChecks) {
    run_in_kernel([] {
        Scratch scratch("mknod");
        make_directory(scratch.context, "shared", 0777);
        make_directory(scratch.context, "private", 0755);
        make_file(scratch.context, "shared/exists");
        VfsContext user = scratch.as_user(1000, 1000);
        u64 device = abi::make_device(1, 3);
        EXPECT_OK(vfs_mknod(scratch.context, nullptr, "shared/null", abi::s_ifchr | 0666, device));
        FileStat stat = stat_of(scratch.context, "shared/null");
        EXPECT_EQ(stat.mode, abi::s_ifchr | 0644u);  // umask 022
        EXPECT_EQ(stat.rdevice, device);
        EXPECT_EQ(stat.size, 0u);
        EXPECT_ERRNO(vfs_mknod(user, nullptr, "shared/mine", abi::s_ifchr | 0666, device), eperm);
        EXPECT_ERRNO(vfs_mknod(user, nullptr, "shared/mine", abi::s_ifblk | 0666, device), eperm);
        // Linux looks the name up and checks the directory first (filename_create, may_create),
        // CAP_MKNOD last (vfs_mknod).
        EXPECT_ERRNO(vfs_mknod(user, nullptr, "shared/exists", abi::s_ifchr | 0666, device), eexist);
        EXPECT_ERRNO(vfs_mknod(user, nullptr, "missing/x", abi::s_ifchr | 0666, device), enoent);
        EXPECT_ERRNO(vfs_mknod(user, nullptr, "private/x", abi::s_ifchr | 0666, device), eacces);
        EXPECT_OK(vfs_mknod(user, nullptr, "shared/fifo", abi::s_ififo | 0666, device));
        EXPECT_EQ(stat_of(scratch.context, "shared/fifo").rdevice, 0u);  // only devices keep it
        EXPECT_EQ(stat_of(scratch.context, "shared/fifo").uid, 1000u);
    });
}

}  // namespace
