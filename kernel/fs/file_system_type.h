// File system types by name ("tmpfs", "devfs", "proc"), for mount(2) and the boot code.
#pragma once

#include "../lib/function_ref.h"
#include "../lib/result.h"
#include "../lib/string_view.h"
#include "file_system.h"

namespace kernel {

using FileSystemFactory = Result<RefPtr<FileSystem>> (*)(StringView source, StringView options);

// Registers a type (ENOSPC when the table is full, EBUSY when the name is taken).
// `needs_device`: it mounts a block device (ext2), not memory or the kernel ("nodev" in
// /proc/filesystems).
Result<void> register_file_system_type(const char* name, FileSystemFactory factory, bool needs_device = false);
// Makes a new instance of `name` (ENODEV for an unknown type).
Result<RefPtr<FileSystem>> create_file_system(StringView name, StringView source, StringView options);
// Visits the registered types in registration order (/proc/filesystems).
void for_each_file_system_type(FunctionRef<void(const char* name, bool needs_device)> visitor);

}  // namespace kernel
