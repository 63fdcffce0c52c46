#include "hostfs.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "../../kernel/core/klog.h"
#include "../../kernel/fs/file_system_type.h"
#include "../../kernel/lib/kstring.h"
#include "../../kernel/mm/heap.h"
#include "host_calls.h"

namespace hosted::hostfs {

// ---- HostfsInode: life and metadata ----

HostfsInode::HostfsInode(HostfsFileSystem& file_system, int path_fd, const FileStat& host, bool is_root)
    : Inode(file_system, host.inode, host.mode, host.uid, host.gid, host.rdevice), path_fd_(path_fd),
      host_device_(host.device), is_root_(is_root) {
    load_metadata(host);
}

HostfsInode::~HostfsInode() {
    // The last reference: nobody else can use the pages or descriptors any more, so no lock
    // (this may run under the dentry tree's spinlock). Shared mappings' changes go home.
    if (!pages_.is_empty()) {
        if (auto written = write_back_locked(0, ~u64(0)); written.is_error())
            klog_warn("hostfs: inode %llu: writing back mapped pages failed: %s",
                      static_cast<unsigned long long>(number()), errno_name(written.error()));
        pages_.drop_from(0);
    }
    hostfs().forget(*this);
    int reading = reading_fd_.load(std::memory_order_relaxed);
    for (int fd : {reading, writing_fd_, appending_fd_, path_fd_}) close_host_fd(fd);
}

HostfsFileSystem& HostfsInode::hostfs() const { return static_cast<HostfsFileSystem&>(file_system()); }

void HostfsInode::refresh_metadata() {
    if (auto host = stat_host_file(path_fd_); host.has_value()) load_metadata(host.value());
}

Result<void> HostfsInode::change_metadata(const MetadataChange& change) {
    // Owner first: the host's chown clears set-user-ID bits that the new mode then states.
    Result<long> done = 0l;
    if (change.set_owner)
        done = host_call([&] { return fchownat(path_fd_, "", change.uid, change.gid, AT_EMPTY_PATH); });
    if (done.has_value() && change.set_mode) {
        DescriptorPath path(path_fd_);
        done = host_call([&] { return fchmodat(AT_FDCWD, path.c_str(), change.mode & 07777, 0); });
    }
    if (done.has_value() && change.set_times) {
        timespec times[2] = {{change.access.seconds, change.access.nanoseconds},
                             {change.modify.seconds, change.modify.nanoseconds}};
        done = host_call([&] { return utimensat(path_fd_, "", times, AT_EMPTY_PATH); });
    }
    // chown(-1, -1): only the change time moves, as the host's own chown does it.
    if (!change.set_owner && !change.set_mode && !change.set_times)
        done = host_call([&] { return fchownat(path_fd_, "", ~0u, ~0u, AT_EMPTY_PATH); });
    refresh_metadata();
    if (done.is_error()) return done.error();
    return ok();
}

// ---- HostfsFileSystem ----

Result<RefPtr<FileSystem>> HostfsFileSystem::create_from_options(StringView source, StringView options) {
    if (!options.is_empty()) return Errno::einval;  // none are known
    if (source.is_empty() || source.contains('\0')) return Errno::einval;
    KString path = TRY(KString::copy(source));
    int fd = static_cast<int>(TRY(host_call([&] { return open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC); })));
    auto host = stat_host_file(fd);
    if (host.is_error()) {
        close_host_fd(fd);
        return host.error();
    }
    auto file_system = make_ref<HostfsFileSystem>();
    if (file_system.is_error()) {
        close_host_fd(fd);
        return file_system.error();
    }
    auto root = make_ref<HostfsInode>(*file_system.value(), fd, host.value(), true);
    if (root.is_error()) {
        close_host_fd(fd);
        return root.error();
    }
    RefPtr<HostfsFileSystem> instance = file_system.release_value();
    instance->root_ = root.release_value();
    {
        SpinlockGuard guard(instance->table_lock_);
        instance->bucket(host->device, host->inode).append(*instance->root_);
        instance->root_->in_table_ = true;
        ++instance->inode_count_;
    }
    return RefPtr<FileSystem>(instance.get());
}

RefPtr<Inode> HostfsFileSystem::root() { return RefPtr<Inode>(root_.get()); }

void HostfsFileSystem::unmounted() {
    // The root inode references this file system: let go of it, or neither is ever freed.
    // The other inodes went with the cached dentries; the last one frees the instance.
    root_.clear();
}

RefPtr<HostfsInode> HostfsFileSystem::find_locked(u64 device, u64 inode) {
    for (HostfsInode& candidate : bucket(device, inode)) {
        // An inode whose last reference is going (its destructor waits for this lock to
        // leave the table) is not found.
        if (candidate.host_device() == device && candidate.number() == inode && candidate.try_ref())
            return RefPtr<HostfsInode>::adopt(&candidate);
    }
    return nullptr;
}

RefPtr<HostfsInode> HostfsFileSystem::find_inode(u64 device, u64 inode) {
    SpinlockGuard guard(table_lock_);
    return find_locked(device, inode);
}

Result<RefPtr<HostfsInode>> HostfsFileSystem::inode_for(int fd, const FileStat& host) {
    if (RefPtr<HostfsInode> existing = find_inode(host.device, host.inode)) {
        close_host_fd(fd);
        existing->load_metadata(host);
        return existing;
    }
    // Made outside the table lock (the heap takes locks of its own); another lookup of the
    // same file may win meanwhile, and then this one is dropped (closing `fd`).
    auto made = make_ref<HostfsInode>(*this, fd, host, false);
    if (made.is_error()) {
        close_host_fd(fd);
        return made.error();
    }
    RefPtr<HostfsInode> inode = made.release_value();
    RefPtr<HostfsInode> winner;
    {
        SpinlockGuard guard(table_lock_);
        winner = find_locked(host.device, host.inode);
        if (!winner) {
            bucket(host.device, host.inode).append(*inode);
            inode->in_table_ = true;
            ++inode_count_;
        }
    }
    if (winner) {
        winner->load_metadata(host);
        return winner;
    }
    return inode;
}

void HostfsFileSystem::forget(HostfsInode& inode) {
    SpinlockGuard guard(table_lock_);
    if (!inode.in_table_) return;
    bucket(inode.host_device(), inode.number()).remove(inode);
    inode.in_table_ = false;
    --inode_count_;
}

usize HostfsFileSystem::inode_count() {
    SpinlockGuard guard(table_lock_);
    return inode_count_;
}

Result<void> register_hostfs() {
    auto registered = register_file_system_type("hostfs", HostfsFileSystem::create_from_options);
    if (registered.is_error() && registered.error() == Errno::ebusy) return ok();
    return registered;
}

}  // namespace hosted::hostfs
