/* The user-mode stub: a tiny static program, one per user address space, in whose process
 * the guest's code runs (User-Mode Linux's seccomp mode). It is exec'd by the kernel
 * process (hosted/user_stub.cpp), gets rid of everything but its own code, control page and
 * signal stack, installs the seccomp filter the kernel wrote into its control page, and then
 * lives only in its signal handler: every trap (a syscall caught by seccomp, a fault, the
 * kernel's kick) lands there, is written to the control page and reported to the kernel,
 * and the handler returns into the guest with whatever registers the kernel wrote back.
 *
 * Freestanding: no libc, no data, no read-only data, no jump tables (the code must run from
 * its one page whatever the guest has done to the rest), no floating point or vector
 * registers (those belong to the guest). Every syscall goes through the one `syscall`
 * instruction at the start of the code. */
#include <stdint.h>

#include <asm/prctl.h>
#include <asm/sigcontext.h>
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <asm/ucontext.h>
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>

#include "stub_protocol.h"

#define CONTROL ((struct newt_stub_control*)NEWT_STUB_CONTROL_ADDRESS)

/* The syscall instruction (followed by ret: the stub calls it), the signal restorer, and the
 * entry point, placed first in the code by stub.ld. */
__asm__(
    ".section .text.newt_stub_entry,\"ax\",@progbits\n"
    ".globl newt_stub_syscall\n"
    "newt_stub_syscall:\n"
    "    syscall\n"
    "    ret\n"
    ".globl newt_stub_restorer\n"
    "newt_stub_restorer:\n"
    "    mov $15, %eax\n" /* rt_sigreturn */
    "    jmp newt_stub_syscall\n"
    ".globl _start\n"
    "_start:\n"
    "    xor %ebp, %ebp\n"
    "    and $-16, %rsp\n"
    "    call newt_stub_start\n"
    "    ud2\n"
    ".previous\n");

/* Everything is local to this executable: addresses are RIP-relative, with no GOT. */
#pragma GCC visibility push(hidden)
void newt_stub_restorer(void);
void newt_stub_start(void);
void newt_stub_main(void);
#pragma GCC visibility pop

static inline long stub_syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    long result;
    /* Built with -mno-red-zone, so the call's push cannot clobber live stack data. */
    __asm__ volatile("call newt_stub_syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}

static inline long stub_syscall2(long number, long a1, long a2) { return stub_syscall(number, a1, a2, 0, 0, 0, 0); }

static __attribute__((noreturn)) void stub_exit(int status) {
    for (;;) stub_syscall2(__NR_exit_group, status, 0);
}

static void copy_bytes(void* destination, const void* source, unsigned long count) {
    __asm__ volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(count) : : "memory");
}

/* The kernel's struct sigaction (x86-64 layout). */
struct stub_sigaction {
    void* handler;
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

static uint64_t read_fs_base(int use_arch_prctl) {
    uint64_t base = 0;
    if (use_arch_prctl) stub_syscall2(__NR_arch_prctl, ARCH_GET_FS, (long)&base);
    else __asm__ volatile("rdfsbase %0" : "=r"(base));
    return base;
}

static uint64_t read_gs_base(int use_arch_prctl) {
    uint64_t base = 0;
    if (use_arch_prctl) stub_syscall2(__NR_arch_prctl, ARCH_GET_GS, (long)&base);
    else __asm__ volatile("rdgsbase %0" : "=r"(base));
    return base;
}

static void write_bases(int use_arch_prctl, uint64_t fs_base, uint64_t gs_base) {
    if (use_arch_prctl) {
        stub_syscall2(__NR_arch_prctl, ARCH_SET_FS, (long)fs_base);
        stub_syscall2(__NR_arch_prctl, ARCH_SET_GS, (long)gs_base);
    } else {
        __asm__ volatile("wrfsbase %0" : : "r"(fs_base) : "memory");
        __asm__ volatile("wrgsbase %0" : : "r"(gs_base) : "memory");
    }
}

static void apply_ops(struct newt_stub_control* control) {
    uint32_t count = control->op_count;
    uint32_t failures = 0;
    if (count > NEWT_STUB_MAX_OPS) count = NEWT_STUB_MAX_OPS;
    for (uint32_t i = 0; i < count; ++i) {
        struct newt_stub_op* op = &control->ops[i];
        uint64_t va = op->va, length = op->length;
        if (op->kind == NEWT_STUB_OP_MAP) {
            long result = stub_syscall(__NR_mmap, (long)va, (long)length, op->protection, MAP_SHARED | MAP_FIXED,
                                       NEWT_STUB_RAM_FD, (long)op->offset);
            if ((uint64_t)result != va) {
                /* Never leave an older, perhaps more permissive mapping in place. */
                stub_syscall2(__NR_munmap, (long)va, (long)length);
                ++failures;
            }
        } else if (op->kind == NEWT_STUB_OP_UNMAP) {
            stub_syscall2(__NR_munmap, (long)va, (long)length);
        }
    }
    control->op_failures = failures;
}

/* Every signal the stub takes comes here, on the signal stack, with all signals blocked. */
static void stub_handler(int signal, siginfo_t* info, void* context) {
    struct newt_stub_control* control = CONTROL;
    struct ucontext* ucontext = (struct ucontext*)context;
    struct sigcontext* machine = &ucontext->uc_mcontext;
    struct newt_stub_registers* registers = &control->registers;
    int use_arch_prctl = control->use_arch_prctl != 0;

    control->trap.signal = (uint32_t)signal;
    control->trap.code = info->si_code;
    control->trap.address = (uint64_t)info->si_addr;
    control->trap.syscall_arch = signal == SIGSYS ? info->si_arch : 0;
    control->trap.trapno = machine->trapno;
    control->trap.error = machine->err;
    registers->rax = machine->rax;
    registers->rbx = machine->rbx;
    registers->rcx = machine->rcx;
    registers->rdx = machine->rdx;
    registers->rsi = machine->rsi;
    registers->rdi = machine->rdi;
    registers->rbp = machine->rbp;
    registers->rsp = machine->rsp;
    registers->r8 = machine->r8;
    registers->r9 = machine->r9;
    registers->r10 = machine->r10;
    registers->r11 = machine->r11;
    registers->r12 = machine->r12;
    registers->r13 = machine->r13;
    registers->r14 = machine->r14;
    registers->r15 = machine->r15;
    registers->rip = machine->rip;
    registers->rflags = machine->eflags;
    registers->fs_base = read_fs_base(use_arch_prctl);
    registers->gs_base = read_gs_base(use_arch_prctl);

    struct _fpstate_64* fpu = (struct _fpstate_64*)machine->fpstate;
    unsigned long fpu_size = 0;
    if (fpu) {
        fpu_size = 512;
        control->trap.xfeatures = 3; /* x87 and SSE */
        if (fpu->sw_reserved.magic1 == FP_XSTATE_MAGIC1) {
            fpu_size = fpu->sw_reserved.xstate_size;
            control->trap.xfeatures = fpu->sw_reserved.xfeatures;
        }
        if (fpu_size > NEWT_STUB_FPU_SIZE) fpu_size = NEWT_STUB_FPU_SIZE;
        copy_bytes(control->fpu, fpu, fpu_size);
    }
    control->trap.xstate_size = fpu_size;

    long command = stub_syscall(NEWT_STUB_REPORT_SYSCALL, 0, 0, 0, 0, 0, 0);
    while (command == NEWT_STUB_COMMAND_APPLY) {
        apply_ops(control);
        command = stub_syscall(NEWT_STUB_REPORT_SYSCALL, 0, 0, 0, 0, 0, 0);
    }
    if (command != NEWT_STUB_COMMAND_RESUME) stub_exit(NEWT_STUB_EXIT_COMMAND);

    machine->rax = registers->rax;
    machine->rbx = registers->rbx;
    machine->rcx = registers->rcx;
    machine->rdx = registers->rdx;
    machine->rsi = registers->rsi;
    machine->rdi = registers->rdi;
    machine->rbp = registers->rbp;
    machine->rsp = registers->rsp;
    machine->r8 = registers->r8;
    machine->r9 = registers->r9;
    machine->r10 = registers->r10;
    machine->r11 = registers->r11;
    machine->r12 = registers->r12;
    machine->r13 = registers->r13;
    machine->r14 = registers->r14;
    machine->r15 = registers->r15;
    machine->rip = registers->rip;
    machine->eflags = registers->rflags;
    if (fpu) {
        /* Bytes 464..511 of the legacy area describe the frame to the host kernel: keep them. */
        copy_bytes(fpu, control->fpu, 464);
        if (fpu_size > 512) copy_bytes((uint8_t*)fpu + 512, control->fpu + 512, fpu_size - 512);
    }
    write_bases(use_arch_prctl, registers->fs_base, registers->gs_base);
    ucontext->uc_sigmask = 0; /* the guest runs with every signal deliverable */
}

/* On the exec stack: make our own stack at a fixed address and continue there. */
void newt_stub_start(void) {
    long stack = stub_syscall(__NR_mmap, NEWT_STUB_STACK_ADDRESS, NEWT_STUB_STACK_SIZE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if ((uint64_t)stack != NEWT_STUB_STACK_ADDRESS) stub_exit(NEWT_STUB_EXIT_STACK);
    __asm__ volatile("mov %0, %%rsp\n"
                     "call newt_stub_main\n"
                     "ud2\n"
                     :
                     : "r"(NEWT_STUB_STACK_ADDRESS + NEWT_STUB_STACK_SIZE)
                     : "memory");
    __builtin_unreachable();
}

static void unmap_between(uint64_t start, uint64_t end) {
    if (end > start) stub_syscall2(__NR_munmap, (long)start, (long)(end - start));
}

void newt_stub_main(void) {
    /* Die with the kernel thread that started us (and so with the kernel process). */
    stub_syscall2(__NR_prctl, PR_SET_PDEATHSIG, SIGKILL);
    long control = stub_syscall(__NR_mmap, NEWT_STUB_CONTROL_ADDRESS, NEWT_STUB_CONTROL_SIZE, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_FIXED, NEWT_STUB_CONTROL_FD, 0);
    if ((uint64_t)control != NEWT_STUB_CONTROL_ADDRESS) stub_exit(NEWT_STUB_EXIT_CONTROL);
    /* The parent may have died before PR_SET_PDEATHSIG took effect. */
    if (stub_syscall2(__NR_getppid, 0, 0) != CONTROL->parent_pid) stub_exit(NEWT_STUB_EXIT_PARENT);
    /* Keep only the RAM memfd: no inherited descriptor (stdio included) reaches the guest. */
    stub_syscall(__NR_close_range, 0, NEWT_STUB_RAM_FD - 1, 0, 0, 0, 0);
    stub_syscall(__NR_close_range, NEWT_STUB_RAM_FD + 1, ~0u, 0, 0, 0, 0);

    /* Everything but our code, control page and stack goes: the exec stack, the vDSO and
     * vvar. ([vsyscall] cannot be unmapped; calls into it trap like any syscall.) */
    unmap_between(0, NEWT_STUB_CODE_ADDRESS);
    unmap_between(NEWT_STUB_CODE_ADDRESS + NEWT_STUB_CODE_WINDOW, NEWT_STUB_CONTROL_ADDRESS);
    unmap_between(NEWT_STUB_CONTROL_ADDRESS + NEWT_STUB_CONTROL_SIZE, NEWT_STUB_STACK_ADDRESS);
    unmap_between(NEWT_STUB_STACK_ADDRESS + NEWT_STUB_STACK_SIZE, NEWT_STUB_TASK_SIZE);

    stack_t signal_stack;
    signal_stack.ss_sp = (void*)NEWT_STUB_STACK_ADDRESS;
    signal_stack.ss_flags = 0;
    signal_stack.ss_size = NEWT_STUB_STACK_SIZE;
    if (stub_syscall2(__NR_sigaltstack, (long)&signal_stack, 0) != 0) stub_exit(NEWT_STUB_EXIT_SIGNALS);

    struct stub_sigaction action;
    action.handler = (void*)stub_handler;
    action.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER;
    action.restorer = newt_stub_restorer;
    action.mask = ~0ul;
    /* The traps, and SIGURG: the kernel's kick. */
    int signals[7];
    signals[0] = SIGSYS;
    signals[1] = SIGSEGV;
    signals[2] = SIGBUS;
    signals[3] = SIGFPE;
    signals[4] = SIGILL;
    signals[5] = SIGTRAP;
    signals[6] = SIGURG;
    unsigned long synchronous = 0;
    for (int i = 0; i < 7; ++i) {
        if (stub_syscall(__NR_rt_sigaction, signals[i], (long)&action, 0, sizeof(unsigned long), 0, 0) != 0)
            stub_exit(NEWT_STUB_EXIT_SIGNALS);
        if (signals[i] != SIGURG) synchronous |= 1ul << (signals[i] - 1);
    }
    /* We were started with every signal blocked, so an early kick cannot kill us. A blocked
     * fault signal would kill us instead of running the handler: unblock those; the kick
     * stays blocked until the first return into the guest. */
    unsigned long blocked = ~synchronous;
    if (stub_syscall(__NR_rt_sigprocmask, SIG_SETMASK, (long)&blocked, 0, sizeof blocked, 0, 0) != 0)
        stub_exit(NEWT_STUB_EXIT_SIGNALS);

    if (stub_syscall2(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1) != 0) stub_exit(NEWT_STUB_EXIT_SECCOMP);
    struct sock_fprog program;
    program.len = (unsigned short)CONTROL->filter_length;
    program.filter = (struct sock_filter*)CONTROL->filter;
    long listener = stub_syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                                 SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
                                 (long)&program, 0, 0, 0);
    if (listener == -EINVAL) /* before Linux 5.19: no WAIT_KILLABLE_RECV */
        listener = stub_syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                                (long)&program, 0, 0, 0);
    if (listener < 0) stub_exit(NEWT_STUB_EXIT_SECCOMP);

    CONTROL->listener_fd = (int32_t)listener;
    __atomic_store_n(&CONTROL->state, NEWT_STUB_STATE_READY, __ATOMIC_RELEASE);
    stub_syscall(__NR_futex, (long)&CONTROL->state, FUTEX_WAKE, 1, 0, 0, 0);
    /* The first trap: its report tells the kernel we are ready; the kernel answers it with
     * the guest's registers, and the handler returns into the guest. */
    __asm__ volatile("ud2");
    __builtin_unreachable();
}
