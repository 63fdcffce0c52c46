// Reading directories (OpenFile::read_directory over tmpfs's iterate): "." and ".." first,
// every entry once with its d_type, resumable cookies, and stability while other threads
// add and remove entries.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>

#include "differential.h"
#include "kernel/core/scheduler.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

TEST(VfsReaddir, DotAndDotDotFirstThenEveryEntryOnceWithItsType) {
    run_in_kernel([] {
        Differential fs("readdir");
        EXPECT_EQ(fs.mkdir("d"), "OK");
        EXPECT_EQ(fs.mkdir("d/sub"), "OK");
        EXPECT_EQ(fs.open("d/file", abi::o_creat | abi::o_wronly), "OK");
        EXPECT_EQ(fs.symlink("file", "d/link"), "OK");
        EXPECT_EQ(fs.mknod("d/fifo", abi::s_ififo | 0644), "OK");
        EXPECT_EQ(fs.mknod("d/socket", abi::s_ifsock | 0644), "OK");
        EXPECT_EQ(fs.readdir("d"), "OK");
        EXPECT_EQ(fs.readdir("d/sub"), "OK");
        EXPECT_EQ(fs.readdir("d/file"), "ENOTDIR");

        const VfsContext& context = fs.newt().context;
        EXPECT_OK(vfs_mknod(context, nullptr, "d/chr", abi::s_ifchr | 0644, abi::make_device(1, 3)));
        std::vector<ListedEntry> entries = list_directory(context, "d");
        ASSERT_GE(entries.size(), 2u);
        EXPECT_EQ(entries[0].name, ".");
        EXPECT_EQ(entries[0].inode, stat_of(context, "d").inode);
        EXPECT_EQ(entries[1].name, "..");
        EXPECT_EQ(entries[1].inode, stat_of(context, ".").inode);
        std::map<std::string, u8> types;
        for (const ListedEntry& entry : entries) {
            EXPECT_TRUE(types.emplace(entry.name, entry.type).second) << entry.name << " listed twice";
            if (entry.name != "." && entry.name != "..") {
                EXPECT_EQ(entry.inode, stat_of(context, "d/" + entry.name, false).inode) << entry.name;
            }
        }
        std::map<std::string, u8> expected {{".", abi::dt_dir},      {"..", abi::dt_dir},   {"sub", abi::dt_dir},
                                            {"file", abi::dt_reg},   {"link", abi::dt_lnk}, {"fifo", abi::dt_fifo},
                                            {"socket", abi::dt_sock}, {"chr", abi::dt_chr}};
        EXPECT_EQ(types, expected);
        // ".." of a file system's root is the root itself.
        Path root = path_of(context, "/");
        RefPtr<OpenFile> root_directory = open_file(context, "/", abi::o_rdonly);
        ASSERT_TRUE(root_directory);
        std::vector<ListedEntry> root_entries = list_directory(*root_directory);
        ASSERT_GE(root_entries.size(), 2u);
        EXPECT_EQ(root_entries[1].inode, root.inode().number());
    });
}

TEST(VfsReaddir, ReadingAgainAtTheEndGivesNothingAndAnEmptyDirectoryHasTwoEntries) {
    run_in_kernel([] {
        Scratch scratch("readdir-end");
        make_directory(scratch.context, "empty");
        RefPtr<OpenFile> directory = open_file(scratch.context, "empty", abi::o_rdonly | abi::o_directory);
        ASSERT_TRUE(directory);
        EXPECT_EQ(list_directory(*directory).size(), 2u);
        EXPECT_EQ(list_directory(*directory).size(), 0u);
        make_file(scratch.context, "empty/late");
        std::vector<ListedEntry> late = list_directory(*directory);  // appended after the end
        ASSERT_EQ(late.size(), 1u);
        EXPECT_EQ(late[0].name, "late");
        EXPECT_OK(directory->seek(0, abi::seek_set));
        EXPECT_EQ(list_directory(*directory).size(), 3u);
        RefPtr<OpenFile> file = open_file(scratch.context, "empty/late", abi::o_rdonly);
        EXPECT_ERRNO(file->read_directory([](const DirectoryEntry&) { return true; }), enotdir);
    });
}

TEST(VfsReaddir, ARemovedDirectoryCannotBeRead) {
    run_in_kernel([] {
        // getdents64 on a directory removed while open: ENOENT (iterate_dir's IS_DEADDIR).
        Scratch scratch("readdir-dead");
        make_directory(scratch.context, "gone");
        RefPtr<OpenFile> directory = open_file(scratch.context, "gone", abi::o_rdonly | abi::o_directory);
        ASSERT_TRUE(directory);
        ASSERT_OK(vfs_rmdir(scratch.context, nullptr, "gone"));
        int visited = 0;
        EXPECT_ERRNO(directory->read_directory([&](const DirectoryEntry&) { return ++visited, true; }), enoent);
        EXPECT_EQ(visited, 0);
    });
}

TEST(VfsReaddir, CookiesResumeWhereAStoppedReadLeftOff) {
    run_in_kernel([] {
        Scratch scratch("cookies");
        make_directory(scratch.context, "d");
        for (int i = 0; i < 50; ++i) make_file(scratch.context, "d/f" + std::to_string(i));
        std::vector<ListedEntry> all = list_directory(scratch.context, "d");
        ASSERT_EQ(all.size(), 52u);
        // Stop after each entry; the offset is then that entry's next_cookie.
        RefPtr<OpenFile> directory = open_file(scratch.context, "d", abi::o_rdonly);
        ASSERT_TRUE(directory);
        std::vector<ListedEntry> one_by_one;
        for (;;) {
            bool taken = false;
            ASSERT_OK(directory->read_directory([&](const DirectoryEntry& entry) {
                if (taken) return false;
                taken = true;
                one_by_one.push_back({std::string(entry.name.data(), entry.name.length()), entry.inode, entry.type,
                                      entry.next_cookie});
                return true;
            }));
            if (!taken) break;
            EXPECT_EQ(directory->offset(), one_by_one.back().next_cookie);
        }
        EXPECT_EQ(one_by_one, all);
        // A cookie saved from one open file resumes in another (telldir/seekdir, NFS).
        for (usize saved : {usize(0), usize(1), usize(2), usize(17), usize(51)}) {
            RefPtr<OpenFile> reopened = open_file(scratch.context, "d", abi::o_rdonly);
            ASSERT_TRUE(reopened);
            u64 cookie = saved == 0 ? 0 : all[saved - 1].next_cookie;
            auto seeked = reopened->seek(i64(cookie), abi::seek_set);
            ASSERT_OK(seeked);
            std::vector<ListedEntry> rest = list_directory(*reopened);
            EXPECT_EQ(rest, std::vector<ListedEntry>(all.begin() + long(saved), all.end())) << "from entry " << saved;
        }
        // Removing the entry a cookie points after does not disturb the rest.
        RefPtr<OpenFile> reopened = open_file(scratch.context, "d", abi::o_rdonly);
        ASSERT_OK(reopened->seek(i64(all[10].next_cookie), abi::seek_set));
        EXPECT_OK(vfs_unlink(scratch.context, nullptr, view("d/" + all[10].name)));
        EXPECT_OK(vfs_unlink(scratch.context, nullptr, view("d/" + all[11].name)));
        std::vector<ListedEntry> rest = list_directory(*reopened);
        EXPECT_EQ(rest, std::vector<ListedEntry>(all.begin() + 12, all.end()));
    });
}

// Adds and removes "churn<N>" entries until told to stop.
struct Churn {
    VfsContext* context;
    std::atomic<bool> stop {false};
    std::atomic<long> operations {0};
    std::atomic<long> failures {0};
};

void churn(void* argument) {
    auto* state = static_cast<Churn*>(argument);
    char name[32];
    for (u32 i = 0; !state->stop.load(std::memory_order_relaxed); ++i) {
        // "d/churn<i % 64>" without host formatting.
        kstd::memcpy(name, "d/churn", 7);
        usize length = 7;
        u32 value = i % 64;
        char digits[8];
        usize count = 0;
        do digits[count++] = char('0' + value % 10), value /= 10;
        while (value);
        while (count) name[length++] = digits[--count];
        StringView path(name, length);
        auto created = vfs_open(*state->context, nullptr, path, abi::o_creat | abi::o_wronly, 0644);
        if (created.is_error() && created.error() != Errno::eexist) state->failures.fetch_add(1);
        created = Errno::enoent;  // close it
        if (i % 3 == 0) {
            auto removed = vfs_unlink(*state->context, nullptr, path);
            if (removed.is_error() && removed.error() != Errno::enoent) state->failures.fetch_add(1);
        }
        if (i % 5 == 0) {
            // Rename within the directory: the moved entry gets a new place, as on Linux.
            char target[32];
            kstd::memcpy(target, name, length);
            target[length] = 'r';
            auto renamed = vfs_rename(*state->context, nullptr, path, nullptr, StringView(target, length + 1), 0);
            if (renamed.is_error() && renamed.error() != Errno::enoent) state->failures.fetch_add(1);
            auto removed = vfs_unlink(*state->context, nullptr, StringView(target, length + 1));
            if (removed.is_error() && removed.error() != Errno::enoent) state->failures.fetch_add(1);
        }
        state->operations.fetch_add(1, std::memory_order_relaxed);
        if (i % 16 == 0) yield();
    }
}

TEST(VfsReaddir, StableEntriesAreSeenExactlyOnceWhileOthersComeAndGo) {
    run_in_kernel([] {
        Scratch scratch("readdir-churn");
        make_directory(scratch.context, "d");
        constexpr int stable = 200;
        for (int i = 0; i < stable; ++i) make_file(scratch.context, "d/keep" + std::to_string(i));
        Churn state {&scratch.context};
        RefPtr<Thread> churners[2];
        for (int i = 0; i < 2; ++i) {
            auto thread = spawn_thread(churn, &state, {.name = "churn", .pinned_cpu = i});
            ASSERT_OK(thread);
            churners[i] = thread.value();
        }
        // At least 30 passes, and as many more as the churners need to make 100 changes
        // (they get little CPU time on a loaded machine, and are slower on hostfs, where
        // every change is a host call).
        for (int pass = 0; pass < 30 || (state.operations.load() <= 100 && pass < 3000); ++pass) {
            // Small batches (1..7 entries per call), half of the passes through a second open
            // file that resumes from the first one's cookie.
            RefPtr<OpenFile> directory = open_file(scratch.context, "d", abi::o_rdonly);
            ASSERT_TRUE(directory);
            std::map<std::string, int> seen;
            int batch_limit = 1 + pass % 7;
            for (int call = 0;; ++call) {
                int in_batch = 0;
                ASSERT_OK(directory->read_directory([&](const DirectoryEntry& entry) {
                    if (in_batch == batch_limit) return false;
                    ++in_batch;
                    ++seen[std::string(entry.name.data(), entry.name.length())];
                    return true;
                }));
                if (in_batch == 0) break;
                if (pass % 2 && call % 5 == 4) {
                    RefPtr<OpenFile> resumed = open_file(scratch.context, "d", abi::o_rdonly);
                    ASSERT_TRUE(resumed);
                    ASSERT_OK(resumed->seek(i64(directory->offset()), abi::seek_set));
                    directory = resumed;
                }
                if (call % 3 == 0) yield();  // let the churners in between batches
            }
            EXPECT_EQ(seen["."], 1) << "pass " << pass;
            EXPECT_EQ(seen[".."], 1) << "pass " << pass;
            for (int i = 0; i < stable; ++i)
                EXPECT_EQ(seen["keep" + std::to_string(i)], 1) << "keep" << i << " in pass " << pass;
            // Churned names may show up twice: a file removed and created again (or renamed
            // to the same name again) is a new entry, as on Linux.
        }
        state.stop = true;
        for (auto& thread : churners) thread->join();
        EXPECT_EQ(state.failures.load(), 0);
        EXPECT_GT(state.operations.load(), 100);
        std::printf("readdir under churn: %ld create/unlink/rename rounds meanwhile\n", state.operations.load());
    });
}

}  // namespace
