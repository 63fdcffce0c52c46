// Checks with the host kernel what a stub process really maps. A guest can make the stub's
// report syscall itself, so a report that says "mapping changes applied" may be a lie told
// by guest code; after a change that takes access away, the kernel believes only the host
// (docs/security.md).
#pragma once

#include <cstdint>

#include "../kernel/hal/mmu.h"
#include "user_stub.h"

namespace hosted {

// True when every page the stub maps with any access in [start, end) is a page of the
// space's table, backed by the same frame, with no protection bit the table lacks. Uses the
// PROCMAP_QUERY ioctl on /proc/PID/maps (Linux 6.11+), else reads and parses that file.
// Takes the space's lock.
bool stub_mappings_within_table(const hal::AddressSpace& space, const UserStub& stub, std::uint64_t start,
                                std::uint64_t end);

// Tests: check by parsing /proc/PID/maps even where PROCMAP_QUERY exists.
void parse_stub_maps_file(bool always);

}  // namespace hosted
