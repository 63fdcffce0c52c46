/* The layout and protocol shared by the user-mode stub (stub.c, freestanding C) and the
 * kernel process (hosted/usermode.cpp, C++). docs/hal.md describes the design.
 *
 * Everything in the control page can be written by the guest while it runs: the kernel
 * reads it as untrusted data (docs/security.md). */
#ifndef NEWT_HOSTED_STUB_PROTOCOL_H
#define NEWT_HOSTED_STUB_PROTOCOL_H

#include <stdint.h>

/* The stub's fixed addresses, all above hal::user_space_end (0x7f0000000000). The 64 KiB
 * below its code stay unmapped, so that user code running or reading past the end of user
 * space faults as on bare metal instead of reaching the stub. */
#define NEWT_STUB_GUARD_SIZE 0x10000ull
#define NEWT_STUB_CODE_ADDRESS 0x7f0000010000ull    /* the stub ELF's only segment (r-x) */
#define NEWT_STUB_CODE_WINDOW 0x4000ull             /* the code must fit in 16 KiB */
/* The stub's one syscall instruction ("syscall; ret") is the first thing in its code, so the
 * seccomp filter can name it exactly: syscalls whose return address is anything else trap. */
#define NEWT_STUB_SYSCALL_ADDRESS NEWT_STUB_CODE_ADDRESS
#define NEWT_STUB_SYSCALL_RETURN (NEWT_STUB_CODE_ADDRESS + 2)
#define NEWT_STUB_CONTROL_ADDRESS 0x7f0000100000ull /* the control page(s), shared with the kernel */
#define NEWT_STUB_CONTROL_SIZE 0x8000ull
#define NEWT_STUB_STACK_ADDRESS 0x7f0000200000ull   /* startup stack, then the signal stack */
#define NEWT_STUB_STACK_SIZE 0x10000ull
#define NEWT_STUB_RESERVED_END 0x7f0000210000ull
/* The highest user address plus one on x86-64 with 4-level paging (TASK_SIZE_MAX). */
#define NEWT_STUB_TASK_SIZE 0x7ffffffff000ull

/* File descriptors the stub is started with. */
#define NEWT_STUB_RAM_FD 3     /* the RAM memfd: guest pages are mapped from it */
#define NEWT_STUB_CONTROL_FD 4 /* the control memfd, closed once mapped */

/* The stub reports a trap (and waits for the kernel's command) with this syscall number
 * (sched_yield). From the stub's syscall instruction it goes to the kernel as a seccomp
 * user notification; the kernel's answer is the syscall's return value. */
#define NEWT_STUB_REPORT_SYSCALL 24

/* Commands, the return value of the report syscall. */
#define NEWT_STUB_COMMAND_RESUME 1 /* return into the guest with the registers in `registers` */
#define NEWT_STUB_COMMAND_APPLY 2  /* apply `ops`, then report again */

/* Mapping operations the kernel queues for the stub. */
#define NEWT_STUB_OP_MAP 1   /* mmap(va, length, protection, MAP_SHARED|MAP_FIXED, RAM, offset) */
#define NEWT_STUB_OP_UNMAP 2 /* munmap(va, length) */
#define NEWT_STUB_MAX_OPS 256

#define NEWT_STUB_STATE_READY 1
#define NEWT_STUB_MAX_FILTER 64
#define NEWT_STUB_FPU_SIZE 4096

/* Exit statuses of a stub that could not start (its stdio is closed). */
#define NEWT_STUB_EXIT_STACK 101
#define NEWT_STUB_EXIT_CONTROL 102
#define NEWT_STUB_EXIT_PARENT 103
#define NEWT_STUB_EXIT_SIGNALS 104
#define NEWT_STUB_EXIT_SECCOMP 105
#define NEWT_STUB_EXIT_COMMAND 106

struct newt_stub_op {
    uint64_t va;
    uint64_t length;
    uint64_t offset; /* in the RAM memfd */
    uint32_t kind;
    uint32_t protection; /* PROT_* */
};

/* What the stub's signal handler saw. */
struct newt_stub_trap {
    uint32_t signal;
    int32_t code;           /* si_code */
    uint64_t address;       /* si_addr */
    uint64_t trapno;        /* the CPU exception vector (REG_TRAPNO) */
    uint64_t error;         /* the CPU error code (REG_ERR) */
    uint64_t syscall_arch;  /* SIGSYS: the AUDIT_ARCH_* of the trapped syscall */
    uint64_t xstate_size;   /* bytes of the frame's FPU state */
    uint64_t xfeatures;     /* XSAVE features the host's signal frames carry */
};

struct newt_stub_registers {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags, fs_base, gs_base;
};

struct newt_stub_control {
    /* Startup: written by the kernel before the stub runs... */
    int32_t parent_pid;
    uint32_t use_arch_prctl;  /* the host has no FSGSBASE: use arch_prctl for fs/gs base */
    uint32_t filter_length;   /* instructions in `filter` */
    uint32_t reserved0;
    uint64_t filter[NEWT_STUB_MAX_FILTER]; /* struct sock_filter */
    /* ...and by the stub once its seccomp filter is installed. */
    uint32_t state;           /* a futex word: NEWT_STUB_STATE_READY */
    int32_t listener_fd;      /* the seccomp notification listener, in the stub */

    /* Each trap: the stub's handler writes `trap`, `registers` and `fpu`; the kernel writes
     * `registers` and `fpu` back before it resumes the stub, and `ops` before APPLY. */
    struct newt_stub_trap trap;
    struct newt_stub_registers registers;
    uint32_t op_count;
    uint32_t op_failures;     /* set by the stub: mmaps that failed (their range is unmapped) */
    struct newt_stub_op ops[NEWT_STUB_MAX_OPS];
    uint8_t fpu[NEWT_STUB_FPU_SIZE] __attribute__((aligned(64))); /* XSAVE format */
};

#endif
