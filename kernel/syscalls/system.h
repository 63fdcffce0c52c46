// System information syscalls: uname, sysinfo, and getrandom (the kernel's random
// number generator, kernel/core/random.h).
#pragma once

#include "../abi/process.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_uname(UserPtr<abi::Utsname> name);
Result<long> sys_sysinfo(UserPtr<abi::Sysinfo> info);
Result<long> sys_getrandom(UserPtr<u8> buffer, usize count, u32 flags);

}  // namespace kernel
