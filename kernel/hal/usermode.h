// User mode. Declared now, implemented with processes in step 4.
//
// UserContext holds a user thread's registers (GPRs, rip, rflags, fs/gs base, FPU/SSE
// state); `Trap enter_user(UserContext&)` runs the thread in user mode until it traps and
// says why: syscall, page fault (address, access), other exception, or interrupt.
#pragma once

#include "../lib/types.h"

namespace hal {

enum class TrapKind : kernel::u32 { syscall, page_fault, exception, interrupt };

}  // namespace hal
