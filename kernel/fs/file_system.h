// FileSystem: one mounted instance of a file system type (a tmpfs, devfs, procfs...). It
// owns its root inode and hands out inode numbers and its device number.
#pragma once

#include <atomic>

#include "../lib/ref_ptr.h"
#include "../lib/types.h"

namespace kernel {

class Inode;

// What statfs(2) reports about a file system instance.
struct FileSystemStatistics {
    i64 magic = 0;  // f_type (abi/stat.h)
    u64 block_size = 4096;
    u64 blocks = 0, free_blocks = 0, available_blocks = 0;
    u64 files = 0, free_files = 0;  // 0 and 0: no inode limit
    u64 name_max = 255;
};

class FileSystem : public RefCounted<FileSystem> {
public:
    virtual ~FileSystem() = default;

    virtual const char* type_name() const = 0;
    virtual RefPtr<Inode> root() = 0;
    // Called when the last mount of this instance goes away (tmpfs frees its tree).
    virtual void unmounted() {}
    // statfs(2): the type's magic number and its space (the default: magic 0, no space).
    virtual FileSystemStatistics statistics() const { return {}; }

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
