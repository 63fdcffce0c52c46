// Bring-up of the file tree at boot: a tmpfs as "/", the standard directories, and (later
// in boot) the initramfs unpacked into it.
#pragma once

#include "../lib/result.h"
#include "../lib/types.h"

namespace kernel {

// Registers the built-in file system types (tmpfs, devtmpfs, proc), mounts the root tmpfs
// with /dev, /proc, /tmp, /etc and /root, unpacks the initramfs (when the boot loader gave
// one: initrd_size > 0) and frees its memory, then mounts devtmpfs on /dev and proc on
// /proc. Called once, from the first kernel thread, before the drivers create their device
// nodes.
Result<void> init_root_file_system(PhysAddr initrd_base, u64 initrd_size);

}  // namespace kernel
