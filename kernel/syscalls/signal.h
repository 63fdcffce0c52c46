// Signal syscalls: dispositions and masks (rt_sigaction, rt_sigprocmask), handlers'
// return (rt_sigreturn; kernel/proc/signal_delivery.cpp builds the frames), waiting for a
// signal (rt_sigsuspend, pause), the alternate stack and the pending set.
#pragma once

#include "../abi/signal.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_rt_sigaction(int signal, UserPtr<abi::KernelSigaction> action, UserPtr<abi::KernelSigaction> old_action,
                              usize mask_size);
Result<long> sys_rt_sigprocmask(int how, UserPtr<u64> set, UserPtr<u64> old_set, usize mask_size);
Result<long> sys_rt_sigreturn();
Result<long> sys_pause();
Result<long> sys_rt_sigpending(UserPtr<u64> set, usize mask_size);
Result<long> sys_rt_sigsuspend(UserPtr<u64> mask, usize mask_size);
Result<long> sys_rt_sigtimedwait(UserPtr<u64> set, UserPtr<abi::SignalInfo> info, UserPtr<i64> timeout,
                                 usize mask_size);
Result<long> sys_sigaltstack(UserPtr<abi::SignalStack> stack, UserPtr<abi::SignalStack> old_stack);

}  // namespace kernel
