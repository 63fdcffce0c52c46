// hostfs: a directory of the host, mounted in Newt (like User-Mode Linux's hostfs). Every
// inode holds an O_PATH descriptor of its host file, and every operation is a *at() call
// relative to such descriptors, one name at a time, never following a host symlink: a
// guest path cannot leave the mounted directory (the VFS resolves "..", and symlinks are
// read with readlinkat and resolved by the VFS in the guest's tree).
//
// The host file is the truth: metadata is reloaded from it at lookup, open, stat and after
// every change made here; data goes straight to it with pread/pwrite. Only mappings use
// memory of Newt's: a per-file page cache (page_cache.h) filled on demand; pages changed
// through shared mappings are written back on sync (fsync), before read/write/truncate
// touch them, and when the inode is released. Inodes are numbered with the host's st_ino,
// and one host file (st_dev, st_ino) has one inode, so hard links are one inode as on the
// host.
//
// Locking: the inode table's spinlock is a leaf (taken under the dentry tree lock when a
// detached dentry drops the last reference to an inode). Each regular file's data lock (a
// mutex) guards its lazily opened descriptors and its page cache and serializes writes,
// appends and truncation; it comes after AddressSpace::lock_ (page_for_mapping). Host calls
// are made with interrupts off (host_calls.h), never with a lock of the VFS's held longer
// than the VFS itself holds it.
#pragma once

#include <atomic>

#include "../../kernel/core/mutex.h"
#include "../../kernel/fs/inode.h"
#include "../../kernel/lib/intrusive_list.h"
#include "../../kernel/lib/spinlock.h"
#include "page_cache.h"

namespace hosted::hostfs {

using namespace kernel;

class HostfsFileSystem;

class HostfsInode final : public Inode {
public:
    // Takes over `path_fd` (an O_PATH descriptor of the host file whose metadata is `host`).
    HostfsInode(HostfsFileSystem& file_system, int path_fd, const FileStat& host, bool is_root);
    ~HostfsInode() override;

    int path_fd() const { return path_fd_; }
    u64 host_device() const { return host_device_; }

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
    Result<void> sync() override;
    Result<PhysAddr> page_for_mapping(u64 index) override;
    bool can_map_pages() const override { return is_regular(); }
    Result<RefPtr<OpenFile>> open(const Path& path, int flags) override;

    Result<void> change_metadata(const MetadataChange& change) override;
    void refresh_metadata() override;

    // Pages cached for mappings (tests).
    usize cached_pages();

private:
    friend class HostfsFileSystem;
    HostfsFileSystem& hostfs() const;
    // After a change: reloads this inode's metadata, or that of the inode for the host file
    // `entry` names in this directory (found with lookup_identity before the change).
    struct Identity {
        u64 device = 0, inode = 0;
        bool known = false;
    };
    Identity lookup_identity(const char* name);
    void refresh(const Identity& identity);
    // Creates the inode for new entry `name` (just made on the host): gives it the guest's
    // owner and permission bits where the host allows it.
    Result<RefPtr<Inode>> adopt_new_entry(const char* name, u32 uid, u32 gid, u32 permissions);

    // Regular files. The descriptors for reading, writing and appending, opened on first
    // use (through the O_PATH descriptor's magic link) and kept; "_locked": with data_lock_.
    Result<int> reading_fd();
    Result<int> reading_fd_locked();
    Result<int> writing_fd_locked();
    Result<int> appending_fd_locked();
    // Reloads the metadata from the host and returns it.
    Result<FileStat> reload_locked();
    // Drops the clean cached pages if the host file changed since they were filled (its
    // times or size differ from those noted), then notes `host`.
    void revalidate_cache_locked(const FileStat& host);
    void note_host_state_locked(const FileStat& host);
    // Writes back the dirty pages among [first, end), clipped to the host file's size.
    Result<void> write_back_locked(u64 first, u64 end);
    // Before this inode changes the host file (or reads it): revalidates the cache and
    // writes back its dirty pages in [first, end); after: notes the new state.
    Result<void> prepare_cache_for_change_locked(u64 first, u64 end);
    void finish_change_locked();
    // Copies bytes just written to the host at `offset` into the cached pages they overlap.
    void update_cached_pages_locked(u64 offset, const u8* data, usize length);

    const int path_fd_;
    const u64 host_device_;
    const bool is_root_;
    IntrusiveListNode table_node_;  // in the file system's inode table (guarded by its lock)
    bool in_table_ = false;

    Mutex data_lock_;
    std::atomic<int> reading_fd_ {-1};
    int writing_fd_ = -1;
    int appending_fd_ = -1;
    PageCache pages_;
    std::atomic<bool> has_cached_pages_ {false};
    // The host file's state when the cached pages were known to match it.
    Timespec cached_modify_time_, cached_change_time_;
    u64 cached_size_ = 0;
};

class HostfsFileSystem final : public FileSystem {
public:
    // The file-system type's factory: `source` is the host directory; no options.
    static Result<RefPtr<FileSystem>> create_from_options(StringView source, StringView options);

    const char* type_name() const override { return "hostfs"; }
    RefPtr<Inode> root() override;
    void unmounted() override;

    // The inode of the host file open as `fd` (an O_PATH descriptor, taken over: closed
    // when the file already has an inode) whose metadata is `host`.
    Result<RefPtr<HostfsInode>> inode_for(int fd, const FileStat& host);
    // The inode of host file (device, inode) if one is alive.
    RefPtr<HostfsInode> find_inode(u64 device, u64 inode);
    // Inodes alive (tests).
    usize inode_count();

    HostfsFileSystem() = default;

private:
    friend class HostfsInode;
    static constexpr usize bucket_count = 256;
    using Bucket = IntrusiveList<HostfsInode, &HostfsInode::table_node_>;
    Bucket& bucket(u64 device, u64 inode) { return buckets_[(device * 31 + inode) % bucket_count]; }
    RefPtr<HostfsInode> find_locked(u64 device, u64 inode);
    void forget(HostfsInode& inode);

    Spinlock table_lock_;
    Bucket buckets_[bucket_count];
    usize inode_count_ = 0;
    RefPtr<HostfsInode> root_;
};

// Registers "hostfs" in the file-system type table (again: nothing to do).
Result<void> register_hostfs();

}  // namespace hosted::hostfs
