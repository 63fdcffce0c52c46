// Shared memory files: regular tmpfs files that no directory names, for shared anonymous
// mappings (MAP_SHARED|MAP_ANONYMOUS, shared /dev/zero) and later memfd_create and SysV
// shared memory. They live in one kernel-internal tmpfs instance and go away with their
// last open file and mapping.
#pragma once

#include "../open_file.h"

namespace kernel {

// An unnamed read/write file of `size` bytes (holes: zero pages on first touch).
Result<RefPtr<OpenFile>> create_shared_memory_file(u64 size);

}  // namespace kernel
