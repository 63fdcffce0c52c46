// Interrupt entry stubs: one per vector, pushing a dummy error code where the CPU pushes
// none, then the vector, then a common path that saves the registers in an InterruptFrame
// (see interrupts.h) and calls x86_interrupt(frame), or x86_user_trap(frame) when the CPU
// was in ring 3 (user_mode.h). Coming from ring 3 it first swaps GS to the kernel's per-CPU
// block and clears the flags the interrupt left as the user had them (AC above all, which
// would lift SMAP); x86_user_trap never returns here.

    .text
    .macro STUB vector, has_error_code
    .align 16
    .if \has_error_code == 0
    pushq $0
    .endif
    pushq $\vector
    jmp interrupt_common
    .endm

    .macro STUBS_FROM first, last
    .if \first == 8 || \first == 10 || \first == 11 || \first == 12 || \first == 13 || \first == 14 || \first == 17 || \first == 21 || \first == 29 || \first == 30
    STUB \first, 1
    .else
    STUB \first, 0
    .endif
    .if \last - \first
    STUBS_FROM "(\first+1)", \last
    .endif
    .endm

    .align 16
interrupt_stub_0:
    STUBS_FROM 0, 63
    STUBS_FROM 64, 127
    STUBS_FROM 128, 191
    STUBS_FROM 192, 255

    .type interrupt_common, @function
interrupt_common:
    .cfi_startproc simple
    .cfi_signal_frame
    .cfi_def_cfa %rsp, 7*8
    testb $3, 3*8(%rsp)  // the interrupted CS (above the vector, error code and rip)
    jz 1f
    swapgs
    pushq $2             // rflags = only the always-one bit: AC, DF, TF off (IF already is)
    .cfi_adjust_cfa_offset 8
    popfq
    .cfi_adjust_cfa_offset -8
1:
    cld
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
    .cfi_adjust_cfa_offset 15*8
    movq %rsp, %rdi
    testb $3, 18*8(%rsp)  // the interrupted CS, above the 15 registers
    jnz .Lfrom_user
    // Keep the ABI's 16-byte alignment for the C++ handler.
    movq %rsp, %rbx
    andq $-16, %rsp
    call x86_interrupt
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp  // vector and error code
    iretq
.Lfrom_user:
    xorl %ebp, %ebp  // backtraces stop here instead of following the user's frame pointer
    andq $-16, %rsp
    call x86_user_trap
    ud2
    .cfi_endproc
    .size interrupt_common, . - interrupt_common

    .section .rodata
    .align 8
    .globl interrupt_stub_table
interrupt_stub_table:
    .set vector, 0
    .rept 256
    .quad interrupt_stub_0 + vector * 16
    .set vector, vector + 1
    .endr

    .section .note.GNU-stack,"",@progbits
