// What stat(2)/statx(2) report about a file, in kernel form (the syscall layer converts it
// to struct stat / struct statx).
#pragma once

#include "../lib/types.h"

namespace kernel {

struct Timespec {
    i64 seconds = 0;
    i64 nanoseconds = 0;

    static Timespec from_ns(u64 ns) { return {static_cast<i64>(ns / 1'000'000'000), static_cast<i64>(ns % 1'000'000'000)}; }
    bool operator==(const Timespec&) const = default;
};

// utimensat's special nanosecond values (Linux UTIME_NOW, UTIME_OMIT).
inline constexpr i64 utime_now = (1l << 30) - 1;
inline constexpr i64 utime_omit = (1l << 30) - 2;

struct FileStat {
    u64 device = 0;         // the file system's device number
    u64 inode = 0;
    u32 mode = 0;           // type and permission bits (abi/stat.h)
    u32 link_count = 0;
    u32 uid = 0, gid = 0;
    u64 rdevice = 0;        // device files: the device number
    u64 size = 0;
    u32 block_size = 4096;  // preferred I/O size
    u64 blocks = 0;         // 512-byte units actually allocated
    Timespec access_time, modify_time, change_time, birth_time;
};

}  // namespace kernel
