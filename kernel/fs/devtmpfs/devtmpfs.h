// devtmpfs: the device tree at /dev, as Linux's devtmpfs. It is a tmpfs instance the
// kernel owns and fills with a node for each device a driver registers (drivers call
// devtmpfs_create_node after register_character_device). Every mount of type "devtmpfs"
// shows that one instance, as on Linux: a node made with mknod in one mount appears in
// all, and unmounting never frees it. The root directory is 0755 root:root.
#pragma once

#include "../../lib/result.h"
#include "../../lib/string_view.h"
#include "../file_system.h"

namespace kernel {

// Creates the instance and registers the type "devtmpfs" (once, at boot).
Result<void> init_devtmpfs();
// The instance (nullptr before init_devtmpfs).
RefPtr<FileSystem> devtmpfs_instance();
// Creates the device node `name` (a single component) in the instance's root: `mode` holds
// the type (S_IFCHR or S_IFBLK) and the permission bits, owned by root. EEXIST when the
// name is taken, ENODEV before init_devtmpfs, EINVAL for other types.
Result<void> devtmpfs_create_node(StringView name, u32 mode, u32 major, u32 minor);

}  // namespace kernel
