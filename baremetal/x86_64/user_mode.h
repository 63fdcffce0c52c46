// Ring 3 on x86_64: the per-CPU setup for syscall/sysret, and how traps get back to
// hal::enter_user (baremetal/hal/usermode.cpp).
//
// The trap-return shape (a longjmp): enter_user records a UserEntry in the CPU's PerCpu and
// calls newt_enter_user (user_entry.S), which pushes the callee-saved registers, makes that
// stack pointer the CPU's kernel stack (TSS.rsp0 and the syscall entry's stack) and leaves
// for ring 3. Every way back from ring 3 (syscall, exception, interrupt) lands on that stack
// below the saved registers, builds an InterruptFrame and calls x86_user_trap, which copies
// the user state into the entry's UserContext (registers, FS and GS bases, FPU), fills its
// Trap, and calls newt_resume_kernel: enter_user's call returns, with interrupts disabled.
#pragma once

#include "../../kernel/hal/usermode.h"
#include "interrupts.h"

namespace x86 {

// The enter_user in progress on a CPU (on enter_user's stack; PerCpu::user_entry).
struct UserEntry {
    hal::AddressSpace* space;
    hal::UserContext* context;
    hal::Trap* trap;
};

// The calling CPU's user-mode setup: EFER.SCE, STAR (kernel CS 0x08 for syscall, 0x13 as
// sysret's base: SS 0x1b, CS 0x23), LSTAR (newt_syscall_entry), FMASK (every flag but bit 1:
// interrupts off, DF, TF, AC, NT, IOPL cleared on entry), SMEP and SMAP when the CPU has
// them (the kernel reaches user memory only through the direct map, so it never needs
// STAC), CR0.AM (alignment checks for user code that sets AC, as on Linux) and the FPU
// (fpu.h). `cpu` finds its TSS.rsp0 for the CPU's PerCpu. Call after its GDT and GS base.
void init_user_mode(unsigned cpu);

}  // namespace x86

extern "C" {
// user_entry.S
void newt_enter_user(hal::UserContext* context, bool use_sysret);
[[noreturn]] void newt_resume_kernel();
void newt_syscall_entry();
// Every trap from ring 3 (interrupt_stubs.S, newt_syscall_entry), interrupts disabled and
// the kernel's GS base active.
[[noreturn]] void x86_user_trap(x86::InterruptFrame* frame);
}
