#include "file_descriptor_table.h"

#include "../mm/kmalloc.h"

namespace kernel {

FileDescriptorTable::~FileDescriptorTable() {
    for (int fd = 0; fd < capacity_; ++fd)
        if (slots_[fd].file) slots_[fd].file->unref();
    kfree(slots_);
}

Result<void> FileDescriptorTable::grow(int needed) {
    if (needed <= capacity_) return ok();
    int capacity = capacity_ ? capacity_ : 16;
    while (capacity < needed) capacity *= 2;
    if (capacity > max_descriptors) capacity = max_descriptors;
    auto* slots = static_cast<Slot*>(kzalloc(sizeof(Slot) * static_cast<usize>(capacity)));
    if (!slots) return Errno::enomem;
    if (capacity_) kstd::memcpy(slots, slots_, sizeof(Slot) * static_cast<usize>(capacity_));
    kfree(slots_);
    slots_ = slots;
    capacity_ = capacity;
    return ok();
}

Result<int> FileDescriptorTable::allocate(RefPtr<OpenFile> file, bool close_on_exec, int minimum, int limit) {
    if (limit > max_descriptors) limit = max_descriptors;
    if (minimum < 0 || minimum >= limit) return Errno::einval;
    SpinlockGuard guard(lock_);
    int fd = minimum;
    while (fd < capacity_ && slots_[fd].file) ++fd;
    if (fd >= limit) return Errno::emfile;
    TRY(grow(fd + 1));
    file->ref();
    slots_[fd] = {file.get(), close_on_exec};
    return fd;
}

bool FileDescriptorTable::is_full(int limit) const {
    if (limit > max_descriptors) limit = max_descriptors;
    SpinlockGuard guard(lock_);
    int fd = 0;
    while (fd < capacity_ && fd < limit && slots_[fd].file) ++fd;
    return fd >= limit;
}

Result<void> FileDescriptorTable::install_at(int fd, RefPtr<OpenFile> file, bool close_on_exec) {
    if (fd < 0 || fd >= max_descriptors) return Errno::ebadf;
    OpenFile* old;
    {
        SpinlockGuard guard(lock_);
        TRY(grow(fd + 1));
        old = slots_[fd].file;
        file->ref();
        slots_[fd] = {file.get(), close_on_exec};
    }
    if (old) old->unref();  // a last close may run file-system code: not under the lock
    return ok();
}

Result<RefPtr<OpenFile>> FileDescriptorTable::get(int fd) const {
    SpinlockGuard guard(lock_);
    if (fd < 0 || fd >= capacity_ || !slots_[fd].file) return Errno::ebadf;
    return RefPtr<OpenFile>(slots_[fd].file);
}

Result<void> FileDescriptorTable::close(int fd) {
    OpenFile* old;
    {
        SpinlockGuard guard(lock_);
        if (fd < 0 || fd >= capacity_ || !slots_[fd].file) return Errno::ebadf;
        old = slots_[fd].file;
        slots_[fd] = {};
    }
    old->unref();
    return ok();
}

Result<bool> FileDescriptorTable::close_on_exec(int fd) const {
    SpinlockGuard guard(lock_);
    if (fd < 0 || fd >= capacity_ || !slots_[fd].file) return Errno::ebadf;
    return slots_[fd].close_on_exec;
}

Result<void> FileDescriptorTable::set_close_on_exec(int fd, bool value) {
    SpinlockGuard guard(lock_);
    if (fd < 0 || fd >= capacity_ || !slots_[fd].file) return Errno::ebadf;
    slots_[fd].close_on_exec = value;
    return ok();
}

Result<void> FileDescriptorTable::copy_from(const FileDescriptorTable& other) {
    // Copy the other table's slots into a fresh array, then install it.
    Slot* slots = nullptr;
    int capacity;
    {
        SpinlockGuard guard(other.lock_);
        capacity = other.capacity_;
        if (capacity) {
            slots = static_cast<Slot*>(kzalloc(sizeof(Slot) * static_cast<usize>(capacity)));
            if (!slots) return Errno::enomem;
            for (int fd = 0; fd < capacity; ++fd) {
                slots[fd] = other.slots_[fd];
                if (slots[fd].file) slots[fd].file->ref();
            }
        }
    }
    Slot* old;
    int old_capacity;
    {
        SpinlockGuard guard(lock_);
        old = slots_;
        old_capacity = capacity_;
        slots_ = slots;
        capacity_ = capacity;
    }
    for (int fd = 0; fd < old_capacity; ++fd)
        if (old[fd].file) old[fd].file->unref();
    kfree(old);
    return ok();
}

void FileDescriptorTable::close_on_exec_now() {
    for (int fd = 0;; ++fd) {
        OpenFile* old = nullptr;
        {
            SpinlockGuard guard(lock_);
            if (fd >= capacity_) return;
            if (slots_[fd].file && slots_[fd].close_on_exec) {
                old = slots_[fd].file;
                slots_[fd] = {};
            }
        }
        if (old) old->unref();
    }
}

int FileDescriptorTable::count() const {
    SpinlockGuard guard(lock_);
    int count = 0;
    for (int fd = 0; fd < capacity_; ++fd) count += slots_[fd].file != nullptr;
    return count;
}

int FileDescriptorTable::next_open_at_or_after(int fd) const {
    SpinlockGuard guard(lock_);
    for (int candidate = fd < 0 ? 0 : fd; candidate < capacity_; ++candidate)
        if (slots_[candidate].file) return candidate;
    return -1;
}

int FileDescriptorTable::capacity() const {
    SpinlockGuard guard(lock_);
    return capacity_;
}

}  // namespace kernel
