// Linux x86-64 signal numbers, sigaction and sigprocmask values (uapi/asm/signal.h,
// uapi/asm-generic/signal-defs.h). A unit test compares them with the host's headers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kernel::abi {

inline constexpr int sighup = 1, sigint = 2, sigquit = 3, sigill = 4, sigtrap = 5, sigabrt = 6, sigbus = 7,
                     sigfpe = 8, sigkill = 9, sigusr1 = 10, sigsegv = 11, sigusr2 = 12, sigpipe = 13,
                     sigalrm = 14, sigterm = 15, sigstkflt = 16, sigchld = 17, sigcont = 18, sigstop = 19,
                     sigtstp = 20, sigttin = 21, sigttou = 22, sigurg = 23, sigxcpu = 24, sigxfsz = 25,
                     sigvtalrm = 26, sigprof = 27, sigwinch = 28, sigio = 29, sigpwr = 30, sigsys = 31;
inline constexpr int signal_count = 64;  // _NSIG: 1..64
inline constexpr int sigrtmin = 32;

inline constexpr std::uint64_t sig_dfl = 0;
inline constexpr std::uint64_t sig_ign = 1;

inline constexpr std::uint64_t sa_nocldstop = 0x00000001;
inline constexpr std::uint64_t sa_nocldwait = 0x00000002;
inline constexpr std::uint64_t sa_siginfo = 0x00000004;
inline constexpr std::uint64_t sa_restorer = 0x04000000;
inline constexpr std::uint64_t sa_onstack = 0x08000000;
inline constexpr std::uint64_t sa_restart = 0x10000000;
inline constexpr std::uint64_t sa_nodefer = 0x40000000;
inline constexpr std::uint64_t sa_resethand = 0x80000000;

inline constexpr int sig_block = 0, sig_unblock = 1, sig_setmask = 2;

// The kernel's struct sigaction (not glibc's): handler, flags, restorer, mask.
struct KernelSigaction {
    std::uint64_t handler;
    std::uint64_t flags;
    std::uint64_t restorer;
    std::uint64_t mask;
};
static_assert(sizeof(KernelSigaction) == 32);

constexpr std::uint64_t signal_bit(int signal) { return std::uint64_t(1) << (signal - 1); }

// siginfo_t (128 bytes) with the fields of kill(), SIGCHLD and faults.
inline constexpr int si_user = 0, si_kernel = 0x80, si_tkill = -6;
inline constexpr int segv_maperr = 1, segv_accerr = 2;
struct SignalInfo {
    std::int32_t signo;
    std::int32_t errno_value;
    std::int32_t code;
    std::int32_t pad;
    union {
        struct {
            std::int32_t pid;
            std::uint32_t uid;
            std::int32_t status;  // SIGCHLD: exit code or signal
            std::int32_t pad;
            std::int64_t utime, stime;
        } process;
        std::uint64_t address;  // SIGSEGV, SIGBUS, SIGILL, SIGFPE: the faulting address
        std::uint8_t bytes[112];
    };
};
static_assert(sizeof(SignalInfo) == 128);

// stack_t (sigaltstack, uc_stack).
inline constexpr int ss_onstack = 1, ss_disable = 2;
inline constexpr std::uint32_t ss_autodisarm = 1u << 31;
inline constexpr std::uint64_t min_signal_stack_size = 2048;  // MINSIGSTKSZ
struct SignalStack {
    std::uint64_t sp;
    std::int32_t flags;
    std::int32_t pad;
    std::uint64_t size;
};
static_assert(sizeof(SignalStack) == 24);

// struct sigcontext (x86-64): the registers a handler's frame saves.
struct SignalContext {
    std::uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    std::uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    std::uint16_t cs, gs, fs, ss;
    std::uint64_t err, trapno, oldmask, cr2;
    std::uint64_t fpstate;  // user address of the XSAVE area, or 0
    std::uint64_t reserved[8];
};
static_assert(sizeof(SignalContext) == 256);

inline constexpr std::uint64_t uc_fp_xstate = 1, uc_sigcontext_ss = 2, uc_strict_restore_ss = 4;
struct UserContextFrame {  // struct ucontext
    std::uint64_t flags;
    std::uint64_t link;
    SignalStack stack;
    SignalContext mcontext;
    std::uint64_t sigmask;
};
static_assert(sizeof(UserContextFrame) == 304);

// struct rt_sigframe: the return address (sa_restorer), the context, the info; the FPU
// state follows elsewhere on the stack (mcontext.fpstate).
struct RtSignalFrame {
    std::uint64_t return_address;
    UserContextFrame context;
    SignalInfo info;
};
static_assert(sizeof(RtSignalFrame) == 440);

// The software-reserved bytes of the FXSAVE area (offset 464) that say an XSAVE area
// follows (struct _fpx_sw_bytes), and the magic after it.
inline constexpr std::uint32_t fp_xstate_magic1 = 0x46505853, fp_xstate_magic2 = 0x46505845;
struct FpxSoftwareBytes {
    std::uint32_t magic1;
    std::uint32_t extended_size;  // the XSAVE area plus magic2
    std::uint64_t xfeatures;
    std::uint32_t xstate_size;
    std::uint32_t padding[7];
};
static_assert(sizeof(FpxSoftwareBytes) == 48);
inline constexpr std::size_t fpx_software_bytes_offset = 464;

}  // namespace kernel::abi
