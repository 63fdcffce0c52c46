// Running signal handlers: the frame Linux x86-64 builds on the user stack (struct
// rt_sigframe: the return address from sa_restorer, a ucontext with the registers, mask
// and alternate stack, the siginfo, and the XSAVE-format FPU state 64-byte aligned below
// it), and rt_sigreturn, which takes it back. Everything goes through the generic
// hal::UserContext, so both backends run handlers the same way; enter_user sanitizes what
// a frame restores (rip, FPU state) as for any context.
#include <cstddef>

#include "../lib/string.h"
#include "../mm/user_memory.h"
#include "user_thread.h"

namespace kernel {
namespace {

constexpr u64 unblockable = abi::signal_bit(abi::sigkill) | abi::signal_bit(abi::sigstop);
constexpr usize red_zone = 128;
constexpr u64 syscall_instruction_length = 2;  // 0f 05
constexpr u16 user_code_selector = 0x33, user_data_selector = 0x2b;

// rflags bits a frame may change (Linux's FIX_EFLAGS): AC OF DF TF SF ZF AF PF CF RF.
constexpr u64 user_rflags = (1u << 18) | (1u << 11) | (1u << 10) | (1u << 8) | (1u << 7) | (1u << 6) | (1u << 4) |
                            (1u << 2) | (1u << 0) | (1u << 16);
// Cleared for the handler: DF, RF and TF (Linux's handle_signal).
constexpr u64 handler_clears = (1u << 10) | (1u << 16) | (1u << 8);

constexpr u32 errno_eintr = 4;

// The FPU state a handler starts with (Linux's fpu__clear_user_states): the one exec gives,
// made once (the frame keeps the interrupted code's state for sigreturn).
Spinlock initial_fpu_lock;
bool initial_fpu_ready = false;
hal::UserContext initial_fpu_context;

void reset_fpu(hal::UserContext& context) {
    {
        SpinlockGuard guard(initial_fpu_lock);
        if (!initial_fpu_ready) {
            hal::reset_user_context(initial_fpu_context);
            initial_fpu_ready = true;
        }
    }
    kstd::memcpy(context.fpu, initial_fpu_context.fpu, hal::fpu_state_size);
}

// The syscalls that may run again after a handler with SA_RESTART (Linux's ERESTARTSYS
// returners among what Newt has); the others (nanosleep, poll, select, sigsuspend, pause)
// end with EINTR whenever a handler runs.
bool restartable(u64 number) {
    switch (number) {
    case 0:    // read
    case 1:    // write
    case 2:    // open (a FIFO waits for its other end)
    case 16:   // ioctl
    case 17:   // pread64
    case 18:   // pwrite64
    case 19:   // readv
    case 20:   // writev
    case 61:   // wait4
    case 72:   // fcntl (F_SETLKW)
    case 73:   // flock
    case 202:  // futex
    case 247:  // waitid
    case 257:  // openat
    case 295:  // preadv
    case 296:  // pwritev
        return true;
    default: return false;
    }
}

}  // namespace

bool UserThread::restart_interrupted_syscall() {
    bool interrupted = last_result_ == -long(errno_eintr) && last_syscall_ != ~u64(0);
    if (interrupted) {
        context_.rax = last_syscall_;
        context_.rip -= syscall_instruction_length;
    }
    last_syscall_ = ~u64(0);
    return interrupted;
}

bool UserThread::has_deliverable_signal() const {
    return (pending_.load(std::memory_order_acquire) & ~blocked_signals() & process_->handled_signals()) != 0;
}

void UserThread::deliver_pending_signals() {
    bool first = true;
    for (;;) {
        u64 ready = pending_.load(std::memory_order_acquire) & ~blocked_signals();
        if (!ready) break;
        int signal = __builtin_ctzll(ready) + 1;
        u64 bit = abi::signal_bit(signal);
        abi::SignalInfo info;
        {
            SpinlockGuard guard(info_lock_);
            info = infos_[signal - 1];
            pending_.fetch_and(~bit, std::memory_order_acq_rel);
        }
        abi::KernelSigaction action = process_->signal_action(signal);
        if (action.handler == abi::sig_ign) continue;
        if (action.handler == abi::sig_dfl) {
            // Unblocked with its default action meanwhile: act as a new arrival would.
            post_signal(signal, &info);
            if (exit_requested()) return;
            continue;
        }
        if (first) {
            // The syscall this trap made was interrupted for this handler.
            if (restartable(last_syscall_) && (action.flags & abi::sa_restart)) restart_interrupted_syscall();
            first = false;
        }
        last_syscall_ = ~u64(0);

        u64 frame_mask = has_saved_mask_ ? saved_mask_ : blocked_signals();
        has_saved_mask_ = false;
        AddressSpace& memory = process_->memory();
        // Linux's get_sigframe: below the red zone, or at the top of the alternate stack.
        bool was_on_alternate = on_alternate_stack(context_.rsp);
        uptr sp = context_.rsp - red_zone;
        if ((action.flags & abi::sa_onstack) && !(alternate_stack_.flags & abi::ss_disable) && !was_on_alternate)
            sp = alternate_stack_.sp + alternate_stack_.size;
        sp = (sp - hal::fpu_state_size - sizeof(u32)) & ~uptr(63);
        uptr fpstate = sp;
        sp = ((sp - sizeof(abi::RtSignalFrame)) & ~uptr(15)) - 8;  // as after a call
        uptr frame_address = sp;

        abi::RtSignalFrame frame {};
        frame.return_address = action.restorer;
        frame.context.flags = abi::uc_fp_xstate | abi::uc_sigcontext_ss | abi::uc_strict_restore_ss;
        frame.context.stack = alternate_stack_;
        if (was_on_alternate) frame.context.stack.flags |= abi::ss_onstack;
        abi::SignalContext& saved = frame.context.mcontext;
        saved = {context_.r8,  context_.r9,  context_.r10, context_.r11, context_.r12, context_.r13,
                 context_.r14, context_.r15, context_.rdi, context_.rsi, context_.rbp, context_.rbx,
                 context_.rdx, context_.rax, context_.rcx, context_.rsp, context_.rip, context_.rflags,
                 user_code_selector, 0, 0, user_data_selector, 0, 0, frame_mask, 0, fpstate, {}};
        if (signal == abi::sigsegv || signal == abi::sigbus) saved.cr2 = info.address;
        frame.context.sigmask = frame_mask;
        frame.info = info;

        // The FPU state with the software bytes that say an XSAVE area of our size follows.
        abi::FpxSoftwareBytes software {};
        software.magic1 = abi::fp_xstate_magic1;
        software.extended_size = static_cast<u32>(hal::fpu_state_size + sizeof(u32));
        kstd::memcpy(&software.xfeatures, context_.fpu + 512, sizeof software.xfeatures);  // XSTATE_BV
        software.xfeatures |= 3;  // x87 and SSE are always in the legacy region
        software.xstate_size = static_cast<u32>(hal::fpu_state_size);
        u32 magic2 = abi::fp_xstate_magic2;
        Result<void> written = (action.flags & abi::sa_restorer) ? Result<void>(ok()) : Result<void>(Errno::efault);
        if (written.has_value()) written = copy_to_user(memory, fpstate, context_.fpu, hal::fpu_state_size);
        if (written.has_value())
            written = copy_to_user(memory, fpstate + abi::fpx_software_bytes_offset, &software, sizeof software);
        if (written.has_value()) written = copy_to_user(memory, fpstate + hal::fpu_state_size, &magic2, sizeof magic2);
        if (written.has_value()) written = copy_to_user(memory, frame_address, &frame, sizeof frame);
        if (written.is_error()) {
            // No room for the frame (or no restorer): Linux's force_sigsegv.
            request_exit({0, abi::sigsegv, true});
            return;
        }

        context_.rdi = static_cast<u64>(signal);
        context_.rsi = frame_address + offsetof(abi::RtSignalFrame, info);
        context_.rdx = frame_address + offsetof(abi::RtSignalFrame, context);
        context_.rax = 0;
        context_.rsp = frame_address;
        context_.rip = action.handler;
        context_.rflags &= ~handler_clears;
        reset_fpu(context_);
        u64 mask = blocked_signals() | action.mask;
        if (!(action.flags & abi::sa_nodefer)) mask |= abi::signal_bit(signal);
        blocked_.store(mask & ~unblockable, std::memory_order_relaxed);
        if (action.flags & abi::sa_resethand) {
            abi::KernelSigaction reset {};
            process_->set_signal_action(signal, reset);
        }
        if ((action.flags & abi::sa_onstack) && (alternate_stack_.flags & int(abi::ss_autodisarm)) && !was_on_alternate)
            alternate_stack_ = {0, abi::ss_disable, 0, 0};
    }
}

void UserThread::return_from_signal() {
    mark_new_context();  // the restored rax is the result, not sigreturn's
    AddressSpace& memory = process_->memory();
    uptr frame_address = context_.rsp - sizeof(u64);  // the handler's ret popped the return address
    abi::RtSignalFrame frame;
    if (copy_from_user(memory, &frame, frame_address, sizeof frame).is_error()) {
        request_exit({0, abi::sigsegv, true});
        return;
    }
    const abi::SignalContext& saved = frame.context.mcontext;
    if (saved.fpstate) {
        // The HAL loads only what is valid of it (enter_user sanitizes the XSAVE header and
        // MXCSR as for any context).
        if (copy_from_user(memory, context_.fpu, saved.fpstate, hal::fpu_state_size).is_error()) {
            request_exit({0, abi::sigsegv, true});
            return;
        }
    }
    context_.r8 = saved.r8, context_.r9 = saved.r9, context_.r10 = saved.r10, context_.r11 = saved.r11;
    context_.r12 = saved.r12, context_.r13 = saved.r13, context_.r14 = saved.r14, context_.r15 = saved.r15;
    context_.rdi = saved.rdi, context_.rsi = saved.rsi, context_.rbp = saved.rbp, context_.rbx = saved.rbx;
    context_.rdx = saved.rdx, context_.rax = saved.rax, context_.rcx = saved.rcx, context_.rsp = saved.rsp;
    context_.rip = saved.rip;
    context_.rflags = (context_.rflags & ~user_rflags) | (saved.eflags & user_rflags);
    // Linux's restore_altstack: the frame's stack_t goes through sigaltstack's rules.
    const abi::SignalStack& stack = frame.context.stack;
    int mode = stack.flags & ~int(abi::ss_autodisarm);
    if (!on_alternate_stack(context_.rsp)) {
        if (mode == abi::ss_disable) alternate_stack_ = {0, abi::ss_disable, 0, 0};
        else if ((mode == 0 || mode == abi::ss_onstack) && stack.size >= abi::min_signal_stack_size)
            alternate_stack_ = {stack.sp, stack.flags & int(abi::ss_autodisarm), 0, stack.size};
    }
    last_syscall_ = ~u64(0);
    set_blocked_signals(frame.context.sigmask);
}

}  // namespace kernel
