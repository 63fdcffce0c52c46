// Ring 3 entry and exit (x86_64/user_mode.h has the design).
//
// void newt_enter_user(hal::UserContext* context, bool use_sysret)
//   Called by hal::enter_user with interrupts disabled, the user's FPU state, FS base and
//   (inactive) GS base already loaded. Pushes the callee-saved registers and records the
//   stack pointer as this CPU's kernel stack: TSS.rsp0 for interrupts and exceptions from
//   ring 3, the stack of the syscall entry, and the resume point. Then loads every user
//   register from the context, swaps GS and leaves through sysretq (rcx = rip and
//   r11 = rflags, rip canonical: the caller checked) or iretq. Never returns by itself: a
//   trap from ring 3 saves the user state and calls newt_resume_kernel, which pops the
//   callee-saved registers from that recorded stack and returns to enter_user's caller.
//
// newt_syscall_entry (IA32_LSTAR)
//   The CPU put the user rip in rcx and rflags in r11, cleared the flags in IA32_FMASK
//   (interrupts are off) and loaded the kernel CS/SS, nothing else. Swaps GS, switches to the
//   kernel stack, builds the same InterruptFrame an exception from ring 3 has (vector
//   SYSCALL_TRAP_VECTOR) and calls x86_user_trap(frame), which does not return.

#include "user_mode_layout.h"

    .text
    .globl newt_enter_user
    .type newt_enter_user, @function
newt_enter_user:
    .cfi_startproc
    pushq %rbp
    .cfi_adjust_cfa_offset 8
    pushq %rbx
    .cfi_adjust_cfa_offset 8
    pushq %r12
    .cfi_adjust_cfa_offset 8
    pushq %r13
    .cfi_adjust_cfa_offset 8
    pushq %r14
    .cfi_adjust_cfa_offset 8
    pushq %r15
    .cfi_adjust_cfa_offset 8
    movq %rsp, %gs:PER_CPU_KERNEL_STACK
    movq %gs:PER_CPU_TSS_RSP0, %rax
    movq %rsp, (%rax)
    testb %sil, %sil
    jz 1f

    // sysretq: rip from rcx, rflags from r11, CS/SS from IA32_STAR.
    movq USER_CONTEXT_RIP(%rdi), %rcx
    movq USER_CONTEXT_RFLAGS(%rdi), %r11
    movq USER_CONTEXT_RAX(%rdi), %rax
    movq USER_CONTEXT_RBX(%rdi), %rbx
    movq USER_CONTEXT_RDX(%rdi), %rdx
    movq USER_CONTEXT_RSI(%rdi), %rsi
    movq USER_CONTEXT_RBP(%rdi), %rbp
    movq USER_CONTEXT_R8(%rdi), %r8
    movq USER_CONTEXT_R9(%rdi), %r9
    movq USER_CONTEXT_R10(%rdi), %r10
    movq USER_CONTEXT_R12(%rdi), %r12
    movq USER_CONTEXT_R13(%rdi), %r13
    movq USER_CONTEXT_R14(%rdi), %r14
    movq USER_CONTEXT_R15(%rdi), %r15
    // From here until sysretq the stack is the user's: only NMIs (on their IST stack) and
    // machine checks can interrupt.
    movq USER_CONTEXT_RSP(%rdi), %rsp
    movq USER_CONTEXT_RDI(%rdi), %rdi
    swapgs
    sysretq

1:  // iretq: any rcx, r11 and rip.
    pushq $USER_DATA_SELECTOR
    pushq USER_CONTEXT_RSP(%rdi)
    pushq USER_CONTEXT_RFLAGS(%rdi)
    pushq $USER_CODE_SELECTOR
    pushq USER_CONTEXT_RIP(%rdi)
    movq USER_CONTEXT_RAX(%rdi), %rax
    movq USER_CONTEXT_RBX(%rdi), %rbx
    movq USER_CONTEXT_RCX(%rdi), %rcx
    movq USER_CONTEXT_RDX(%rdi), %rdx
    movq USER_CONTEXT_RSI(%rdi), %rsi
    movq USER_CONTEXT_RBP(%rdi), %rbp
    movq USER_CONTEXT_R8(%rdi), %r8
    movq USER_CONTEXT_R9(%rdi), %r9
    movq USER_CONTEXT_R10(%rdi), %r10
    movq USER_CONTEXT_R11(%rdi), %r11
    movq USER_CONTEXT_R12(%rdi), %r12
    movq USER_CONTEXT_R13(%rdi), %r13
    movq USER_CONTEXT_R14(%rdi), %r14
    movq USER_CONTEXT_R15(%rdi), %r15
    movq USER_CONTEXT_RDI(%rdi), %rdi
    swapgs
    iretq
    .cfi_endproc
    .size newt_enter_user, . - newt_enter_user

// [[noreturn]] void newt_resume_kernel()
//   Returns from the newt_enter_user in progress on this CPU (its stack is still there: every
//   trap from ring 3 ran below it, on the same stack, with interrupts off).
    .globl newt_resume_kernel
    .type newt_resume_kernel, @function
newt_resume_kernel:
    .cfi_startproc
    movq %gs:PER_CPU_KERNEL_STACK, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size newt_resume_kernel, . - newt_resume_kernel

    .globl newt_syscall_entry
    .type newt_syscall_entry, @function
newt_syscall_entry:
    .cfi_startproc simple
    .cfi_undefined rip
    swapgs
    movq %rsp, %gs:PER_CPU_USER_RSP
    movq %gs:PER_CPU_KERNEL_STACK, %rsp
    // The hardware part of an InterruptFrame, then the vector and a zero error code.
    pushq $USER_DATA_SELECTOR
    pushq %gs:PER_CPU_USER_RSP
    pushq %r11
    pushq $USER_CODE_SELECTOR
    pushq %rcx
    pushq $0
    pushq $SYSCALL_TRAP_VECTOR
    // The registers, in interrupt_stubs.S's order.
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    xorl %ebp, %ebp  // backtraces stop here instead of following the user's frame pointer
    andq $-16, %rsp
    call x86_user_trap
    ud2
    .cfi_endproc
    .size newt_syscall_entry, . - newt_syscall_entry

    .section .note.GNU-stack,"",@progbits
