// Signal syscalls: rt_sigaction and rt_sigprocmask store dispositions and masks; SIG_IGN
// and SIG_DFL act at once, handlers run from step 7 on.
#pragma once

#include "../abi/signal.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_rt_sigaction(int signal, UserPtr<abi::KernelSigaction> action, UserPtr<abi::KernelSigaction> old_action,
                              usize mask_size);
Result<long> sys_rt_sigprocmask(int how, UserPtr<u64> set, UserPtr<u64> old_set, usize mask_size);

}  // namespace kernel
