// procfs: the "proc" file system (mounted at /proc at boot). Read-only files whose text
// the kernel generates when they are opened: each open takes a snapshot that the open file
// owns, so every read of it is consistent (Linux generates at the first read, with
// seq_file; the effect for readers is the same). docs/devices-and-proc.md lists the files
// and their formats.
//
// The root directory starts with a fixed table of entries (proc_files.h) with stable inode numbers
// (the root is 1, as Linux's PROC_ROOT_INO). Creating a name in it fails with ENOENT and
// removing or renaming one with EPERM, as Linux answers root (an unprivileged caller gets
// EACCES from the VFS's permission check first). Files are 0444 root:root and report size
// 0; writing one that root opened for writing gives EIO.
//
// After the fixed files come /proc/self and one directory per process
// (process_directory.h); those entries go stale when their process is reaped, and the VFS
// drops them (Inode::is_stale, has_volatile_children).
#pragma once

#include "../../lib/result.h"

namespace kernel {

// Registers the type "proc" (once, at boot).
Result<void> register_procfs();

}  // namespace kernel
