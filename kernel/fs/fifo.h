// FIFOs (named pipes, fifo(7)): opening a FIFO node connects to the pipe that belongs to its
// inode. The pipe exists while the FIFO is open anywhere: the first open makes it, the last
// close drops it (with any unread data), so reopening starts empty.
//
// File systems call open_fifo from Inode::open for S_IFIFO nodes (tmpfs does); the binding
// from inode to pipe is kept here, not in the inode, so no file system stores anything.
#pragma once

#include "open_file.h"

namespace kernel {

// open(2) of FIFO `node` (named by `path`) with open flags `flags`. O_RDONLY waits for a
// writer to open (not with O_NONBLOCK), O_WRONLY waits for a reader (O_NONBLOCK without a
// reader: ENXIO), O_RDWR never waits. EINTR if a signal ends the wait (once signals exist).
Result<RefPtr<OpenFile>> open_fifo(const Path& path, Inode& node, int flags);

// How many FIFOs have a pipe now (open somewhere); for tests and diagnostics.
usize open_fifo_count();

}  // namespace kernel
