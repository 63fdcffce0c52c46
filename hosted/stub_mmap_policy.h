// Which mmap requests a stub may make. A guest can jump to the stub's syscall instruction and
// issue any mmap the filter lets through, so every mmap from a stub comes to the kernel (a
// seccomp user notification) and is allowed only if it maps exactly what the space's page
// table says, with at most the table's protection (docs/security.md). All arguments are
// scalars, so what is checked is what the host kernel then does.
#pragma once

#include <cstdint>

#include "../kernel/hal/mmu.h"

namespace hosted {

struct MmapRequest {
    std::uint64_t address, length, protection, flags, fd, offset;  // the raw syscall arguments
};

// Takes the space's lock.
bool stub_may_map(const hal::AddressSpace& space, const MmapRequest& request);

}  // namespace hosted
