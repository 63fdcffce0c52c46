// Every system call Newt implements: (Linux x86-64 number, name). The handler of `name` is
// `sys_<name>`, declared in the family header (process.h, memory.h, ...). Numbers not
// listed are ENOSYS, logged once each.
#pragma once

#define NEWT_SYSCALLS(X)            \
    /* memory.h */                  \
    X(9, mmap)                      \
    X(10, mprotect)                 \
    X(11, munmap)                   \
    X(12, brk)                      \
    X(25, mremap)                   \
    X(26, msync)                    \
    X(28, madvise)                  \
    /* signal.h */                  \
    X(13, rt_sigaction)             \
    X(14, rt_sigprocmask)           \
    /* process.h */                 \
    X(24, sched_yield)              \
    X(39, getpid)                   \
    X(56, clone)                    \
    X(57, fork)                     \
    X(58, vfork)                    \
    X(59, execve)                   \
    X(60, exit)                     \
    X(61, wait4)                    \
    X(62, kill)                     \
    X(97, getrlimit)                \
    X(102, getuid)                  \
    X(104, getgid)                  \
    X(107, geteuid)                 \
    X(108, getegid)                 \
    X(109, setpgid)                 \
    X(110, getppid)                 \
    X(111, getpgrp)                 \
    X(112, setsid)                  \
    X(121, getpgid)                 \
    X(124, getsid)                  \
    X(158, arch_prctl)              \
    X(160, setrlimit)               \
    X(186, gettid)                  \
    X(200, tkill)                   \
    X(218, set_tid_address)         \
    X(231, exit_group)              \
    X(234, tgkill)                  \
    X(247, waitid)                  \
    X(273, set_robust_list)         \
    X(274, get_robust_list)         \
    X(302, prlimit64)               \
    X(322, execveat)                \
    X(334, rseq)                    \
    X(435, clone3)                  \
    /* futex.h */                   \
    X(202, futex)                   \
    /* system.h */                  \
    X(63, uname)                    \
    /* time.h */                    \
    X(35, nanosleep)                \
    X(96, gettimeofday)             \
    X(201, time)                    \
    X(228, clock_gettime)           \
    X(229, clock_getres)            \
    X(230, clock_nanosleep)         \
    NEWT_FILE_SYSCALLS(X)

// fs.h: files, descriptors and the tree.
#define NEWT_FILE_SYSCALLS(X)       \
    X(0, read)                      \
    X(1, write)                     \
    X(3, close)
