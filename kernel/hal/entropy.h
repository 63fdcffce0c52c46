// Entropy from the backend (hosted: getrandom; bare metal: RDRAND/RDSEED + timer jitter).
#pragma once

#include "../lib/types.h"

namespace hal {

void entropy(void* buffer, kernel::usize length);

}  // namespace hal
