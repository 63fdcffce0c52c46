// futex(2): FUTEX_WAIT, FUTEX_WAKE and their BITSET forms, keyed by the physical page and
// offset of the word, so private and shared futexes (MAP_SHARED memory between processes)
// both work. glibc's locks and pthread_once call it even in single-threaded programs;
// step 7's threads will use it in earnest (requeue, PI and robust futexes come then).
#pragma once

#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_futex(UserPtr<u32> address, int operation, u32 value, uptr timeout, UserPtr<u32> second, u32 third);

}  // namespace kernel
