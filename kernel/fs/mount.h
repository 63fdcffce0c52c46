// Mounts: which file system is attached where. A Path names a place in the whole tree: a
// dentry within a mount. `..` at a mount's root continues at its mount point.
//
// Locking: the mount table has its own spinlock (leaf); it is never held across a file
// system call.
#pragma once

#include "../lib/function_ref.h"
#include "dentry.h"

namespace kernel {

class Mount;

struct Path {
    RefPtr<Mount> mount;
    RefPtr<Dentry> dentry;

    Inode& inode() const { return dentry->inode(); }
    bool is_valid() const { return mount && dentry; }
    bool operator==(const Path& other) const { return mount == other.mount && dentry == other.dentry; }
};

class Mount : public RefCounted<Mount> {
public:
    Mount(RefPtr<FileSystem> file_system, RefPtr<Dentry> root, KString source)
        : file_system_(std::move(file_system)), root_(std::move(root)), source_(std::move(source)) {}

    FileSystem& file_system() const { return *file_system_; }
    const RefPtr<Dentry>& root() const { return root_; }
    const RefPtr<Mount>& parent() const { return parent_; }          // nullptr for the root mount
    const RefPtr<Dentry>& mount_point() const { return mount_point_; }
    StringView source() const { return source_.view(); }

private:
    friend Result<void> mount_at(const Path&, RefPtr<FileSystem>, StringView);
    friend Result<void> unmount(const Path&);
    friend Result<Path> mount_root(RefPtr<FileSystem>, StringView);
    RefPtr<FileSystem> file_system_;
    RefPtr<Dentry> root_;
    KString source_;
    RefPtr<Mount> parent_;
    RefPtr<Dentry> mount_point_;

public:
    IntrusiveListNode list_node_;  // in the mount table (which holds a reference)
};

// Makes `file_system` the root of the tree (once, at boot); returns the root path.
Result<Path> mount_root(RefPtr<FileSystem> file_system, StringView source);
// The root of the tree (invalid before mount_root).
Path root_path();
// Mounts `file_system` on directory `target` (ENOTDIR otherwise); stacks on earlier mounts.
Result<void> mount_at(const Path& target, RefPtr<FileSystem> file_system, StringView source);
// Unmounts the mount whose root `target` is (EINVAL if it is not one, EBUSY if something
// is mounted below it or a file, directory or working directory still uses it).
Result<void> unmount(const Path& target);
// The top-most mount on `dentry` in `parent`, or nullptr.
RefPtr<Mount> mount_on(const Mount& parent, const Dentry& dentry);
// Visits the mounts in mount order.
void for_each_mount(FunctionRef<void(const Mount&)> visitor);

// Writes the absolute path of `path` as seen from `root` ("/" for root itself), NUL
// terminated; ENAMETOOLONG if it does not fit. A path outside `root` is written relative
// to the real root, like Linux's d_path for a chroot escapee; `outside_root` (when given)
// says whether that happened (getcwd then prefixes "(unreachable)").
Result<usize> absolute_path(const Path& path, const Path& root, char* buffer, usize size,
                            bool* outside_root = nullptr);

}  // namespace kernel
