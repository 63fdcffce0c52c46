// FileDescriptorTable (lowest free number, EMFILE, dup2-like install_at, close, close-on-exec,
// fork's copy sharing open file descriptions) and OpenFile (access modes, O_PATH, status
// flags, shared offsets).
#include "vfs_support.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

RefPtr<OpenFile> scratch_file(Scratch& scratch, const char* name, int flags = abi::o_rdwr | abi::o_creat) {
    return open_file(scratch.context, name, flags);
}

TEST(VfsDescriptors, NewDescriptorsTakeTheLowestFreeNumber) {
    run_in_kernel([] {
        Scratch scratch("fds");
        RefPtr<OpenFile> file = scratch_file(scratch, "f");
        ASSERT_TRUE(file);
        FileDescriptorTable table;
        for (int expected = 0; expected < 5; ++expected) {
            auto fd = table.allocate(file, false);
            ASSERT_OK(fd);
            EXPECT_EQ(fd.value(), expected);
        }
        EXPECT_OK(table.close(1));
        EXPECT_OK(table.close(3));
        EXPECT_EQ(table.allocate(file, false).value(), 1);
        EXPECT_EQ(table.allocate(file, false).value(), 3);
        EXPECT_EQ(table.allocate(file, false).value(), 5);
        EXPECT_EQ(table.allocate(file, false, 10).value(), 10);  // F_DUPFD with a minimum
        EXPECT_EQ(table.allocate(file, false, 2).value(), 6);
        EXPECT_ERRNO(table.allocate(file, false, -1), einval);
        EXPECT_ERRNO(table.allocate(file, false, 1024), einval);
        EXPECT_EQ(table.count(), 8);
        EXPECT_EQ(file->ref_count(), 9u);  // ours and eight descriptors
    });
}

TEST(VfsDescriptors, TheTableHoldsAtMost1024Descriptors) {
    run_in_kernel([] {
        Scratch scratch("emfile");
        RefPtr<OpenFile> file = scratch_file(scratch, "f");
        ASSERT_TRUE(file);
        MemorySnapshot before = memory_snapshot();
        {
            FileDescriptorTable table;
            for (int fd = 0; fd < 1024; ++fd) ASSERT_EQ(table.allocate(file, false).value(), fd);
            EXPECT_ERRNO(table.allocate(file, false), emfile);
            EXPECT_ERRNO(table.allocate(file, false, 1023), emfile);
            EXPECT_ERRNO(table.install_at(1024, file, false), ebadf);
            EXPECT_OK(table.install_at(1023, file, false));  // replacing is fine
            EXPECT_OK(table.close(500));
            EXPECT_EQ(table.allocate(file, false).value(), 500);
            EXPECT_EQ(table.count(), 1024);
        }
        EXPECT_EQ(file->ref_count(), 1u);
        EXPECT_TRUE(memory_returns_to(before));
    });
}

TEST(VfsDescriptors, InstallAtReplacesAndCloseReportsBadNumbers) {
    run_in_kernel([] {
        Scratch scratch("dup2");
        RefPtr<OpenFile> a = scratch_file(scratch, "a");
        RefPtr<OpenFile> b = scratch_file(scratch, "b");
        ASSERT_TRUE(a && b);
        FileDescriptorTable table;
        EXPECT_EQ(table.allocate(a, false).value(), 0);
        EXPECT_OK(table.install_at(7, b, true));  // dup3(O_CLOEXEC) past the end
        EXPECT_EQ(table.get(7).value(), b);
        EXPECT_TRUE(table.close_on_exec(7).value());
        EXPECT_OK(table.install_at(0, b, false));  // closes what was at 0
        EXPECT_EQ(a->ref_count(), 1u);
        EXPECT_EQ(table.get(0).value(), b);
        EXPECT_OK(table.install_at(0, b, false));  // the same file again: a no-op
        EXPECT_EQ(b->ref_count(), 3u);
        EXPECT_ERRNO(table.install_at(-1, a, false), ebadf);
        EXPECT_ERRNO(table.get(1), ebadf);
        EXPECT_ERRNO(table.get(-1), ebadf);
        EXPECT_ERRNO(table.get(5000), ebadf);
        EXPECT_ERRNO(table.close(1), ebadf);
        EXPECT_ERRNO(table.close(-1), ebadf);
        EXPECT_ERRNO(table.close(100000), ebadf);
        EXPECT_OK(table.close(7));
        EXPECT_ERRNO(table.close(7), ebadf);
        EXPECT_ERRNO(table.close_on_exec(7), ebadf);
        EXPECT_ERRNO(table.set_close_on_exec(7, true), ebadf);
        EXPECT_EQ(table.allocate(a, false).value(), 1);
    });
}

TEST(VfsDescriptors, CloseOnExecClosesOnlyMarkedDescriptors) {
    run_in_kernel([] {
        Scratch scratch("cloexec");
        RefPtr<OpenFile> file = scratch_file(scratch, "f");
        ASSERT_TRUE(file);
        FileDescriptorTable table;
        for (int fd = 0; fd < 40; ++fd) ASSERT_EQ(table.allocate(file, fd % 3 == 0).value(), fd);
        EXPECT_OK(table.set_close_on_exec(1, true));
        EXPECT_OK(table.set_close_on_exec(3, false));
        table.close_on_exec_now();
        for (int fd = 0; fd < 40; ++fd) {
            bool marked = (fd % 3 == 0 && fd != 3) || fd == 1;
            EXPECT_EQ(table.get(fd).has_value(), !marked) << fd;
        }
        EXPECT_EQ(table.count(), 40 - 14);
        EXPECT_EQ(table.allocate(file, false).value(), 0);
    });
}

TEST(VfsDescriptors, ACopiedTableSharesOpenFileDescriptionsAndTheirOffsets) {
    run_in_kernel([] {
        Scratch scratch("fork");
        make_file(scratch.context, "f", "0123456789");
        RefPtr<OpenFile> file = open_file(scratch.context, "f", abi::o_rdonly);
        ASSERT_TRUE(file);
        FileDescriptorTable parent;
        ASSERT_EQ(parent.allocate(file, true).value(), 0);
        ASSERT_OK(parent.install_at(5, file, false));
        FileDescriptorTable child;
        RefPtr<OpenFile> other = scratch_file(scratch, "g");
        ASSERT_EQ(child.allocate(other, false).value(), 0);  // replaced by the copy
        ASSERT_OK(child.copy_from(parent));
        EXPECT_EQ(other->ref_count(), 1u);
        EXPECT_EQ(child.count(), 2);
        EXPECT_TRUE(child.close_on_exec(0).value());
        EXPECT_FALSE(child.close_on_exec(5).value());
        // One description: reading through the child moves the parent's offset.
        RefPtr<OpenFile> in_child = child.get(5).value();
        EXPECT_EQ(read_some(*in_child, 4).value(), "0123");
        EXPECT_EQ(read_some(*parent.get(0).value(), 3).value(), "456");
        EXPECT_EQ(in_child->offset(), 7u);
        // Closing in one table leaves the other alone.
        EXPECT_OK(child.close(5));
        EXPECT_OK(parent.get(5));
        EXPECT_OK(child.copy_from(FileDescriptorTable()));  // an empty table empties it
        EXPECT_EQ(child.count(), 0);
        in_child = nullptr;
        EXPECT_EQ(file->ref_count(), 3u);  // ours and the parent's two
    });
}

TEST(VfsOpenFiles, AccessModesDecideWhatReadAndWriteMayDo) {
    run_in_kernel([] {
        Scratch scratch("modes");
        make_file(scratch.context, "f", "data");
        RefPtr<OpenFile> read_only = open_file(scratch.context, "f", abi::o_rdonly);
        RefPtr<OpenFile> write_only = open_file(scratch.context, "f", abi::o_wronly);
        RefPtr<OpenFile> both = open_file(scratch.context, "f", abi::o_rdwr);
        RefPtr<OpenFile> neither = open_file(scratch.context, "f", abi::o_accmode);
        ASSERT_TRUE(read_only && write_only && both && neither);
        EXPECT_TRUE(read_only->is_readable());
        EXPECT_FALSE(read_only->is_writable());
        EXPECT_ERRNO(write_text(*read_only, "x"), ebadf);
        EXPECT_ERRNO(read_some(*write_only, 1), ebadf);
        EXPECT_ERRNO(read_at(*write_only, 0, 1), ebadf);
        EXPECT_OK(write_at(*write_only, 0, "D"));
        EXPECT_EQ(read_some(*both, 10).value(), "Data");
        EXPECT_ERRNO(read_some(*neither, 1), ebadf);
        EXPECT_ERRNO(write_text(*neither, "x"), ebadf);
        // A regular file is always ready both ways, whatever its access mode (Linux's
        // DEFAULT_POLLMASK: a write-only file on the host polls as 0x145 too).
        constexpr u32 always_ready = poll_in | poll_out | poll_rdnorm | poll_wrnorm;
        EXPECT_EQ(read_only->poll_events(), always_ready);
        EXPECT_EQ(write_only->poll_events(), always_ready);
        EXPECT_EQ(both->poll_events(), always_ready);
        EXPECT_ERRNO(read_only->ioctl(0x5401, IoctlArgument::kernel(nullptr)), enotty);
        // Creation flags are not kept in the description.
        RefPtr<OpenFile> created =
            open_file(scratch.context, "g", abi::o_wronly | abi::o_creat | abi::o_excl | abi::o_cloexec | abi::o_append);
        EXPECT_EQ(created->flags(), abi::o_wronly | abi::o_append);
    });
}

TEST(VfsOpenFiles, OPathFilesOnlyNameAFile) {
    run_in_kernel([] {
        // O_PATH descriptors: fstat, fchdir and *at() bases work; read, write, lseek,
        // getdents, ftruncate do not (EBADF, as the host shows).
        Scratch scratch("opath");
        make_file(scratch.context, "f", "data", 0);  // no permission needed for O_PATH
        make_directory(scratch.context, "d");
        VfsContext user = scratch.as_user(1000, 1000);
        auto file = vfs_open(user, nullptr, "f", abi::o_path | abi::o_rdwr | abi::o_trunc | abi::o_creat, 0);
        ASSERT_OK(file);
        RefPtr<OpenFile> path_only = file.value();
        EXPECT_FALSE(path_only->is_readable());
        EXPECT_FALSE(path_only->is_writable());
        EXPECT_EQ(path_only->stat().size, 4u);  // O_TRUNC ignored
        EXPECT_ERRNO(read_some(*path_only, 1), ebadf);
        EXPECT_ERRNO(read_at(*path_only, 0, 1), ebadf);
        EXPECT_ERRNO(write_text(*path_only, "x"), ebadf);
        EXPECT_ERRNO(path_only->seek(0, abi::seek_set), ebadf);
        EXPECT_ERRNO(path_only->truncate(0), ebadf);
        EXPECT_ERRNO(path_only->ioctl(0x5401, IoctlArgument::kernel(nullptr)), ebadf);
        EXPECT_ERRNO(path_only->sync(), ebadf);
        EXPECT_EQ(path_only->poll_events(), u32(poll_nval));
        auto directory = vfs_open(scratch.context, nullptr, "d", abi::o_path | abi::o_directory, 0);
        ASSERT_OK(directory);
        EXPECT_ERRNO(directory.value()->read_directory([](const DirectoryEntry&) { return true; }), ebadf);
        // As a base for relative paths it works.
        make_file(scratch.context, "d/inside", "in");
        Path base = directory.value()->path();
        EXPECT_OK(vfs_stat(scratch.context, &base, "inside", true));
        EXPECT_ERRNO(vfs_open(scratch.context, nullptr, "f", abi::o_path | abi::o_directory, 0), enotdir);
    });
}

TEST(VfsOpenFiles, SetStatusFlagsChangesOnlyAppendNonblockAndFriends) {
    run_in_kernel([] {
        Scratch scratch("setfl");
        make_file(scratch.context, "f", "0123");
        RefPtr<OpenFile> file = open_file(scratch.context, "f", abi::o_rdonly);
        ASSERT_TRUE(file);
        file->set_status_flags(abi::o_append | abi::o_nonblock | abi::o_rdwr | abi::o_creat | abi::o_trunc |
                               abi::o_directory | abi::o_nofollow | abi::o_sync);
        EXPECT_EQ(file->flags(), abi::o_rdonly | abi::o_append | abi::o_nonblock);
        EXPECT_FALSE(file->is_writable());
        file->set_status_flags(0);
        EXPECT_EQ(file->flags(), abi::o_rdonly);
        RefPtr<OpenFile> writer = open_file(scratch.context, "f", abi::o_wronly | abi::o_dsync);
        ASSERT_TRUE(writer);
        writer->set_status_flags(abi::o_append);
        EXPECT_EQ(writer->flags(), abi::o_wronly | abi::o_dsync | abi::o_append);  // O_DSYNC stays
        EXPECT_OK(write_text(*writer, "45"));  // now appends
        EXPECT_EQ(file_content(scratch.context, "f"), "012345");
    });
}

TEST(VfsOpenFiles, EachOpenHasItsOwnOffset) {
    run_in_kernel([] {
        Scratch scratch("offsets");
        make_file(scratch.context, "f", "abcdef");
        RefPtr<OpenFile> first = open_file(scratch.context, "f", abi::o_rdonly);
        RefPtr<OpenFile> second = open_file(scratch.context, "f", abi::o_rdonly);
        EXPECT_EQ(read_some(*first, 2).value(), "ab");
        EXPECT_EQ(read_some(*second, 3).value(), "abc");
        EXPECT_EQ(read_some(*first, 2).value(), "cd");
        EXPECT_EQ(first->offset(), 4u);
        EXPECT_EQ(second->offset(), 3u);
    });
}

}  // namespace
