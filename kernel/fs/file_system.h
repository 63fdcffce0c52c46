// FileSystem: one mounted instance of a file system type (a tmpfs, devfs, procfs...). It
// owns its root inode and hands out inode numbers and its device number.
#pragma once

#include <atomic>

#include "../lib/ref_ptr.h"
#include "../lib/types.h"

namespace kernel {

class Inode;

class FileSystem : public RefCounted<FileSystem> {
public:
    virtual ~FileSystem() = default;

    virtual const char* type_name() const = 0;
    virtual RefPtr<Inode> root() = 0;
    // Called when the last mount of this instance goes away (tmpfs frees its tree).
    virtual void unmounted() {}

    // An anonymous device number (major 0), unique per instance, as Linux gives to tmpfs.
    u64 device() const { return device_; }
    u64 allocate_inode_number() { return next_inode_.fetch_add(1, std::memory_order_relaxed); }

protected:
    FileSystem();

private:
    u64 device_;
    std::atomic<u64> next_inode_ {1};
};

}  // namespace kernel
