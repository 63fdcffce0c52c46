// Offsets shared by the user-mode assembly (user_entry.S) and C++: fields of x86::PerCpu
// reached through %gs and of hal::UserContext, the segment selectors sysret and iretq load,
// and the marker vector of a syscall. Plain #defines, so the assembler can read them;
// smp.h and user_mode.cpp check them against the C++ layouts with static_assert.
#pragma once

// x86::PerCpu (smp.h)
#define PER_CPU_KERNEL_STACK 16  // the kernel's rsp at enter_user: TSS.rsp0, syscall stack, resume point
#define PER_CPU_USER_RSP 24      // syscall entry: the user's rsp until it is on the kernel stack
#define PER_CPU_TSS_RSP0 32      // address of this CPU's TSS.rsp0

// hal::UserContext (kernel/hal/usermode.h)
#define USER_CONTEXT_RAX 0
#define USER_CONTEXT_RBX 8
#define USER_CONTEXT_RCX 16
#define USER_CONTEXT_RDX 24
#define USER_CONTEXT_RSI 32
#define USER_CONTEXT_RDI 40
#define USER_CONTEXT_RBP 48
#define USER_CONTEXT_RSP 56
#define USER_CONTEXT_R8 64
#define USER_CONTEXT_R9 72
#define USER_CONTEXT_R10 80
#define USER_CONTEXT_R11 88
#define USER_CONTEXT_R12 96
#define USER_CONTEXT_R13 104
#define USER_CONTEXT_R14 112
#define USER_CONTEXT_R15 120
#define USER_CONTEXT_RIP 128
#define USER_CONTEXT_RFLAGS 136

// GDT selectors (gdt.h). STAR's sysret base is the kernel data selector with RPL 3 (0x13):
// sysret loads SS = base + 8 and CS = base + 16.
#define KERNEL_CODE_SELECTOR 0x08
#define KERNEL_DATA_SELECTOR 0x10
#define USER_DATA_SELECTOR 0x1b
#define USER_CODE_SELECTOR 0x23

// The `vector` of an InterruptFrame built by the syscall entry (above every real vector).
#define SYSCALL_TRAP_VECTOR 256
