// Bring-up of the file tree at boot: a tmpfs as "/", the standard directories, and (later
// in boot) the initramfs unpacked into it.
#pragma once

#include "../lib/result.h"

namespace kernel {

// Registers the built-in file system types and mounts the root tmpfs with /dev, /proc,
// /tmp, /etc and /root. Called once from kernel_main.
Result<void> init_root_file_system();

}  // namespace kernel
