// tmpfs: a file system in memory. Regular files keep their data in pages (sparse: holes
// read as zeros), directories keep their entries in insertion order with a stable cookie
// each, so readdir neither skips nor repeats entries while others are added or removed.
//
// Locking: one mutex per tmpfs guards the namespace (every directory's entries, link counts,
// parent links); each regular file has a mutex for its pages and size. Namespace before
// file, never the other way.
#pragma once

#include "../../core/mutex.h"
#include "../../lib/intrusive_list.h"
#include "../../lib/kstring.h"
#include "../inode.h"
#include "page_store.h"

namespace kernel {

class TmpfsInode;

class TmpfsFileSystem final : public FileSystem {
public:
    // `max_pages`: the size limit in pages (0: half of RAM, as Linux's default).
    // `type_name`: what mount tables call it ("devtmpfs" for the device tree).
    static Result<RefPtr<TmpfsFileSystem>> create(usize max_pages = 0, const char* type_name = "tmpfs");
    // For the file-system type table: options "size=N[kmg]" and "mode=OCTAL".
    static Result<RefPtr<FileSystem>> create_from_options(StringView source, StringView options);

    const char* type_name() const override { return type_name_; }
    RefPtr<Inode> root() override;
    void unmounted() override;
    // TMPFS_MAGIC; blocks are pages, the limit and what is free of it.
    FileSystemStatistics statistics() const override;
    // A kernel-owned instance that several mounts share (devtmpfs) keeps its tree when a
    // mount of it goes away.
    void keep_tree_when_unmounted() { keep_tree_ = true; }

    Mutex& namespace_lock() { return namespace_lock_; }
    // Page accounting: ENOSPC beyond the limit.
    Result<void> charge_page();
    void uncharge_pages(usize count);
    usize used_pages() const { return used_pages_.load(std::memory_order_relaxed); }
    usize max_pages() const { return max_pages_; }

    // Use create().
    TmpfsFileSystem(usize max_pages, const char* type_name) : max_pages_(max_pages), type_name_(type_name) {}

private:
    Mutex namespace_lock_;
    RefPtr<TmpfsInode> root_;
    const usize max_pages_;
    const char* const type_name_;
    bool keep_tree_ = false;
    std::atomic<usize> used_pages_ {0};
};

// Pages of file data held by every tmpfs instance together (/proc/meminfo's Shmem).
usize tmpfs_total_pages();

class TmpfsInode final : public Inode {
public:
    TmpfsInode(TmpfsFileSystem& file_system, u32 mode, u32 uid, u32 gid, u64 rdevice);
    ~TmpfsInode() override;

    Result<RefPtr<Inode>> lookup(StringView name) override;
    Result<RefPtr<Inode>> create(StringView name, u32 mode, u32 uid, u32 gid, u64 rdevice) override;
    Result<RefPtr<Inode>> create_symlink(StringView name, StringView target, u32 uid, u32 gid) override;
    Result<void> link(StringView name, Inode& target) override;
    Result<void> unlink(StringView name) override;
    Result<void> remove_directory(StringView name) override;
    Result<void> rename(StringView old_name, Inode& new_directory, StringView new_name) override;
    Result<void> iterate(u64 cookie, DirectoryVisitor visitor) override;
    bool is_empty_directory() override;
    Result<usize> read_link(IoBuffer& buffer, usize size) override;
    Result<usize> read(u64 offset, IoBuffer& buffer, usize count) override;
    Result<usize> write(u64 offset, const IoBuffer& buffer, usize count) override;
    Result<usize> append(const IoBuffer& buffer, usize count, u64& end) override;
    Result<void> truncate(u64 size) override;
    Result<PhysAddr> page_for_mapping(u64 index) override;
    bool can_map_pages() const override { return is_regular(); }
    Result<RefPtr<OpenFile>> open(const Path& path, int flags) override;
    // A regular file's pages (holes hold none), as Linux's tmpfs counts them.
    u64 allocated_blocks() const override { return pages_.page_count() * (hal::page_size / 512); }

    // Empties a directory tree (unmount of a whole tmpfs).
    void release_tree();

private:
    friend class TmpfsFileSystem;
    struct Entry {
        KString name;
        RefPtr<TmpfsInode> inode;
        u64 cookie;
        IntrusiveListNode node;
    };
    TmpfsFileSystem& tmpfs() const { return static_cast<TmpfsFileSystem&>(file_system()); }
    // With the namespace lock held.
    Entry* find_entry(StringView name) const;
    Result<void> add_entry(StringView name, RefPtr<TmpfsInode> inode);
    void remove_entry(Entry& entry);
    static void set_parent(TmpfsInode& directory, TmpfsInode* parent);
    // Regular files, with data_lock_ held.
    Result<usize> write_locked(u64 offset, const IoBuffer& buffer, usize count);
    // The page at `index`, allocated (and charged to the size limit) for a hole.
    Result<u8*> page_locked(u64 index);

    // Directories.
    IntrusiveList<Entry, &Entry::node> entries_;
    u64 next_cookie_ = 2;              // 0 is ".", 1 is ".."
    TmpfsInode* parent_ = nullptr;     // not a reference: the parent's entry references us
    // Symlinks.
    KString target_;
    // Regular files.
    Mutex data_lock_;
    PageStore pages_;
};

// Registers "tmpfs" in the file-system type table.
Result<void> register_tmpfs();

}  // namespace kernel
