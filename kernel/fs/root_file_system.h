// Bring-up of the file tree at boot: a tmpfs as "/", the standard directories, and (later
// in boot) the initramfs unpacked into it.
#pragma once

#include "../lib/result.h"

namespace kernel {

// Registers the built-in file system types (tmpfs, devtmpfs, proc), mounts the root tmpfs
// with /dev, /proc, /tmp, /etc and /root, then devtmpfs on /dev and proc on /proc. Called
// once from the first kernel thread, before the drivers create their device nodes.
Result<void> init_root_file_system();

}  // namespace kernel
