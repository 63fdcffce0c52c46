// The mount table as text, in the format of Linux's /proc/mounts (also the monitor's
// `mounts`): one line per mount, "source mount-point type options 0 0\n". Spaces, tabs,
// newlines and backslashes in the source and the mount point are written as octal escapes
// ("\040"), as Linux's mangle() does, so that the line splits on spaces.
#pragma once

#include "../lib/function_ref.h"
#include "mount.h"

namespace kernel {

// Calls visit(line, length) for every mount visible from `root` (a process's root
// directory: mounts outside it are left out, as Linux does), in mount order. ENOMEM when
// the line buffers cannot be allocated.
Result<void> for_each_mount_line(const Path& root, FunctionRef<void(const char* line, usize length)> visit);

}  // namespace kernel
