#include "fifo.h"

namespace kernel {

// Named pipes arrive with the pipe implementation (fs/pipe); until then a FIFO cannot be
// opened, which open(2) reports as ENXIO.
Result<RefPtr<OpenFile>> open_fifo(const Path&, Inode&, int) { return Errno::enxio; }

}  // namespace kernel
