#include "mount.h"

#include "../mm/heap.h"

namespace kernel {
namespace {

Spinlock mount_lock;  // mount_table, each mount's links
IntrusiveList<Mount, &Mount::list_node_> mount_table;
Path the_root;

}  // namespace

Result<Path> mount_root(RefPtr<FileSystem> file_system, StringView source) {
    RefPtr<Dentry> root = TRY(Dentry::make_root(file_system->root()));
    KString name = TRY(KString::copy(source));
    RefPtr<Mount> mount = TRY(make_ref<Mount>(std::move(file_system), root, std::move(name)));
    SpinlockGuard guard(mount_lock);
    if (the_root.is_valid()) return Errno::ebusy;
    mount->ref();
    mount_table.append(*mount);
    the_root = {mount, root};
    return the_root;
}

Path root_path() {
    SpinlockGuard guard(mount_lock);
    return the_root;
}

namespace {

// The root dentry of a mount of `file_system`, or nullptr when it is not mounted.
RefPtr<Dentry> mounted_root(const FileSystem& file_system) {
    SpinlockGuard guard(mount_lock);
    for (Mount& mount : mount_table)
        if (&mount.file_system() == &file_system) return mount.root();
    return nullptr;
}

}  // namespace

Result<void> mount_at(const Path& target, RefPtr<FileSystem> file_system, StringView source) {
    if (!target.inode().is_directory()) return Errno::enotdir;
    if (target.dentry->is_detached()) return Errno::enoent;
    // A file system mounted in several places (devtmpfs) has one dentry tree, as Linux has
    // one per superblock: a name removed through one mount is gone through all of them.
    RefPtr<Dentry> root = mounted_root(*file_system);
    if (!root) root = TRY(Dentry::make_root(file_system->root()));
    KString name = TRY(KString::copy(source));
    RefPtr<Mount> mount = TRY(make_ref<Mount>(std::move(file_system), root, std::move(name)));
    mount->parent_ = target.mount;
    mount->mount_point_ = target.dentry;
    target.dentry->add_mount();
    SpinlockGuard guard(mount_lock);
    mount->ref();
    mount_table.append(*mount);
    return ok();
}

Result<void> unmount(const Path& target) {
    Mount* mount = target.mount.get();
    RefPtr<Mount> doomed;
    bool last_of_its_file_system = true;
    {
        SpinlockGuard guard(mount_lock);
        if (!mount || target.dentry != mount->root_) return Errno::einval;
        if (!mount->parent_) return Errno::ebusy;  // the root stays
        for (Mount& other : mount_table)
            if (other.parent_.get() == mount) return Errno::ebusy;
        // References: the table's and the caller's `target`. Any other is a user (an open
        // file, a working directory, a path being walked).
        if (mount->ref_count() > 2) return Errno::ebusy;
        mount_table.remove(*mount);
        doomed = RefPtr<Mount>::adopt(mount);  // takes over the table's reference
        // Another mount of the same file system (devtmpfs) shares its dentry tree.
        for (Mount& other : mount_table)
            if (&other.file_system() == &mount->file_system()) last_of_its_file_system = false;
    }
    doomed->mount_point_->remove_mount();
    if (last_of_its_file_system) {
        // Nothing uses the mount any more: drop its cached names (which hold its inodes),
        // then let the file system free the rest.
        doomed->root_->detach_children();
        doomed->file_system().unmounted();
    }
    return ok();
}

RefPtr<Mount> mount_on(const Mount& parent, const Dentry& dentry) {
    if (!dentry.is_mount_point()) return nullptr;
    SpinlockGuard guard(mount_lock);
    Mount* found = nullptr;
    for (Mount& mount : mount_table)  // later mounts stack on top of earlier ones
        if (mount.parent().get() == &parent && mount.mount_point().get() == &dentry) found = &mount;
    return RefPtr<Mount>(found);
}

void for_each_mount(FunctionRef<void(const Mount&)> visitor) {
    // Snapshot under the lock, visit outside it (visitors format and allocate).
    constexpr usize batch = 64;
    RefPtr<Mount> mounts[batch];
    usize count = 0;
    {
        SpinlockGuard guard(mount_lock);
        for (Mount& mount : mount_table) {
            if (count == batch) break;
            mounts[count++] = RefPtr<Mount>(&mount);
        }
    }
    for (usize i = 0; i < count; ++i) visitor(*mounts[i]);
}

Result<usize> absolute_path(const Path& path, const Path& root, char* buffer, usize size, bool* outside_root) {
    if (outside_root) *outside_root = false;
    if (size < 2) return Errno::enametoolong;
    // Built backwards from the end of the buffer, one component at a time.
    usize position = size - 1;
    buffer[position] = '\0';
    Path current = path;
    char name[abi::name_max + 1];
    while (!(current == root)) {
        if (current.dentry == current.mount->root()) {
            if (!current.mount->parent()) {  // the real root: outside `root`
                if (outside_root) *outside_root = true;
                break;
            }
            current = {current.mount->parent(), current.mount->mount_point()};
            continue;
        }
        RefPtr<Dentry> parent = current.dentry->parent();
        if (!parent) {
            if (outside_root) *outside_root = true;
            break;
        }
        usize length = current.dentry->copy_name(name, sizeof name);
        if (length + 1 > position) return Errno::enametoolong;
        position -= length;
        kstd::memcpy(buffer + position, name, length);
        buffer[--position] = '/';
        current.dentry = parent;
    }
    if (position == size - 1) buffer[--position] = '/';
    usize length = size - 1 - position;
    kstd::memmove(buffer, buffer + position, length + 1);
    return length;
}

}  // namespace kernel
