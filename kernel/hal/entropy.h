// Entropy from the backend (hosted: getrandom; bare metal: RDRAND, else timer jitter).
#pragma once

#include "../lib/types.h"

namespace hal {

// Fills `buffer` with `length` bytes from the backend's entropy source. Returns true when
// every byte came from that source (hosted: the host's getrandom; bare metal: RDRAND);
// false when the source is missing or failed, in which case the bytes are only the
// backend's best effort (bare metal: port-I/O timing jitter; hosted: possibly unchanged)
// and must not be trusted alone. Callable with interrupts disabled and from interrupt
// handlers; it never blocks for long. The kernel CSPRNG (core/random.h) is its one user:
// everything else takes random bytes from there.
[[nodiscard]] bool entropy(void* buffer, kernel::usize length);

}  // namespace hal
