// User mode: DECLARED ONLY, implemented with processes in step 4.
//
// The portable kernel runs one loop for every user thread:
//   for (;;) { Trap trap = enter_user(context); handle(trap); deliver_signals(); }
// Bare metal: syscall/sysret, exceptions through the IDT, iretq. Hosted: a stub host process
// per address space whose syscalls and faults are trapped (seccomp, signals) and reported
// through a shared page.
#pragma once

#include "../lib/types.h"

namespace hal {

// A user thread's registers: GPRs, rip, rflags, fs/gs base, FPU/SSE state. Backend-defined.
struct UserContext;

enum class TrapKind : kernel::u32 {
    syscall,     // number and arguments are in the UserContext registers (Linux ABI)
    page_fault,  // `address` and `access` say where and how
    exception,   // `vector`: divide error, invalid opcode, general protection, ...
    interrupt,   // a device interrupt or the timer (preemption) stopped the thread
};

enum Access : kernel::u32 { access_read = 1, access_write = 2, access_execute = 4 };

struct Trap {
    TrapKind kind;
    kernel::uptr address;  // page_fault: faulting address
    kernel::u32 access;    // page_fault: Access bits
    kernel::u32 vector;    // exception: CPU exception number
};

// Runs the current thread in user mode with `context` until it traps; returns why, with
// `context` updated to the user state at the trap.
Trap enter_user(UserContext& context);

}  // namespace hal
