// Process syscalls: fork, vfork, clone, execve, execveat, exit, exit_group, wait4,
// waitid, kill, tkill, tgkill, the ids (getpid, getppid, gettid), process groups and
// sessions, resource limits, arch_prctl, set_tid_address, robust lists, rseq (ENOSYS, as
// glibc expects when the kernel lacks it), sched_yield. User and group ids are in
// credentials.h.
#pragma once

#include "../abi/process.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_fork();
Result<long> sys_vfork();
Result<long> sys_clone(u64 flags, uptr stack, UserPtr<i32> parent_tid, UserPtr<i32> child_tid, u64 tls);
Result<long> sys_clone3(uptr arguments, usize size);
Result<long> sys_execve(UserPtr<char> path, UserPtr<uptr> arguments, UserPtr<uptr> environment);
Result<long> sys_execveat(int fd, UserPtr<char> path, UserPtr<uptr> arguments, UserPtr<uptr> environment, int flags);
Result<long> sys_exit(int code);
Result<long> sys_exit_group(int code);
Result<long> sys_wait4(i32 pid, UserPtr<i32> status, int options, UserPtr<abi::Rusage> usage);
Result<long> sys_waitid(int type, i32 id, UserPtr<abi::ChildSiginfo> info, int options, UserPtr<abi::Rusage> usage);
Result<long> sys_kill(i32 pid, int signal);
Result<long> sys_tkill(i32 tid, int signal);
Result<long> sys_tgkill(i32 group, i32 tid, int signal);
Result<long> sys_getpid();
Result<long> sys_getppid();
Result<long> sys_gettid();
Result<long> sys_getpgrp();
Result<long> sys_getpgid(i32 pid);
Result<long> sys_setpgid(i32 pid, i32 group);
Result<long> sys_getsid(i32 pid);
Result<long> sys_setsid();
Result<long> sys_getrlimit(int resource, UserPtr<abi::Rlimit> limit);
Result<long> sys_setrlimit(int resource, UserPtr<abi::Rlimit> limit);
Result<long> sys_prlimit64(i32 pid, int resource, UserPtr<abi::Rlimit> new_limit, UserPtr<abi::Rlimit> old_limit);
Result<long> sys_arch_prctl(int code, u64 address);
// prctl: PR_SET_NAME/PR_GET_NAME, PR_SET_DUMPABLE/PR_GET_DUMPABLE,
// PR_SET_NO_NEW_PRIVS/PR_GET_NO_NEW_PRIVS; other options EINVAL (docs/processes.md).
Result<long> sys_prctl(int option, u64 argument2, u64 argument3, u64 argument4, u64 argument5);
Result<long> sys_set_tid_address(uptr address);
Result<long> sys_set_robust_list(uptr head, usize length);
Result<long> sys_get_robust_list(i32 pid, UserPtr<uptr> head, UserPtr<usize> length);
Result<long> sys_rseq(uptr area, u32 length, int flags, u32 signature);
Result<long> sys_sched_yield();

}  // namespace kernel
