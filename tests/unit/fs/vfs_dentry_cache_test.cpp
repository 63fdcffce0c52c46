// The dentry cache against concurrent namespace changes, made deterministic with a small
// file system whose lookup can be held at a gate: a thread looks a name up and stops inside
// the file system's lookup (it has the inode, the VFS has not cached it yet); the test body
// changes the directory meanwhile; then the lookup goes on. A lookup that raced a removal
// must not leave a cached name the file system no longer has.
#include <atomic>

#include "vfs_support.h"
#include "kernel/core/scheduler.h"
#include "kernel/mm/heap.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

// Gate state shared by the test body and the gated thread (no host calls in the latter).
struct Gate {
    std::atomic<bool> armed {false};     // the next lookup of `name` stops at the gate
    std::atomic<bool> entered {false};   // a lookup is waiting at the gate
    std::atomic<bool> released {false};  // it may go on
    char name[16] = {};
};

class GateFileSystem final : public FileSystem {
public:
    const char* type_name() const override { return "gate"; }
    RefPtr<Inode> root() override { return root_; }
    void unmounted() override { root_ = nullptr; }  // the root inode references us
    RefPtr<Inode> root_;
    Gate gate;
};

// A directory of up to eight entries, or a regular file; just enough for lookup, unlink and
// rename. Everything under one spinlock, no allocation in the operations.
class GateInode final : public Inode {
public:
    GateInode(GateFileSystem& file_system, u32 mode) : Inode(file_system, mode, 0, 0) {}

    Result<void> add(const char* name, RefPtr<Inode> inode) {
        SpinlockGuard guard(lock_);
        for (Entry& entry : entries_) {
            if (entry.inode) continue;
            kstd::strlcpy(entry.name, name, sizeof entry.name);
            entry.inode = std::move(inode);
            return ok();
        }
        return Errno::enospc;
    }

    Result<RefPtr<Inode>> lookup(StringView name) override {
        Gate& gate = static_cast<GateFileSystem&>(file_system()).gate;
        RefPtr<Inode> found;
        {
            SpinlockGuard guard(lock_);
            if (Entry* entry = find(name)) found = entry->inode;
        }
        bool expected = true;
        if (name == StringView(gate.name) && gate.armed.compare_exchange_strong(expected, false)) {
            gate.entered = true;
            while (!gate.released.load()) yield();
        }
        if (!found) return Errno::enoent;
        return found;
    }
    Result<void> unlink(StringView name) override {
        RefPtr<Inode> victim;  // dropped after the lock
        SpinlockGuard guard(lock_);
        Entry* entry = find(name);
        if (!entry) return Errno::enoent;
        victim = std::move(entry->inode);
        victim->decrement_link_count();
        return ok();
    }
    Result<void> rename(StringView old_name, Inode& new_directory, StringView new_name) override {
        if (&new_directory != this) return Errno::exdev;
        RefPtr<Inode> replaced;
        SpinlockGuard guard(lock_);
        Entry* source = find(old_name);
        if (!source) return Errno::enoent;
        if (Entry* target = find(new_name)) {
            if (target == source) return ok();
            replaced = std::move(target->inode);
        }
        usize length = new_name.length() < sizeof source->name - 1 ? new_name.length() : sizeof source->name - 1;
        kstd::memcpy(source->name, new_name.data(), length);
        source->name[length] = '\0';
        return ok();
    }
    Result<void> iterate(u64, DirectoryVisitor) override { return ok(); }

private:
    struct Entry {
        char name[16] = {};
        RefPtr<Inode> inode;
    };
    Entry* find(StringView name) {
        for (Entry& entry : entries_)
            if (entry.inode && StringView(entry.name) == name) return &entry;
        return nullptr;
    }
    Spinlock lock_;
    Entry entries_[8];
};

struct GatedMount {
    Scratch scratch {"gate"};
    RefPtr<GateFileSystem> file_system;
    RefPtr<GateInode> root;

    GatedMount(std::initializer_list<const char*> files) {
        file_system = make_ref<GateFileSystem>().release_value();
        root = make_ref<GateInode>(*file_system, abi::s_ifdir | 0755).release_value();
        root->set_link_count(2);
        file_system->root_ = RefPtr<Inode>(root.get());
        for (const char* name : files)
            EXPECT_OK(root->add(name, make_ref<GateInode>(*file_system, abi::s_ifreg | 0644).release_value()));
        make_directory(scratch.context, "m");
        EXPECT_OK(mount_at(path_of(scratch.context, "m"), RefPtr<FileSystem>(file_system.get()), "gate"));
    }
    ~GatedMount() {
        root = nullptr;
        Gate& gate = file_system->gate;
        gate.released = true;
        file_system = nullptr;
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
    }
    Gate& gate() { return file_system->gate; }
    void arm(const char* name) {
        kstd::strlcpy(gate().name, name, sizeof gate().name);
        gate().entered = false;
        gate().released = false;
        gate().armed = true;
    }
    void wait_until_entered() {
        while (!gate().entered.load()) sleep_ns(100'000);
    }
};

struct Lookup {
    const VfsContext* context;
    const char* path;
    Result<FileStat> result = Errno::eio;
};

RefPtr<Thread> start_lookup(Lookup& lookup) {
    auto thread = spawn_thread(
        +[](void* argument) {
            auto* lookup = static_cast<Lookup*>(argument);
            lookup->result = vfs_stat(*lookup->context, nullptr, lookup->path, false);
        },
        &lookup, {.name = "gated-lookup", .pinned_cpu = 1});
    EXPECT_OK(thread);
    return thread.is_error() ? RefPtr<Thread>() : thread.value();
}

TEST(VfsDentryCache, ALookupRacingAnUnlinkDoesNotCacheTheRemovedName) {
    run_in_kernel([] {
        GatedMount mounted({"x"});
        mounted.arm("x");
        Lookup lookup {&mounted.scratch.context, "m/x"};
        RefPtr<Thread> thread = start_lookup(lookup);
        ASSERT_TRUE(thread);
        mounted.wait_until_entered();  // it has found x's inode, nothing cached yet
        EXPECT_OK(vfs_unlink(mounted.scratch.context, nullptr, "m/x"));
        mounted.gate().released = true;
        thread->join();
        // Either order is a valid outcome for the racing stat; what must not happen is a
        // cached "x" that outlives the unlink.
        EXPECT_TRUE(lookup.result.has_value() || lookup.result.error() == Errno::enoent);
        EXPECT_ERRNO(vfs_stat(mounted.scratch.context, nullptr, "m/x", false), enoent);
    });
}

TEST(VfsDentryCache, ALookupRacingARenameDoesNotCacheTheOldName) {
    run_in_kernel([] {
        GatedMount mounted({"x"});
        mounted.arm("x");
        Lookup lookup {&mounted.scratch.context, "m/x"};
        RefPtr<Thread> thread = start_lookup(lookup);
        ASSERT_TRUE(thread);
        mounted.wait_until_entered();
        FileStat before = stat_of(mounted.scratch.context, "m/x");  // cached by this lookup
        EXPECT_OK(vfs_rename(mounted.scratch.context, nullptr, "m/x", nullptr, "m/y", 0));
        mounted.gate().released = true;
        thread->join();
        EXPECT_ERRNO(vfs_stat(mounted.scratch.context, nullptr, "m/x", false), enoent);
        EXPECT_EQ(stat_of(mounted.scratch.context, "m/y").inode, before.inode);
    });
}

TEST(VfsDentryCache, ALookupRacingARenameOverTheNameFindsTheNewFile) {
    run_in_kernel([] {
        GatedMount mounted({"x", "y"});
        FileStat x = stat_of(mounted.scratch.context, "m/x");
        mounted.arm("y");
        Lookup lookup {&mounted.scratch.context, "m/y"};
        RefPtr<Thread> thread = start_lookup(lookup);
        ASSERT_TRUE(thread);
        mounted.wait_until_entered();  // holds the old y
        EXPECT_OK(vfs_rename(mounted.scratch.context, nullptr, "m/x", nullptr, "m/y", 0));
        mounted.gate().released = true;
        thread->join();
        EXPECT_EQ(stat_of(mounted.scratch.context, "m/y").inode, x.inode);
        EXPECT_ERRNO(vfs_stat(mounted.scratch.context, nullptr, "m/x", false), enoent);
    });
}

}  // namespace
