// The memory character devices, major 1 as on Linux (drivers/char/mem.c): /dev/null (1,3),
// /dev/zero (1,5), /dev/full (1,7), /dev/random (1,8), /dev/urandom (1,9) and /dev/kmsg
// (1,11). One opener serves the whole major and picks the device by minor (ENXIO for the
// minors Newt does not have: mem, kmem, port, aio). null, zero and full live here; random
// and kmsg have their own files. docs/devices-and-proc.md lists the semantics.
#pragma once

#include "../fs/open_file.h"

namespace kernel {

inline constexpr u32 memory_devices_major = 1;

// Registers major 1 and creates the nodes in devtmpfs (once, at boot).
Result<void> init_memory_devices();

// lseek on a device whose position means nothing (Linux's null_lseek and noop_llseek):
// every whence lseek knows (SEEK_SET .. SEEK_HOLE) succeeds and gives 0; others EINVAL.
Result<u64> seek_without_position(int whence);

}  // namespace kernel
