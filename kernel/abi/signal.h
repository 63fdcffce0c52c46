// Linux x86-64 signal numbers, sigaction and sigprocmask values (uapi/asm/signal.h,
// uapi/asm-generic/signal-defs.h). A unit test compares them with the host's headers.
#pragma once

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

}  // namespace kernel::abi
