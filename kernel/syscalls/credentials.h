// Credential syscalls: the user and group ids of the calling process (real, effective,
// saved, file system) and its supplementary groups, with Linux's rules (credentials(7),
// setuid(2), setreuid(2), setresuid(2), setfsuid(2), getgroups(2)).
//
// Privilege: Newt has no capability sets yet, so an effective uid of 0 stands for
// CAP_SETUID and CAP_SETGID (what a Linux process with euid 0 has in its effective set;
// Linux clears that set when euid leaves 0 and refills it when euid returns to 0, so the
// two models agree). An id of -1 (0xffffffff) is never valid: "unchanged" where the call
// allows it, EINVAL elsewhere. Every change sets the file-system id to the new effective
// id, except setfsuid/setfsgid, which change only it.
#pragma once

#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_getuid();
Result<long> sys_geteuid();
Result<long> sys_getgid();
Result<long> sys_getegid();
Result<long> sys_setuid(u32 uid);
Result<long> sys_setgid(u32 gid);
Result<long> sys_setreuid(u32 real, u32 effective);
Result<long> sys_setregid(u32 real, u32 effective);
Result<long> sys_setresuid(u32 real, u32 effective, u32 saved);
Result<long> sys_setresgid(u32 real, u32 effective, u32 saved);
Result<long> sys_getresuid(UserPtr<u32> real, UserPtr<u32> effective, UserPtr<u32> saved);
Result<long> sys_getresgid(UserPtr<u32> real, UserPtr<u32> effective, UserPtr<u32> saved);
Result<long> sys_setfsuid(u32 uid);
Result<long> sys_setfsgid(u32 gid);
// Newt keeps at most Credentials::max_groups (32) supplementary groups: setgroups with more
// is EINVAL, where Linux's limit is NGROUPS_MAX (65536).
Result<long> sys_getgroups(int size, UserPtr<u32> list);
Result<long> sys_setgroups(int size, UserPtr<u32> list);

}  // namespace kernel
