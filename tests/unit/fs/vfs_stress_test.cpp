// Concurrency: threads on both CPUs create, rename, link, unlink, mkdir and rmdir in the
// same directory; afterwards the tree must be consistent (the dentry cache agrees with
// tmpfs, link counts and directory sizes add up) and deleting everything must give every
// page and heap object back. The threads use only the kernel API (no host calls); the body
// checks what they recorded.
#include <algorithm>
#include <map>

#include "vfs_support.h"
#include "kernel/core/scheduler.h"
#include "kernel/hal/timer.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

constexpr int worker_count = 4;
constexpr int rounds_per_worker = 4000;

struct Worker {
    const VfsContext* context;
    u32 seed;
    long operations = 0;
    long succeeded = 0;
    int unexpected = 0;           // errors no interleaving can explain
    Errno first_unexpected {};
    int operation_of_first = -1;
};

// "d/<prefix><n>" (and "d/<prefix><n>/f" with `inner`), without host formatting.
StringView make_name(char* buffer, char prefix, u32 number, bool inner = false) {
    usize length = 0;
    buffer[length++] = 'd';
    buffer[length++] = '/';
    buffer[length++] = prefix;
    if (number >= 10) buffer[length++] = char('0' + number / 10);
    buffer[length++] = char('0' + number % 10);
    if (inner) {
        buffer[length++] = '/';
        buffer[length++] = 'f';
    }
    return {buffer, length};
}

bool expected_error(Errno error) {
    switch (error) {
    case Errno::enoent:     // the name went away meanwhile
    case Errno::eexist:     // or appeared
    case Errno::enotempty:  // rmdir/rename over a directory someone filled
    case Errno::eisdir:     // a file name now a directory...
    case Errno::enotdir:    // ...or the other way round
        return true;
    default: return false;
    }
}

void work(void* argument) {
    auto* worker = static_cast<Worker*>(argument);
    const VfsContext& context = *worker->context;
    u32 state = worker->seed;
    auto next = [&](u32 range) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return state % range;
    };
    char a[16], b[16];
    char payload[100];
    kstd::memset(payload, 'p', sizeof payload);
    for (int round = 0; round < rounds_per_worker; ++round) {
        int operation = int(next(10));
        // Files are "f0".."f15", directories "s0".."s3".
        StringView file = make_name(a, 'f', next(16));
        StringView other_file = make_name(b, 'f', next(16));
        Result<void> result;
        switch (operation) {
        case 0:
        case 1: {
            auto created = vfs_open(context, nullptr, file, abi::o_creat | abi::o_wronly | abi::o_trunc, 0644);
            if (created.is_error()) {
                result = created.error();
            } else {
                IoBuffer buffer = IoBuffer::kernel(payload, sizeof payload);
                auto written = created.value()->write(buffer, sizeof payload);
                if (written.is_error()) result = written.error();
            }
            break;
        }
        case 2: result = vfs_unlink(context, nullptr, file); break;
        case 3: result = vfs_rename(context, nullptr, file, nullptr, other_file, 0); break;
        case 4: result = vfs_link(context, nullptr, file, nullptr, other_file, false); break;
        case 5: result = vfs_mkdir(context, nullptr, make_name(a, 's', next(4)), 0755); break;
        case 6: result = vfs_rmdir(context, nullptr, make_name(a, 's', next(4))); break;
        case 7: {
            // A file inside a subdirectory (keeps rmdir failing with ENOTEMPTY now and then).
            u32 directory = next(4);
            auto created = vfs_open(context, nullptr, make_name(a, 's', directory, true), abi::o_creat | abi::o_wronly,
                                    0644);
            if (created.is_error()) result = created.error();
            else if (next(2)) result = vfs_unlink(context, nullptr, make_name(a, 's', directory, true));
            break;
        }
        case 8: result = vfs_rename(context, nullptr, make_name(a, 's', next(4)), nullptr, make_name(b, 's', next(4)), 0);
            break;
        default: {
            auto stat = vfs_stat(context, nullptr, file, false);
            if (stat.is_error()) result = stat.error();
            else if (stat->size != 0 && stat->size != sizeof payload) result = Errno::eio;  // torn write
            break;
        }
        }
        ++worker->operations;
        if (result.has_value()) {
            ++worker->succeeded;
        } else if (!expected_error(result.error())) {
            if (worker->unexpected++ == 0) {
                worker->first_unexpected = result.error();
                worker->operation_of_first = operation;
            }
        }
        if (round % 64 == 0) yield();
    }
}

// Checks a directory tree: every listed name once, stat by name agreeing with readdir, link
// counts and sizes of directories; counts the names of each non-directory inode.
void check_directory(const VfsContext& context, const std::string& path, std::map<u64, u32>& names_per_inode) {
    std::vector<ListedEntry> entries = list_directory(context, path);
    ASSERT_GE(entries.size(), 2u);
    u32 subdirectories = 0;
    std::map<std::string, int> seen;
    for (const ListedEntry& entry : entries) {
        EXPECT_EQ(++seen[entry.name], 1) << path << "/" << entry.name << " listed twice";
        if (entry.name == "." || entry.name == "..") continue;
        std::string child = path + "/" + entry.name;
        auto stat = vfs_stat(context, nullptr, view(child), false);
        ASSERT_OK(stat) << child;
        // The dentry cache (what lookups return) agrees with the file system (readdir).
        EXPECT_EQ(stat->inode, entry.inode) << child << ": the dentry cache and tmpfs disagree";
        EXPECT_EQ(abi::dirent_type(stat->mode), entry.type) << child;
        if (abi::s_isdir(stat->mode)) {
            ++subdirectories;
            std::map<u64, u32> inner;
            check_directory(context, child, inner);
            for (auto& [inode, count] : inner) names_per_inode[inode] += count;
        } else {
            ++names_per_inode[stat->inode];
            EXPECT_TRUE(stat->size == 0 || stat->size == 100) << child << " has size " << stat->size;
        }
    }
    FileStat directory = stat_of(context, path);
    EXPECT_EQ(directory.link_count, 2 + subdirectories) << path;
    EXPECT_EQ(directory.size, 20 * entries.size()) << path;
}

TEST(VfsStress, ConcurrentNamespaceChangesInOneDirectoryStayConsistent) {
    run_in_kernel([] {
        Scratch scratch("stress");
        make_directory(scratch.context, "d");
        // Warm-up: first uses of each path through the kernel allocate lasting things.
        Worker warm_up {&scratch.context, 99};
        work(&warm_up);
        remove_tree(scratch.context, scratch.path + "/d");
        make_directory(scratch.context, "d");
        MemorySnapshot before = memory_snapshot();

        Worker workers[worker_count];
        RefPtr<Thread> threads[worker_count];
        u64 start = hal::monotonic_ns();
        for (int i = 0; i < worker_count; ++i) {
            workers[i] = {&scratch.context, 0x9e3779b9u * u32(i + 1)};
            auto thread = spawn_thread(work, &workers[i], {.name = "vfs-stress", .pinned_cpu = i % 2});
            ASSERT_OK(thread);
            threads[i] = thread.value();
        }
        for (auto& thread : threads) thread->join();
        for (auto& thread : threads) thread = nullptr;  // let the exited threads go
        u64 elapsed = hal::monotonic_ns() - start;
        long operations = 0, succeeded = 0;
        for (const Worker& worker : workers) {
            EXPECT_EQ(worker.unexpected, 0) << "first: " << errno_name(worker.first_unexpected) << " from operation "
                                            << worker.operation_of_first;
            operations += worker.operations;
            succeeded += worker.succeeded;
        }
        std::printf("stress: %ld operations (%ld succeeded) on 2 CPUs in %llu ms\n", operations, succeeded,
                    static_cast<unsigned long long>(elapsed / 1'000'000));

        // Hard links: every file's link count is the number of names it has.
        std::map<u64, u32> names_per_inode;
        check_directory(scratch.context, "d", names_per_inode);
        for (const ListedEntry& entry : list_directory(scratch.context, "d")) {
            if (entry.type != abi::dt_reg) continue;
            EXPECT_EQ(stat_of(scratch.context, "d/" + entry.name).link_count, names_per_inode[entry.inode])
                << entry.name;
        }
        // Names the file system does not have must not be found through the dentry cache.
        std::vector<std::string> present = sorted_names(scratch.context, "d");
        for (char prefix : {'f', 's'}) {
            for (u32 i = 0; i < 16; ++i) {
                std::string name = std::string(1, prefix) + std::to_string(i);
                if (std::find(present.begin(), present.end(), name) != present.end()) continue;
                EXPECT_ERRNO(vfs_stat(scratch.context, nullptr, view("d/" + name), false), enoent) << name;
            }
        }
        remove_tree(scratch.context, scratch.path + "/d");
        make_directory(scratch.context, "d");
        EXPECT_TRUE(memory_returns_to(before));
    });
}

// rmdir against a creation inside the directory: a file created in "d/sub" keeps the
// directory from being removed, so its creator can always unlink it again. Without the
// directory locks a creation could slip in between rmdir's emptiness check and the removal
// and land in a directory that no longer exists (its unlink then fails with ENOENT).
struct RmdirRace {
    static constexpr int rounds = 3000;
    const VfsContext* context;
    std::atomic<bool> done {false};
    int creations = 0;
    int lost_files = 0;      // created, then gone before their creator removed them
    int unexpected = 0;
};

void remove_and_recreate_directory(void* argument) {
    auto* race = static_cast<RmdirRace*>(argument);
    for (int i = 0; !race->done.load(); ++i) {
        auto made = vfs_mkdir(*race->context, nullptr, StringView("d/sub", 5), 0755);
        auto removed = vfs_rmdir(*race->context, nullptr, StringView("d/sub", 5));
        if ((made.is_error() && made.error() != Errno::eexist) ||
            (removed.is_error() && removed.error() != Errno::enotempty && removed.error() != Errno::enoent))
            ++race->unexpected;
        if (i % 32 == 0) yield();
    }
}

void create_inside_directory(void* argument) {
    auto* race = static_cast<RmdirRace*>(argument);
    StringView file("d/sub/f", 7);
    for (int i = 0; i < RmdirRace::rounds; ++i) {
        auto made = vfs_mkdir(*race->context, nullptr, StringView("d/sub", 5), 0755);
        if (made.is_error() && made.error() != Errno::eexist) ++race->unexpected;
        auto created = vfs_open(*race->context, nullptr, file, abi::o_creat | abi::o_excl | abi::o_wronly, 0644);
        if (created.is_error()) {
            if (created.error() != Errno::enoent) ++race->unexpected;  // no "d/sub" right now
        } else {
            ++race->creations;
            if (vfs_unlink(*race->context, nullptr, file).is_error()) ++race->lost_files;
        }
        if (i % 32 == 0) yield();
    }
    race->done = true;
}

TEST(VfsStress, RmdirNeverRemovesADirectoryACreationIsFilling) {
    run_in_kernel([] {
        Scratch scratch("rmdir-race");
        make_directory(scratch.context, "d");
        RmdirRace race;
        race.context = &scratch.context;
        auto remover = spawn_thread(remove_and_recreate_directory, &race, {.name = "rmdir", .pinned_cpu = 0});
        auto creator = spawn_thread(create_inside_directory, &race, {.name = "create", .pinned_cpu = 1});
        ASSERT_OK(remover);
        ASSERT_OK(creator);
        creator.value()->join();
        remover.value()->join();
        std::printf("rmdir race: %d files created inside a directory being removed\n", race.creations);
        EXPECT_GT(race.creations, 0);
        EXPECT_EQ(race.lost_files, 0);
        EXPECT_EQ(race.unexpected, 0);
    });
}

// A sticky directory (as /tmp): user 1000 may remove its own files but never root's. Root
// keeps putting a file of the user's at "x" and then replacing it with one of its own,
// while the user unlinks "x" whenever it can. An unlink checked against the user's file must
// not remove the root file that replaced it in between: root moves each of its files back
// from "x" afterwards, which fails if the user removed it.
struct StickyRace {
    static constexpr int rounds = 1500;
    const VfsContext* root;
    const VfsContext* user;
    std::atomic<bool> done {false};
    int removed_by_user = 0;
    int root_files_lost = 0;
    int unexpected = 0;
};

StringView numbered(char* buffer, const char* prefix, int number) {
    usize length = 0;
    for (const char* p = prefix; *p; ++p) buffer[length++] = *p;
    char digits[12];
    usize count = 0;
    do digits[count++] = char('0' + number % 10);
    while ((number /= 10) != 0);
    while (count) buffer[length++] = digits[--count];
    return {buffer, length};
}

void user_unlinks(void* argument) {
    auto* race = static_cast<StickyRace*>(argument);
    while (!race->done.load()) {
        auto result = vfs_unlink(*race->user, nullptr, StringView("d/x", 3));
        if (result.has_value()) ++race->removed_by_user;
        else if (result.error() != Errno::enoent && result.error() != Errno::eperm) ++race->unexpected;
    }
}

void root_replaces(void* argument) {
    auto* race = static_cast<StickyRace*>(argument);
    const StringView x("d/x", 3);
    char name[32];
    for (int i = 0; i < StickyRace::rounds; ++i) {
        // A file of the user's at "x" (root creates it with the user's credentials).
        StringView user_file = numbered(name, "d/u", i);
        if (vfs_open(*race->user, nullptr, user_file, abi::o_creat | abi::o_excl | abi::o_wronly, 0644).is_error() ||
            vfs_rename(*race->root, nullptr, user_file, nullptr, x, 0).is_error())
            ++race->unexpected;
        // Root's file replaces it (or takes the free name), then goes back to its own name.
        StringView root_file = numbered(name, "d/r", i);
        if (vfs_open(*race->root, nullptr, root_file, abi::o_creat | abi::o_excl | abi::o_wronly, 0644).is_error() ||
            vfs_rename(*race->root, nullptr, root_file, nullptr, x, 0).is_error())
            ++race->unexpected;
        auto back = vfs_rename(*race->root, nullptr, x, nullptr, root_file, 0);
        if (back.is_error()) {
            if (back.error() == Errno::enoent) ++race->root_files_lost;
            else ++race->unexpected;
        }
        if (i % 16 == 0) yield();
    }
    race->done = true;
}

TEST(VfsStress, StickyUnlinkNeverRemovesAFileThatReplacedTheOneChecked) {
    run_in_kernel([] {
        Scratch scratch("sticky-race");
        make_directory(scratch.context, "d", 01777);
        VfsContext user = scratch.as_user(1000, 1000);
        StickyRace race;
        race.root = &scratch.context;
        race.user = &user;
        auto unlinker = spawn_thread(user_unlinks, &race, {.name = "user", .pinned_cpu = 0});
        auto replacer = spawn_thread(root_replaces, &race, {.name = "root", .pinned_cpu = 1});
        ASSERT_OK(unlinker);
        ASSERT_OK(replacer);
        replacer.value()->join();
        unlinker.value()->join();
        std::printf("sticky race: the user removed %d of its files\n", race.removed_by_user);
        EXPECT_GT(race.removed_by_user, 0);
        EXPECT_EQ(race.unexpected, 0);
        EXPECT_EQ(race.root_files_lost, 0);
    });
}

}  // namespace
