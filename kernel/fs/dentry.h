// Dentry: a name in the directory tree bound to an inode. Dentries form the tree the VFS
// walks: each knows its parent and caches the children looked up so far, so `..`, getcwd
// and mount points work without asking the file system. A dentry's inode never changes;
// unlink/rmdir/rename-over detach the dentry (it stays valid for whoever holds it, as a
// deleted file stays open) and rename moves it.
//
// Locking: one global tree lock (a spinlock, leaf) protects every dentry's name, parent,
// children and generation. File-system calls are never made under it, so a lookup asks the
// file system first and caches the answer after; the directory's generation tells whether
// a name went away in between (the answer is then stale and is not cached).
#pragma once

#include <atomic>

#include "../lib/intrusive_list.h"
#include "../lib/kstring.h"
#include "../lib/ref_ptr.h"
#include "inode.h"

namespace kernel {

class Dentry : public RefCounted<Dentry> {
public:
    // A root: no parent, empty name.
    static Result<RefPtr<Dentry>> make_root(RefPtr<Inode> inode);

    Inode& inode() const { return *inode_; }
    RefPtr<Inode> inode_ref() const { return inode_; }
    RefPtr<Dentry> parent() const;  // nullptr for a root
    bool is_root() const { return parent() == nullptr; }
    // Unlinked (or its directory removed): it is no longer reachable by name.
    bool is_detached() const;
    // Copies the name into `buffer` (NUL-terminated); returns its length.
    usize copy_name(char* buffer, usize size) const;

    // The cached child `name`, or nullptr; also reports the directory's generation, which
    // changes whenever a child is detached or moved (for add_child).
    RefPtr<Dentry> find_child(StringView name, u64* generation = nullptr) const;
    // Caches `inode` as child `name` (or returns the entry another thread cached first).
    // The inode was found (or created) by the file system after find_child reported
    // `generation`; if a name has gone from this directory since, the inode may no longer
    // be under `name` (an unlink or rename ran between the file system's answer and now):
    // then nothing is cached, `stale` is set and the result is a detached dentry for the
    // inode, which a lookup should retry and a creation may keep.
    Result<RefPtr<Dentry>> add_child(StringView name, RefPtr<Inode> inode, u64 generation, bool& stale);
    // The child `name` is gone from the directory: forget it.
    void detach_child(StringView name);
    // The same, only if `name` is still `child` (a revalidation that found it stale).
    void detach_child_if(StringView name, const Dentry& child);
    // Detaches every cached child whose inode is_stale() (checked outside the tree lock,
    // since a check may sleep).
    void prune_stale_children();
    // Forgets every cached descendant (unmount): children and parents reference each
    // other, so a tree that is no longer reachable must be taken apart to be freed.
    void detach_children();
    // Moves this dentry under `new_parent` as `new_name` (after the file system renamed it);
    // a cached dentry already there is detached first.
    Result<void> move_to(Dentry& new_parent, StringView new_name);
    // Whether this dentry is `ancestor` or below it (rename's subtree rule).
    bool is_descendant_of(const Dentry& ancestor) const;

    // Mounts on this dentry (a mount point is not removable: EBUSY).
    void add_mount() { mounts_.fetch_add(1, std::memory_order_relaxed); }
    void remove_mount() { mounts_.fetch_sub(1, std::memory_order_relaxed); }
    bool is_mount_point() const { return mounts_.load(std::memory_order_relaxed) > 0; }

    // Use make_root or add_child.
    Dentry(KString name, RefPtr<Inode> inode) : name_(std::move(name)), inode_(std::move(inode)) {}
    ~Dentry();

private:
    Dentry* find_child_locked(StringView name) const;
    void detach_locked(Dentry& child);

    KString name_;
    RefPtr<Dentry> parent_;
    RefPtr<Inode> inode_;
    IntrusiveListNode sibling_node_;
    IntrusiveList<Dentry, &Dentry::sibling_node_> children_;  // each holds a reference
    bool detached_ = false;
    u64 generation_ = 0;  // bumped whenever a child is detached or moved away
    std::atomic<u32> mounts_ {0};
};

}  // namespace kernel
