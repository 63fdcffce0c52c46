// File contents on tmpfs through OpenFile: sparse files and holes, end of file, O_APPEND,
// O_TRUNC, truncate, pread/pwrite, lseek, large offsets, the size limit (ENOSPC) and the
// page accounting behind it.
#include <atomic>
#include <cstring>

#include "differential.h"
#include "kernel/core/scheduler.h"
#include "kernel/fs/tmpfs/tmpfs.h"
#include "kernel/hal/physmem.h"
#include "kernel/mm/page.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

constexpr u64 page = 4096;

TEST(VfsFileIo, SparseWritesHolesAndEndOfFile) {
    run_in_kernel([] {
        Differential fs("sparse");
        int file;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_rdwr, 0644, &file), "OK");
        EXPECT_EQ(fs.read(file, 10), "OK");  // empty file: end of file at once
        EXPECT_EQ(fs.pwrite(file, 3 * page + 100, "beyond a hole"), "OK");
        EXPECT_EQ(fs.fstat(file), "OK");
        EXPECT_EQ(fs.pread(file, 0, 16), "OK");               // the hole reads as zeros
        EXPECT_EQ(fs.pread(file, 3 * page + 90, 30), "OK");   // zeros, then data
        EXPECT_EQ(fs.pread(file, page - 5, 10), "OK");        // across a page boundary in the hole
        EXPECT_EQ(fs.pread(file, 3 * page + 113, 10), "OK");  // exactly at the end: nothing
        EXPECT_EQ(fs.pread(file, 1 << 20, 10), "OK");         // far past the end: nothing
        EXPECT_EQ(fs.lseek(file, 0, abi::seek_end), "OK");
        EXPECT_EQ(fs.read(file, 10), "OK");
        std::string pattern;
        for (int i = 0; i < 3 * int(page); ++i) pattern += char('a' + i % 26);
        EXPECT_EQ(fs.pwrite(file, page / 2, pattern), "OK");  // across four pages
        EXPECT_EQ(fs.pread(file, 0, 5 * page), "OK");
        EXPECT_EQ(fs.lseek(file, 10, abi::seek_set), "OK");
        EXPECT_EQ(fs.read(file, 3 * page), "OK");
        EXPECT_EQ(fs.read(file, 3 * page), "OK");
        EXPECT_EQ(fs.read(file, 3 * page), "OK");
        fs.expect_same_tree();
    });
}

TEST(VfsFileIo, AppendTruncAndAccessModes) {
    run_in_kernel([] {
        Differential fs("append");
        int writer, appender, reader;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_wronly, 0644, &writer), "OK");
        EXPECT_EQ(fs.write(writer, "0123456789"), "OK");
        EXPECT_EQ(fs.open("f", abi::o_rdwr | abi::o_append, 0, &appender), "OK");
        EXPECT_EQ(fs.lseek(appender, 0, abi::seek_cur), "OK");  // 0 until the first write
        EXPECT_EQ(fs.write(appender, "ab"), "OK");
        EXPECT_EQ(fs.lseek(appender, 0, abi::seek_cur), "OK");  // 12
        EXPECT_EQ(fs.lseek(appender, 0, abi::seek_set), "OK");
        EXPECT_EQ(fs.write(appender, "cd"), "OK");  // still at the end
        EXPECT_EQ(fs.read(appender, 10), "OK");     // at the end: nothing
        EXPECT_EQ(fs.pwrite(appender, 0, "ef"), "OK");  // Linux appends even for pwrite
        EXPECT_EQ(fs.write(writer, "XY"), "OK");    // the other description writes at its offset 10
        EXPECT_EQ(fs.open("f", abi::o_rdonly, 0, &reader), "OK");
        EXPECT_EQ(fs.read(reader, 100), "OK");
        EXPECT_EQ(fs.write(reader, "no"), "EBADF");
        EXPECT_EQ(fs.pwrite(reader, 0, "no"), "EBADF");
        EXPECT_EQ(fs.read(writer, 1), "EBADF");
        EXPECT_EQ(fs.pread(writer, 0, 1), "EBADF");
        EXPECT_EQ(fs.ftruncate(reader, 0), "EINVAL");
        EXPECT_EQ(fs.ftruncate(writer, -1), "EINVAL");
        EXPECT_EQ(fs.ftruncate(writer, 3), "OK");
        EXPECT_EQ(fs.lseek(reader, 0, abi::seek_cur), "OK");  // offsets stay past the end
        EXPECT_EQ(fs.read(reader, 10), "OK");
        EXPECT_EQ(fs.pread(reader, 0, 10), "OK");
        EXPECT_EQ(fs.write(writer, "!"), "OK");  // at offset 12: a hole from 3 to 12
        EXPECT_EQ(fs.pread(reader, 0, 100), "OK");
        EXPECT_EQ(fs.open("f", abi::o_wronly | abi::o_trunc), "OK");
        EXPECT_EQ(fs.fstat(reader), "OK");
        EXPECT_EQ(fs.pread(reader, 0, 10), "OK");
        fs.expect_same_tree();
    });
}

TEST(VfsFileIo, TruncateShrinksAndGrowsWithZeros) {
    run_in_kernel([] {
        Differential fs("truncate-zeros");
        int file;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_rdwr, 0644, &file), "OK");
        std::string data(3 * page, 'x');
        EXPECT_EQ(fs.write(file, data), "OK");
        EXPECT_EQ(fs.ftruncate(file, page + 10), "OK");   // inside the second page
        EXPECT_EQ(fs.ftruncate(file, 3 * page), "OK");    // grow again: zeros, not the old bytes
        EXPECT_EQ(fs.pread(file, page, 20), "OK");
        EXPECT_EQ(fs.pread(file, 2 * page, 10), "OK");
        EXPECT_EQ(fs.ftruncate(file, 5), "OK");
        EXPECT_EQ(fs.ftruncate(file, 0), "OK");
        EXPECT_EQ(fs.ftruncate(file, 7), "OK");
        EXPECT_EQ(fs.pread(file, 0, 10), "OK");
        EXPECT_EQ(fs.ftruncate(file, page), "OK");  // exactly one page
        EXPECT_EQ(fs.pread(file, page - 3, 10), "OK");
        fs.expect_same_tree();
    });
}

TEST(VfsFileIo, PreadAndPwriteLeaveTheOffsetAlone) {
    run_in_kernel([] {
        Differential fs("pread");
        int file;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_rdwr, 0644, &file), "OK");
        EXPECT_EQ(fs.write(file, "hello"), "OK");
        EXPECT_EQ(fs.pwrite(file, 100, "far"), "OK");
        EXPECT_EQ(fs.lseek(file, 0, abi::seek_cur), "OK");  // 5
        EXPECT_EQ(fs.pread(file, 1, 3), "OK");
        EXPECT_EQ(fs.lseek(file, 0, abi::seek_cur), "OK");  // still 5
        EXPECT_EQ(fs.write(file, " world"), "OK");
        EXPECT_EQ(fs.pread(file, 0, 200), "OK");
    });
}

TEST(VfsFileIo, LseekRules) {
    run_in_kernel([] {
        Differential fs("lseek");
        int file, directory;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_rdwr, 0644, &file), "OK");
        EXPECT_EQ(fs.write(file, "0123456789"), "OK");
        EXPECT_EQ(fs.lseek(file, 3, abi::seek_set), "OK");
        EXPECT_EQ(fs.lseek(file, 4, abi::seek_cur), "OK");
        EXPECT_EQ(fs.lseek(file, -2, abi::seek_cur), "OK");
        EXPECT_EQ(fs.lseek(file, -1, abi::seek_end), "OK");
        EXPECT_EQ(fs.lseek(file, 5, abi::seek_end), "OK");  // past the end is fine
        EXPECT_EQ(fs.lseek(file, -1, abi::seek_set), "EINVAL");
        EXPECT_EQ(fs.lseek(file, -11, abi::seek_end), "EINVAL");
        EXPECT_EQ(fs.lseek(file, 0, abi::seek_cur), "OK");  // unchanged by the failures
        EXPECT_EQ(fs.lseek(file, 0, 5), "EINVAL");
        EXPECT_EQ(fs.lseek(file, 0, -1), "EINVAL");
        EXPECT_EQ(fs.lseek(file, 0x7fffffffffffffffll, abi::seek_set), "OK");
        EXPECT_EQ(fs.lseek(file, 1, abi::seek_cur), "EINVAL");  // overflow
        EXPECT_EQ(fs.lseek(file, 1ll << 40, abi::seek_set), "OK");
        EXPECT_EQ(fs.read(file, 10), "OK");
        // Without holes in the file, SEEK_DATA and SEEK_HOLE agree with any file system.
        EXPECT_EQ(fs.lseek(file, 0, abi::seek_data), "OK");
        EXPECT_EQ(fs.lseek(file, 4, abi::seek_data), "OK");
        EXPECT_EQ(fs.lseek(file, 0, abi::seek_hole), "OK");
        EXPECT_EQ(fs.lseek(file, 10, abi::seek_data), "ENXIO");
        EXPECT_EQ(fs.lseek(file, 10, abi::seek_hole), "ENXIO");
        EXPECT_EQ(fs.lseek(file, -1, abi::seek_data), "ENXIO");
        // Directories: set and cur only.
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.open("d", abi::o_rdonly, 0, &directory), "OK");
        EXPECT_EQ(fs.lseek(directory, 0, abi::seek_set), "OK");
        EXPECT_EQ(fs.lseek(directory, 0, abi::seek_end), "EINVAL");
        EXPECT_EQ(fs.lseek(directory, -1, abi::seek_set), "EINVAL");
        EXPECT_EQ(fs.read(directory, 10), "EISDIR");
    });
}

TEST(VfsFileIo, LargeOffsets) {
    run_in_kernel([] {
        Differential fs("large");
        int file;
        EXPECT_EQ(fs.open("f", abi::o_creat | abi::o_rdwr, 0644, &file), "OK");
        for (u64 offset : {u64(1) << 32, (u64(1) << 40) - 3, (u64(1) << 47) + 12345}) {
            EXPECT_EQ(fs.pwrite(file, offset, "far away"), "OK");
            EXPECT_EQ(fs.pread(file, offset - 4, 16), "OK");
            EXPECT_EQ(fs.fstat(file), "OK");
        }
        EXPECT_EQ(fs.ftruncate(file, 1ll << 45), "OK");
        EXPECT_EQ(fs.fstat(file), "OK");
        EXPECT_EQ(fs.pread(file, (1ull << 45) - 8, 16), "OK");
        EXPECT_EQ(fs.ftruncate(file, 0), "OK");

        // Newt's page index has four levels: files end at 2^48 bytes (EFBIG beyond, as for
        // a file system whose s_maxbytes is 2^48).
        RefPtr<OpenFile> newt_file = open_file(fs.newt().context, "f", abi::o_rdwr);
        ASSERT_TRUE(newt_file);
        constexpr u64 limit = u64(1) << 48;
        EXPECT_EQ(outcome(write_at(*newt_file, limit - 4, "abcdefgh")), "OK");
        EXPECT_EQ(newt_file->stat().size, limit);
        EXPECT_ERRNO(write_at(*newt_file, limit, "x"), efbig);
        EXPECT_ERRNO(newt_file->truncate(limit + 1), efbig);
        EXPECT_ERRNO(write_at(*newt_file, u64(1) << 63, "x"), einval);
        EXPECT_OK(newt_file->truncate(0));
    });
}

TEST(VfsFileIo, PagesAreAllocatedOnWriteAndFreedOnTruncateAndUnlink) {
    run_in_kernel([] {
        Scratch scratch("pages");
        make_file(scratch.context, "warm-up", "x");  // first-use allocations (caches) happen here
        EXPECT_OK(vfs_unlink(scratch.context, nullptr, "warm-up"));
        MemorySnapshot before = memory_snapshot();
        usize free_before = mm::frame_stats().free_frames;
        {
            RefPtr<OpenFile> file = open_file(scratch.context, "f", abi::o_creat | abi::o_rdwr);
            ASSERT_TRUE(file);
            EXPECT_OK(write_at(*file, 10 * page, std::string(2 * page, 'y')));   // 2 pages
            EXPECT_OK(write_at(*file, u64(1) << 40, "z"));                       // 1 page, far away
            EXPECT_OK(file->truncate(u64(1) << 41));                              // no pages
            EXPECT_LE(mm::frame_stats().free_frames + 3, free_before);
            EXPECT_OK(file->truncate(11 * page));  // frees the far page and the second one
            EXPECT_OK(file->truncate(0));
            EXPECT_OK(write_at(*file, 5, "again"));
            EXPECT_OK(vfs_unlink(scratch.context, nullptr, "f"));
        }
        EXPECT_TRUE(memory_returns_to(before));
    });
}

// The mmap hook: a tmpfs file's mapping source is the file's own pages. A page handed out
// for a mapping is the one read() and write() use, holes get a zeroed page, pages past the
// end are refused (the mapping's SIGBUS), and a page truncated away lives until the
// mapping drops it.
TEST(VfsFileIo, MmapHookHandsOutTheFilesOwnPages) {
    run_in_kernel([] {
        Scratch scratch("mmap-hook");
        make_file(scratch.context, "warm-up", "x");  // first-use allocations (caches) happen here
        EXPECT_OK(vfs_unlink(scratch.context, nullptr, "warm-up"));
        MemorySnapshot before = memory_snapshot();
        RefPtr<OpenFile> file = open_file(scratch.context, "f", abi::o_creat | abi::o_rdwr);
        ASSERT_TRUE(file);
        EXPECT_OK(write_at(*file, 0, "hello"));
        EXPECT_OK(file->truncate(3 * page));  // pages 1 and 2 are holes
        auto source = file->mmap_source();
        ASSERT_OK(source);
        ASSERT_EQ(source->kind, MappingSource::Kind::pages);
        ASSERT_EQ(source->inode.get(), file->inode());

        auto first = source->inode->page_for_mapping(0);
        ASSERT_OK(first);
        EXPECT_EQ(mm::page_references(first.value()), 2u);  // the file's and ours
        char* memory = static_cast<char*>(hal::phys_to_virt(first.value()));
        EXPECT_EQ(std::string(memory, 5), "hello");
        std::memcpy(memory + 1, "ELL", 3);  // a store through a shared mapping
        EXPECT_EQ(read_at(*file, 0, 5).value(), "hELLo");

        auto hole = source->inode->page_for_mapping(2);
        ASSERT_OK(hole);
        EXPECT_EQ(mm::page_references(hole.value()), 2u);
        EXPECT_EQ(std::string(static_cast<char*>(hal::phys_to_virt(hole.value())), 4), std::string(4, '\0'));
        EXPECT_ERRNO(source->inode->page_for_mapping(3), efault);  // past the end
        EXPECT_ERRNO(source->inode->page_for_mapping(u64(1) << 40), efault);

        // Truncated away, the page stays ours (and keeps what it held) until we drop it.
        EXPECT_OK(file->truncate(0));
        EXPECT_EQ(mm::page_references(first.value()), 1u);
        EXPECT_EQ(mm::page_references(hole.value()), 1u);
        EXPECT_EQ(std::string(memory, 5), "hELLo");
        EXPECT_EQ(read_at(*file, 0, 5).value(), "");
        mm::put_page(first.value());
        mm::put_page(hole.value());
        source = Errno::enodev;
        file = nullptr;
        EXPECT_OK(vfs_unlink(scratch.context, nullptr, "f"));
        EXPECT_TRUE(memory_returns_to(before));  // both pages freed with the last reference
    });
}

// Only regular files have pages to map: directories, FIFOs and O_PATH descriptions do not.
TEST(VfsFileIo, MmapHookRefusesWhatCannotBeMapped) {
    run_in_kernel([] {
        Scratch scratch("mmap-refused");
        make_directory(scratch.context, "d");
        EXPECT_OK(vfs_mknod(scratch.context, nullptr, "fifo", abi::s_ififo | 0644, 0));
        make_file(scratch.context, "f", "x");
        EXPECT_ERRNO(open_file(scratch.context, "d", abi::o_rdonly)->mmap_source(), enodev);
        EXPECT_ERRNO(open_file(scratch.context, "fifo", abi::o_rdwr)->mmap_source(), enodev);
        EXPECT_ERRNO(open_file(scratch.context, "f", abi::o_path)->mmap_source(), ebadf);
    });
}

TEST(VfsFileIo, ASizeLimitedTmpfsFillsUpWithENOSPC) {
    run_in_kernel([] {
        Scratch scratch("enospc");
        make_directory(scratch.context, "small");
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "small", nullptr, "small", "size=64k"));
        auto& tmpfs = static_cast<TmpfsFileSystem&>(path_of(scratch.context, "small").mount->file_system());
        EXPECT_EQ(tmpfs.max_pages(), 16u);
        {
            RefPtr<OpenFile> a = open_file(scratch.context, "small/a", abi::o_creat | abi::o_rdwr);
            RefPtr<OpenFile> b = open_file(scratch.context, "small/b", abi::o_creat | abi::o_rdwr);
            ASSERT_TRUE(a && b);
            auto written = write_text(*a, std::string(15 * page, 'a'));
            ASSERT_OK(written);
            EXPECT_EQ(written.value(), 15 * page);
            // The last page: a write wanting two gets one (a short write), then ENOSPC.
            written = write_text(*b, std::string(2 * page, 'b'));
            ASSERT_OK(written);
            EXPECT_EQ(written.value(), page);
            EXPECT_ERRNO(write_text(*b, "more"), enospc);
            EXPECT_ERRNO(write_at(*a, 100 * page, "hole"), enospc);
            EXPECT_EQ(a->stat().size, 15 * page);  // the failed write did not extend it
            EXPECT_OK(write_at(*a, 10, "rewrite"));  // existing pages are free to rewrite
            EXPECT_OK(a->truncate(100 * page));     // holes cost nothing
            EXPECT_EQ(tmpfs.used_pages(), 16u);
            EXPECT_OK(a->truncate(page));
            EXPECT_EQ(tmpfs.used_pages(), 2u);
            EXPECT_OK(write_text(*b, std::string(14 * page, 'c')));
            EXPECT_EQ(tmpfs.used_pages(), 16u);
            EXPECT_OK(vfs_unlink(scratch.context, nullptr, "small/b"));
            EXPECT_EQ(tmpfs.used_pages(), 16u);  // b is still open
        }
        EXPECT_EQ(tmpfs.used_pages(), 1u);
        RefPtr<OpenFile> c = open_file(scratch.context, "small/c", abi::o_creat | abi::o_rdwr);
        ASSERT_TRUE(c);
        EXPECT_OK(write_text(*c, std::string(15 * page, 'd')));
        c = nullptr;
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "small"));
    });
}

TEST(VfsFileIo, TmpfsMountOptions) {
    run_in_kernel([] {
        Scratch scratch("options");
        make_directory(scratch.context, "m");
        for (const char* bad : {"size=", "size=12q", "size=k", "size=99999999999999999999", "mode=8", "mode=12345",
                                "bogus=1", "size"})
            EXPECT_ERRNO(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", bad), einval) << bad;
        EXPECT_ERRNO(vfs_mount(scratch.context, "nosuchfs", "x", nullptr, "m", ""), enodev);
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", "size=1m,mode=0750,"));
        FileStat root = stat_of(scratch.context, "m");
        EXPECT_EQ(root.mode, abi::s_ifdir | 0750u);
        EXPECT_EQ(root.link_count, 2u);
        EXPECT_EQ(root.size, 40u);
        EXPECT_EQ(static_cast<TmpfsFileSystem&>(path_of(scratch.context, "m").mount->file_system()).max_pages(), 256u);
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", "size=1"));  // rounds up to a page
        EXPECT_EQ(static_cast<TmpfsFileSystem&>(path_of(scratch.context, "m").mount->file_system()).max_pages(), 1u);
        EXPECT_EQ(stat_of(scratch.context, "m").mode, abi::s_ifdir | 01777u);
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
    });
}

TEST(VfsFileIo, ConcurrentAppendsNeverOverwriteEachOther) {
    // Each write lands at the end as one piece, whichever open file description it comes
    // through (Linux holds the inode lock from choosing the position to the end of the write).
    struct Appender {
        OpenFile* file;
        int id;
        int failures = 0;
    };
    static constexpr int appends_per_thread = 3000;
    static constexpr usize record_size = 16;
    auto append_records = +[](void* argument) {
        auto* appender = static_cast<Appender*>(argument);
        char record[record_size];
        for (int i = 0; i < appends_per_thread; ++i) {
            // "T<id>  <seq, 10 digits>\n" without host formatting.
            kstd::memset(record, ' ', sizeof record);
            record[0] = 'T';
            record[1] = char('0' + appender->id);
            int value = i;
            for (int digit = 13; digit >= 4; --digit) {
                record[digit] = char('0' + value % 10);
                value /= 10;
            }
            record[15] = '\n';
            IoBuffer buffer = IoBuffer::kernel(record, sizeof record);
            auto done = appender->file->write(buffer, sizeof record);
            if (done.is_error() || done.value() != sizeof record) ++appender->failures;
        }
    };
    run_in_kernel([&] {
        Scratch scratch("appends");
        make_file(scratch.context, "log");
        RefPtr<OpenFile> files[4];
        Appender appenders[4];
        RefPtr<Thread> threads[4];
        for (int i = 0; i < 4; ++i) {
            files[i] = open_file(scratch.context, "log", abi::o_wronly | abi::o_append);
            ASSERT_TRUE(files[i]);
            appenders[i] = {files[i].get(), i};
        }
        for (int i = 0; i < 4; ++i) {
            auto thread = spawn_thread(append_records, &appenders[i], {.name = "appender", .pinned_cpu = i % 2});
            ASSERT_OK(thread);
            threads[i] = thread.value();
        }
        for (auto& thread : threads) thread->join();
        for (auto& appender : appenders) EXPECT_EQ(appender.failures, 0);
        std::string log = file_content(scratch.context, "log");
        ASSERT_EQ(log.size(), 4 * appends_per_thread * record_size);
        int next[4] = {};
        bool intact = true;
        for (usize at = 0; at < log.size() && intact; at += record_size) {
            std::string record = log.substr(at, record_size);
            int id = record[1] - '0';
            intact = record[0] == 'T' && id >= 0 && id < 4 && record[15] == '\n' &&
                     std::stoi(record.substr(4, 10)) == next[id]++;
            EXPECT_TRUE(intact) << "record at " << at << ": " << record;
        }
    });
}

}  // namespace
