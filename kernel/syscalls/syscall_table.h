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
    X(15, rt_sigreturn)             \
    X(34, pause)                    \
    X(127, rt_sigpending)           \
    X(128, rt_sigtimedwait)         \
    X(130, rt_sigsuspend)           \
    X(131, sigaltstack)             \
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
    X(109, setpgid)                 \
    X(110, getppid)                 \
    X(111, getpgrp)                 \
    X(112, setsid)                  \
    X(121, getpgid)                 \
    X(124, getsid)                  \
    X(157, prctl)                   \
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
    /* credentials.h */             \
    X(102, getuid)                  \
    X(104, getgid)                  \
    X(105, setuid)                  \
    X(106, setgid)                  \
    X(107, geteuid)                 \
    X(108, getegid)                 \
    X(113, setreuid)                \
    X(114, setregid)                \
    X(115, getgroups)               \
    X(116, setgroups)               \
    X(117, setresuid)               \
    X(118, getresuid)               \
    X(119, setresgid)               \
    X(120, getresgid)               \
    X(122, setfsuid)                \
    X(123, setfsgid)                \
    /* futex.h */                   \
    X(202, futex)                   \
    /* system.h */                  \
    X(63, uname)                    \
    X(99, sysinfo)                  \
    X(318, getrandom)               \
    /* time.h */                    \
    X(35, nanosleep)                \
    X(36, getitimer)                \
    X(37, alarm)                    \
    X(38, setitimer)                \
    X(96, gettimeofday)             \
    X(201, time)                    \
    X(228, clock_gettime)           \
    X(229, clock_getres)            \
    X(230, clock_nanosleep)         \
    NEWT_FILE_SYSCALLS(X)

// fs.h: files, descriptors and the tree (fs_io.h, fs_descriptors.h, fs_metadata.h,
// fs_tree.h, fs_poll.h).
#define NEWT_FILE_SYSCALLS(X)       \
    /* fs_io.h */                   \
    X(0, read)                      \
    X(1, write)                     \
    X(8, lseek)                     \
    X(17, pread64)                  \
    X(18, pwrite64)                 \
    X(19, readv)                    \
    X(20, writev)                   \
    X(40, sendfile)                 \
    X(74, fsync)                    \
    X(75, fdatasync)                \
    X(76, truncate)                 \
    X(77, ftruncate)                \
    X(78, getdents)                 \
    X(162, sync)                    \
    X(217, getdents64)              \
    X(285, fallocate)               \
    X(295, preadv)                  \
    X(296, pwritev)                 \
    X(306, syncfs)                  \
    X(327, preadv2)                 \
    X(328, pwritev2)                \
    /* fs_descriptors.h */          \
    X(2, open)                      \
    X(3, close)                     \
    X(16, ioctl)                    \
    X(22, pipe)                     \
    X(32, dup)                      \
    X(33, dup2)                     \
    X(72, fcntl)                    \
    X(73, flock)                    \
    X(85, creat)                    \
    X(257, openat)                  \
    X(292, dup3)                    \
    X(293, pipe2)                   \
    X(436, close_range)             \
    /* fs_metadata.h */             \
    X(4, stat)                      \
    X(5, fstat)                     \
    X(6, lstat)                     \
    X(21, access)                   \
    X(89, readlink)                 \
    X(90, chmod)                    \
    X(91, fchmod)                   \
    X(92, chown)                    \
    X(93, fchown)                   \
    X(94, lchown)                   \
    X(95, umask)                    \
    X(132, utime)                   \
    X(137, statfs)                  \
    X(138, fstatfs)                 \
    X(235, utimes)                  \
    X(260, fchownat)                \
    X(261, futimesat)               \
    X(262, newfstatat)              \
    X(267, readlinkat)              \
    X(268, fchmodat)                \
    X(269, faccessat)               \
    X(280, utimensat)               \
    X(332, statx)                   \
    X(439, faccessat2)              \
    /* fs_tree.h */                 \
    X(79, getcwd)                   \
    X(80, chdir)                    \
    X(81, fchdir)                   \
    X(82, rename)                   \
    X(83, mkdir)                    \
    X(84, rmdir)                    \
    X(86, link)                     \
    X(87, unlink)                   \
    X(88, symlink)                  \
    X(133, mknod)                   \
    X(161, chroot)                  \
    X(165, mount)                   \
    X(166, umount2)                 \
    X(258, mkdirat)                 \
    X(259, mknodat)                 \
    X(263, unlinkat)                \
    X(264, renameat)                \
    X(265, linkat)                  \
    X(266, symlinkat)               \
    X(316, renameat2)               \
    /* fs_poll.h */                 \
    X(7, poll)                      \
    X(23, select)                   \
    X(270, pselect6)                \
    X(271, ppoll)
