// FIFOs (named pipes): opening a FIFO node connects to the pipe that belongs to its inode.
#pragma once

#include "open_file.h"

namespace kernel {

Result<RefPtr<OpenFile>> open_fifo(const Path& path, Inode& node, int flags);

}  // namespace kernel
