#include "signal.h"

#include "../core/scheduler.h"
#include "../hal/timer.h"
#include "../mm/user_memory.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

constexpr u64 unblockable = abi::signal_bit(abi::sigkill) | abi::signal_bit(abi::sigstop);

// Sleeps until a handler is due or the thread must end (kill wakes it at once).
void wait_for_signal() {
    while (!current_thread_must_stop()) sleep_ns(50'000'000);
}

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

Result<long> sys_rt_sigreturn() {
    current_user_thread()->return_from_signal();
    return 0;  // not stored: the frame's rax is the result
}

// pause and rt_sigsuspend end only with a handler (EINTR, never restarted) or the
// process's end.
Result<long> sys_pause() {
    wait_for_signal();
    return Errno::eintr;
}

Result<long> sys_rt_sigsuspend(UserPtr<u64> mask, usize mask_size) {
    if (mask_size != sizeof(u64)) return Errno::einval;
    UserThread& thread = *current_user_thread();
    u64 wanted;
    TRY(copy_from_user(thread.process().memory(), &wanted, mask.address(), sizeof wanted));
    // The handler's frame saves the mask from before, so sigreturn puts it back.
    thread.set_saved_mask(thread.blocked_signals());
    thread.set_blocked_signals(wanted);
    wait_for_signal();
    return Errno::eintr;
}

// The signals pending while blocked.
Result<long> sys_rt_sigpending(UserPtr<u64> set, usize mask_size) {
    if (mask_size > sizeof(u64)) return Errno::einval;
    UserThread& thread = *current_user_thread();
    u64 pending = thread.pending_signals() & thread.blocked_signals();
    TRY(copy_to_user(thread.process().memory(), set.address(), &pending, mask_size));
    return 0;
}

// sigaltstack(2) with Linux's checks: EPERM while running on it, EINVAL for unknown modes,
// ENOMEM below MINSIGSTKSZ.
Result<long> sys_sigaltstack(UserPtr<abi::SignalStack> stack, UserPtr<abi::SignalStack> old_stack) {
    UserThread& thread = *current_user_thread();
    AddressSpace& memory = thread.process().memory();
    bool on_stack = thread.on_alternate_stack(thread.context().rsp);
    abi::SignalStack current = thread.alternate_stack();
    abi::SignalStack old = current;
    if (on_stack) old.flags = abi::ss_onstack | (current.flags & int(abi::ss_autodisarm));
    if (!stack.is_null()) {
        abi::SignalStack next;
        TRY(copy_from_user(memory, &next, stack.address(), sizeof next));
        if (on_stack) return Errno::eperm;
        int mode = next.flags & ~int(abi::ss_autodisarm);
        if (mode != abi::ss_disable && mode != abi::ss_onstack && mode != 0) return Errno::einval;
        if (mode == abi::ss_disable) next = {0, abi::ss_disable, 0, 0};
        else {
            if (next.size < abi::min_signal_stack_size) return Errno::enomem;
            next.flags &= int(abi::ss_autodisarm);  // SS_ONSTACK is accepted and means 0
            next.pad = 0;
        }
        if (!old_stack.is_null()) TRY(copy_to_user(memory, old_stack.address(), &old, sizeof old));
        thread.set_alternate_stack(next);
        return 0;
    }
    if (!old_stack.is_null()) TRY(copy_to_user(memory, old_stack.address(), &old, sizeof old));
    return 0;
}

// rt_sigtimedwait(2): takes a pending signal of `set` (SIGKILL and SIGSTOP cannot be
// waited for) without running its handler; waits up to `timeout` (NULL: forever) for one:
// EAGAIN when it passes, EINTR when a handler of another signal is due, EINVAL for a bad
// timeout.
Result<long> sys_rt_sigtimedwait(UserPtr<u64> set, UserPtr<abi::SignalInfo> info, UserPtr<i64> timeout,
                                 usize mask_size) {
    if (mask_size != sizeof(u64)) return Errno::einval;
    UserThread& thread = *current_user_thread();
    AddressSpace& memory = thread.process().memory();
    u64 wanted;
    TRY(copy_from_user(memory, &wanted, set.address(), sizeof wanted));
    wanted &= ~unblockable;
    u64 deadline = ~u64(0);
    if (!timeout.is_null()) {
        i64 value[2];
        TRY(copy_from_user(memory, value, timeout.address(), sizeof value));
        if (value[0] < 0 || value[1] < 0 || value[1] >= 1'000'000'000) return Errno::einval;
        u64 seconds = static_cast<u64>(value[0]);
        u64 duration = seconds > ~u64(0) / 1'000'000'000 - 1 ? ~u64(0) / 2
                                                               : seconds * 1'000'000'000 + static_cast<u64>(value[1]);
        deadline = hal::monotonic_ns() + duration;
    }
    abi::SignalInfo taken {};
    int signal = 0;
    thread.set_awaited_signals(wanted);
    for (;;) {
        signal = thread.take_pending_signal(wanted, taken);
        if (signal || current_thread_must_stop()) break;
        u64 now = hal::monotonic_ns();
        if (now >= deadline) break;
        u64 left = deadline - now;
        sleep_ns(left < 50'000'000 ? left : 50'000'000);  // post_signal wakes it for `set`
    }
    thread.set_awaited_signals(0);
    if (!signal) return current_thread_must_stop() ? Errno::eintr : Errno::eagain;
    if (!info.is_null()) TRY(copy_to_user(memory, info.address(), &taken, sizeof taken));
    return signal;
}

}  // namespace kernel
