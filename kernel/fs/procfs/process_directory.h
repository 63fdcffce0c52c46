// The per-process part of procfs: /proc/<pid> directories (with fd/ inside) and the
// /proc/self link. Their inodes name a process by pid and serial, never by reference, so
// a cached /proc entry does not keep a reaped process alive; once the process is gone
// they report is_stale() and the VFS drops them. Inode numbers are derived from the pid,
// so a name keeps its number while the process lives.
#pragma once

#include "../../lib/ref_ptr.h"
#include "../../lib/result.h"
#include "../inode.h"

namespace kernel {

class Process;

// A decimal name as Linux's name_to_int reads it (digits only, no leading zero) below
// `limit`: pids in /proc, descriptors in fd/.
bool parse_proc_number(StringView name, u64 limit, u64& value);
// /proc/<pid> for `process`.
Result<RefPtr<Inode>> make_process_directory(FileSystem& file_system, Process& process);
// /proc/self: a symlink whose text is the reader's pid.
Result<RefPtr<Inode>> make_self_link(FileSystem& file_system);

}  // namespace kernel
