// Kernel context switch for both x86_64 backends, hosted and bare metal (System V ABI).
//
// void newt_switch_stacks(void** save_stack_pointer, void* load_stack_pointer)
//   Pushes the callee-saved registers, stores %rsp, loads the other stack, pops its
//   callee-saved registers and returns into it.
// newt_context_trampoline
//   Where a fresh context "returns" to: calls newt_context_start(entry=%r12, arg=%r13).

    .text
    .globl newt_switch_stacks
    .type newt_switch_stacks, @function
newt_switch_stacks:
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
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    .cfi_adjust_cfa_offset -8
    popq %r14
    .cfi_adjust_cfa_offset -8
    popq %r13
    .cfi_adjust_cfa_offset -8
    popq %r12
    .cfi_adjust_cfa_offset -8
    popq %rbx
    .cfi_adjust_cfa_offset -8
    popq %rbp
    .cfi_adjust_cfa_offset -8
    ret
    .cfi_endproc
    .size newt_switch_stacks, .-newt_switch_stacks

    .globl newt_context_trampoline
    .type newt_context_trampoline, @function
newt_context_trampoline:
    .cfi_startproc
    .cfi_undefined rip
    xorl %ebp, %ebp
    movq %r12, %rdi
    movq %r13, %rsi
    call newt_context_start
    ud2
    .cfi_endproc
    .size newt_context_trampoline, .-newt_context_trampoline

    .section .note.GNU-stack,"",@progbits
