// System information syscalls: uname.
#pragma once

#include "../abi/process.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_uname(UserPtr<abi::Utsname> name);

}  // namespace kernel
