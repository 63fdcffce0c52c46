// The initramfs: a cpio archive the boot loader hands over (BootInfo's initrd), unpacked
// into the root tmpfs before anything else runs, like Linux's init/initramfs.c.
#pragma once

#include "../lib/result.h"
#include "../lib/types.h"

namespace kernel {

struct InitramfsStats {
    usize entries = 0;   // entries created
    usize failed = 0;    // entries that could not be created (logged)
    bool complete = true;  // false: the archive was malformed; what came before was kept
};

// Unpacks the archive at `data` into "/" as root: directories, files (hard links kept),
// symlinks and device/FIFO nodes, with their modes, owners and mtimes. Existing files are
// replaced, existing directories kept. A malformed archive logs what and where and keeps
// every entry before it; it never fails the boot.
InitramfsStats unpack_initramfs(const u8* data, usize size);

}  // namespace kernel
