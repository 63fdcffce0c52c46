#include "dentry.h"

#include <new>

#include "../mm/heap.h"
#include "../mm/kmalloc.h"

namespace kernel {
namespace {

Spinlock tree_lock;  // every dentry's name_, parent_, children_, detached_

}  // namespace

Result<RefPtr<Dentry>> Dentry::make_root(RefPtr<Inode> inode) {
    KString name = TRY(KString::copy(""));
    return make_ref<Dentry>(std::move(name), std::move(inode));
}

Dentry::~Dentry() {
    // Children hold a reference to us, so there are none left; nothing to unlink.
}

RefPtr<Dentry> Dentry::parent() const {
    SpinlockGuard guard(tree_lock);
    return parent_;
}

bool Dentry::is_detached() const {
    SpinlockGuard guard(tree_lock);
    return detached_;
}

usize Dentry::copy_name(char* buffer, usize size) const {
    SpinlockGuard guard(tree_lock);
    return kstd::strlcpy(buffer, name_.c_str(), size);
}

Dentry* Dentry::find_child_locked(StringView name) const {
    for (Dentry& child : children_)
        if (child.name_.view() == name) return &child;
    return nullptr;
}

RefPtr<Dentry> Dentry::find_child(StringView name, u64* generation) const {
    SpinlockGuard guard(tree_lock);
    if (generation) *generation = generation_;
    return RefPtr<Dentry>(find_child_locked(name));
}

Result<RefPtr<Dentry>> Dentry::add_child(StringView name, RefPtr<Inode> inode, u64 generation, bool& stale) {
    stale = false;
    KString copy = TRY(KString::copy(name));
    RefPtr<Dentry> child = TRY(make_ref<Dentry>(std::move(copy), std::move(inode)));
    SpinlockGuard guard(tree_lock);
    if (Dentry* existing = find_child_locked(name)) return RefPtr<Dentry>(existing);
    if (detached_) return Errno::enoent;  // the directory was removed meanwhile
    child->parent_ = RefPtr<Dentry>(this);
    if (generation != generation_) {
        stale = true;
        child->detached_ = true;
        return child;
    }
    child->ref();  // the cache's reference
    children_.append(*child);
    return child;
}

void Dentry::detach_locked(Dentry& child) {
    ++generation_;
    children_.remove(child);
    child.detached_ = true;
    // Its cached children cannot be reached by name any more either.
    while (Dentry* grandchild = child.children_.first()) child.detach_locked(*grandchild);
    // The parent link stays (for `..` of a process inside a removed directory); only the
    // cache's reference goes. Dropping it under the lock is safe: the child's parent_ still
    // references us, so a destructor triggered here frees only the child.
    child.unref();
}

void Dentry::detach_child(StringView name) {
    SpinlockGuard guard(tree_lock);
    if (Dentry* child = find_child_locked(name)) detach_locked(*child);
}

void Dentry::detach_child_if(StringView name, const Dentry& expected) {
    SpinlockGuard guard(tree_lock);
    if (Dentry* child = find_child_locked(name); child == &expected) detach_locked(*child);
}

void Dentry::prune_stale_children() {
    usize count;
    {
        SpinlockGuard guard(tree_lock);
        count = children_.size();
    }
    if (count == 0) return;
    auto* children = static_cast<RefPtr<Dentry>*>(kmalloc(sizeof(RefPtr<Dentry>) * count));
    if (!children) return;  // nothing lost: stale entries are also dropped when looked up
    usize taken = 0;
    {
        SpinlockGuard guard(tree_lock);
        for (Dentry& child : children_) {
            if (taken == count) break;
            new (&children[taken++]) RefPtr<Dentry>(&child);
        }
    }
    for (usize i = 0; i < taken; ++i) {
        Dentry& child = *children[i];
        if (child.inode().is_stale()) {
            SpinlockGuard guard(tree_lock);
            if (child.parent_.get() == this && !child.detached_) detach_locked(child);
        }
    }
    for (usize i = 0; i < taken; ++i) children[i].~RefPtr<Dentry>();
    kfree(children);
}

void Dentry::detach_children() {
    SpinlockGuard guard(tree_lock);
    while (Dentry* child = children_.first()) detach_locked(*child);
}

Result<void> Dentry::move_to(Dentry& new_parent, StringView new_name) {
    KString name = TRY(KString::copy(new_name));
    RefPtr<Dentry> old_parent;  // released after the lock
    SpinlockGuard guard(tree_lock);
    if (Dentry* existing = new_parent.find_child_locked(new_name); existing && existing != this)
        new_parent.detach_locked(*existing);
    if (parent_ && !detached_) {
        parent_->children_.remove(*this);
        ++parent_->generation_;  // the old name is gone
    } else {
        ref();  // re-entering a cache: it takes a reference
    }
    old_parent = std::move(parent_);
    parent_ = RefPtr<Dentry>(&new_parent);
    name_ = std::move(name);
    detached_ = false;
    new_parent.children_.append(*this);
    return ok();
}

bool Dentry::is_descendant_of(const Dentry& ancestor) const {
    SpinlockGuard guard(tree_lock);
    for (const Dentry* dentry = this; dentry; dentry = dentry->parent_.get())
        if (dentry == &ancestor) return true;
    return false;
}

}  // namespace kernel
