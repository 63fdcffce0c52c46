// Small x86-64 user programs for the hosted user-mode tests. They are data here (copied into
// frames and mapped into a user address space by the tests), never run in the test process.
// Registers are set up by the tests; each program reports through syscalls.
#define STUB_SYSCALL 0x7f0000010000  /* NEWT_STUB_SYSCALL_ADDRESS: "syscall; ret" */

.macro program name
    .globl guest_\name
guest_\name:
.endm
.macro end name
    .globl guest_\name\()_end
guest_\name\()_end:
.endm

    .section .rodata.guest_programs, "a"

// rax = r12, syscall, rbx += result, r12++, forever.
program syscall_loop
1:  mov %r12, %rax
    syscall
    add %rax, %rbx
    inc %r12
    jmp 1b
end syscall_loop

program load
    mov (%rdi), %rax
    syscall
end load

program store
    movq $1, (%rdi)
    syscall
end store

program ud2
    ud2
end ud2

program int3
    int3
    syscall
end int3

program divide_by_zero
    xor %ecx, %ecx
    div %rcx
end divide_by_zero

program hlt
    hlt
end hlt

// rbx counts, forever.
program spin
1:  inc %rbx
    jmp 1b
end spin

program fs_gs
1:  mov %fs:0, %rax
    mov %gs:8, %rbx
    syscall
    jmp 1b
end fs_gs

program set_fs_gs
    wrfsbase %rdi
    wrgsbase %rsi
    syscall
end set_fs_gs

// Reports xmm0 in rax; puts rbx into xmm5; after the next syscall reports xmm5 in rax.
program xmm
    movq %xmm0, %rax
    syscall
    movq %rbx, %xmm5
    syscall
    movq %xmm5, %rax
    syscall
end xmm

// Loads from (%rdi) (the test answers the page fault), makes syscall number rdx, keeps its
// result in rbx and reports with syscall 1000.
program load_then_syscall
    mov (%rdi), %r13
    mov %rdx, %rax
    syscall
    mov %rax, %rbx
    mov $1000, %eax
    syscall
end load_then_syscall

program int80
    mov $20, %eax
    int $0x80
end int80

program x32_syscall
    mov $0x40000027, %eax
    syscall
    syscall
end x32_syscall

// Calls the stub's syscall instruction with rax and the argument registers as set up, keeps
// the result in rbx, then loads from (%rdi) into r13 and reports with syscall 1000.
program stub_call_then_load
    movabs $STUB_SYSCALL, %r11
    call *%r11
    mov %rax, %rbx
    mov (%rdi), %r13
    mov $1000, %eax
    syscall
end stub_call_then_load

// The same, then stores to (%rdi).
program stub_call_then_store
    movabs $STUB_SYSCALL, %r11
    call *%r11
    mov %rax, %rbx
    movq $7, (%rdi)
    mov $1000, %eax
    syscall
end stub_call_then_store

// Jumps to the stub's syscall instruction with the registers as set up (rt_sigreturn with a
// forged frame at rsp, munmap of the stub itself, ...).
program stub_jump
    movabs $STUB_SYSCALL, %r11
    jmp *%r11
end stub_jump

// Fills [rdi, rdi + rcx) with al (the stub's control page), makes the stub's report syscall
// itself (a forged trap), keeps its result in rbx and then makes syscall 1000.
program scribble_and_forge_report
    rep stosb
    mov $24, %eax
    movabs $STUB_SYSCALL, %r11
    call *%r11
    mov %rax, %rbx
    mov $1000, %eax
    syscall
end scribble_and_forge_report

// Makes the stub's report syscall itself (a forged trap), then reads (%rdi) forever: a guest
// that would keep a mapping the kernel takes away while it believes the stub frozen.
program forge_report_then_read
    mov $24, %eax
    movabs $STUB_SYSCALL, %r11
    call *%r11
1:  mov (%rdi), %r13
    jmp 1b
end forge_report_then_read

// The same, but first answers the kernel's next command with another forged report, as if
// the changes had been applied.
program forge_two_reports_then_read
    mov $24, %eax
    movabs $STUB_SYSCALL, %r11
    call *%r11
    mov $24, %eax
    call *%r11
1:  mov (%rdi), %r13
    jmp 1b
end forge_two_reports_then_read

    .section .note.GNU-stack, "", @progbits
