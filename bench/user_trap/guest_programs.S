// The user programs the benchmark runs (data here; copied into frames and mapped).
.macro program name
    .globl bench_\name
bench_\name:
.endm
.macro end name
    .globl bench_\name\()_end
bench_\name\()_end:
.endm

    .section .rodata.bench_programs, "a"

// syscall forever.
program syscall_loop
1:  syscall
    jmp 1b
end syscall_loop

// Loads from (%rdi), then from the next page, and so on.
program page_walk
1:  mov (%rdi), %rax
    add $4096, %rdi
    jmp 1b
end page_walk

    .section .note.GNU-stack, "", @progbits
