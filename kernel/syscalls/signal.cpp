#include "signal.h"

#include "../mm/user_memory.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

constexpr u64 unblockable = abi::signal_bit(abi::sigkill) | abi::signal_bit(abi::sigstop);

}  // namespace

Result<long> sys_rt_sigaction(int signal, UserPtr<abi::KernelSigaction> action, UserPtr<abi::KernelSigaction> old_action,
                              usize mask_size) {
    if (mask_size != sizeof(u64)) return Errno::einval;
    if (signal < 1 || signal > abi::signal_count) return Errno::einval;
    UserThread& thread = *current_user_thread();
    AddressSpace& memory = thread.process().memory();
    abi::KernelSigaction next {};
    if (!action.is_null()) {
        TRY(copy_from_user(memory, &next, action.address(), sizeof next));
        // SIGKILL and SIGSTOP keep their default action.
        if (signal == abi::sigkill || signal == abi::sigstop) return Errno::einval;
    }
    abi::KernelSigaction previous = thread.process().signal_action(signal);
    if (!old_action.is_null()) TRY(copy_to_user(memory, old_action.address(), &previous, sizeof previous));
    if (!action.is_null()) {
        next.mask &= ~unblockable;
        thread.process().set_signal_action(signal, next);
        // POSIX: setting SIG_IGN (or SIG_DFL for a signal ignored by default) discards
        // what is pending.
        if (next.handler == abi::sig_ign ||
            (next.handler == abi::sig_dfl && default_action(signal) == SignalDefault::ignore))
            thread.discard_pending(signal);
    }
    return 0;
}

Result<long> sys_rt_sigprocmask(int how, UserPtr<u64> set, UserPtr<u64> old_set, usize mask_size) {
    if (mask_size != sizeof(u64)) return Errno::einval;
    UserThread& thread = *current_user_thread();
    AddressSpace& memory = thread.process().memory();
    u64 current = thread.blocked_signals();
    u64 next = current;
    if (!set.is_null()) {
        u64 requested;
        TRY(copy_from_user(memory, &requested, set.address(), sizeof requested));
        switch (how) {
        case abi::sig_block: next = current | requested; break;
        case abi::sig_unblock: next = current & ~requested; break;
        case abi::sig_setmask: next = requested; break;
        default: return Errno::einval;
        }
    }  // Linux checks `how` only when there is a set
    if (!old_set.is_null()) TRY(copy_to_user(memory, old_set.address(), &current, sizeof current));
    if (!set.is_null()) thread.set_blocked_signals(next);
    return 0;
}

}  // namespace kernel
