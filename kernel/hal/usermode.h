// User mode: how a kernel thread runs user code. The portable kernel runs one loop for every
// user thread:
//   for (;;) { Trap trap = enter_user(space, context); handle(trap); deliver_signals(); }
// Bare metal: ring 3 through sysret/iretq, back through syscall, exceptions and interrupts.
// Hosted: a stub host process per address space whose syscalls and faults are trapped
// (seccomp, signals) and reported through a shared page (docs/hal.md).
//
// Both backends run x86-64 Linux programs, so the register file is one concrete layout.
#pragma once

#include "../lib/types.h"
#include "backend.h"
#include "mmu.h"

namespace hal {

// The FPU/SSE/AVX state in the XSAVE standard format: the 512-byte FXSAVE legacy region
// (FCW at byte 0, MXCSR at byte 24, XMM0 at byte 160), the 64-byte XSAVE header (XSTATE_BV
// at byte 512), then the extended components at their CPUID leaf 0xD offsets. A header
// with XSTATE_BV = 0 is the initial state of every component above SSE.
inline constexpr kernel::usize fpu_state_size = backend::Traits::fpu_state_size;

// A user thread's registers. The kernel reads the syscall number and arguments from it and
// writes results and new register values (exec, signal delivery) into it; enter_user()
// resumes exactly this state (rcx and r11 included: a backend that returns with sysret
// must fall back to iretq when they do not match what sysret would restore).
struct alignas(64) UserContext {
    kernel::u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    kernel::u64 r8, r9, r10, r11, r12, r13, r14, r15;
    kernel::u64 rip, rflags;
    kernel::u64 fs_base, gs_base;
    alignas(64) kernel::u8 fpu[fpu_state_size];
};

// Sets the registers a fresh execve leaves (everything zero but rflags = 0x202 (IF), FCW
// 0x37f, MXCSR 0x1f80, all other FPU components in their initial state).
void reset_user_context(UserContext& context);

enum class TrapKind : kernel::u32 {
    syscall,     // rax = number, rdi rsi rdx r10 r8 r9 = arguments; rip is past the syscall
    page_fault,  // `address`, `access`, `present` say where and how; rip at the instruction
    exception,   // `vector` (and `error_code`): divide error, invalid opcode, #GP, int3, ...
    interrupt,   // a device interrupt or the timer (preemption) stopped the thread; it may
                 // come before any user instruction ran (an interrupt already pending)
};

enum Access : kernel::u32 { access_read = 1, access_write = 2, access_execute = 4 };

struct Trap {
    TrapKind kind;
    kernel::uptr address = 0;    // page_fault: faulting address
    kernel::u32 access = 0;      // page_fault: Access bits (exactly one)
    // page_fault: the space maps the page (translate() finds it, prot_none included), so the
    // access broke its protection (Linux: SEGV_ACCERR). False for every address outside
    // [user_space_start, user_space_end), even where the kernel has a page: none of the
    // space's (Linux: SEGV_MAPERR).
    bool present = false;
    kernel::u32 vector = 0;      // exception: CPU exception number (6 #UD, 13 #GP, 3 #BP, ...)
    kernel::u64 error_code = 0;  // exception: the CPU's error code where it has one
};

// Runs user code in `space` with `context` on the current CPU until it traps; returns why,
// with `context` updated to the user state at the trap. Called from a kernel thread with
// interrupts enabled; returns with interrupts enabled. An interrupt that arrives while user
// code runs is handled by the backend as for kernel code (the handler runs, then this
// returns TrapKind::interrupt so the kernel can reschedule).
//
// What every backend guarantees:
// - A context the CPU cannot load (rip, fs_base or gs_base not canonical) is refused: no
//   user code runs and the result is exception #GP (13), error code 0, `context` unchanged.
// - Every `syscall` instruction traps as TrapKind::syscall, with all 64 bits of rax, except
//   on hosted, where a recent Linux host answers two numbers itself, before any seccomp
//   filter (docs/hal.md): with 335 (uretprobe) in rax's low half the result is exception
//   #UD after the syscall with rax = -1, with 336 (uprobe) rax = -ENXIO and no trap at all,
//   as for any program on that host.
// - User code that touches an address no mapping of the space allows takes a page fault
//   there, kernel addresses and the rest of the address space outside the user range
//   included; on hosted, except the stub's own pages 64 KiB and more above user_space_end,
//   which user code can reach (docs/security.md).
Trap enter_user(AddressSpace& space, UserContext& context);

}  // namespace hal
