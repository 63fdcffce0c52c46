// UserThread: the user-mode half of a kernel thread that runs a process. It holds the
// registers (hal::UserContext), the signal mask, what exit/kill asked of it, and runs the
// loop every user thread runs:
//   for (;;) { trap = hal::enter_user(space, context); handle(trap); check signals; }
// A syscall trap goes to the dispatcher (kernel/syscalls), a fault the address space
// cannot resolve kills the process with SIGSEGV/SIGBUS (handlers arrive in step 7), an
// exception becomes its Linux signal (SIGILL, SIGFPE, SIGTRAP, SIGSEGV).
#pragma once

#include <atomic>

#include "../core/scheduler.h"
#include "../hal/usermode.h"
#include "process.h"

namespace kernel {

class UserThread {
public:
    // Makes `process`'s main thread, with `context` as its first registers. The process
    // owns it (it lives until the process is freed, so a signal can always reach it).
    static Result<UserThread*> create(Process& process, const hal::UserContext& context);
    // Starts the kernel thread that runs it.
    Result<void> start();

    Process& process() { return *process_; }
    RefPtr<Process> process_ref() const { return RefPtr<Process>(process_); }
    Pid tid() const { return process_->pid(); }
    hal::UserContext& context() { return context_; }
    // The kernel thread that runs it (nullptr before start; set once). Other threads read it
    // (kill, /proc) through the atomic copy published after the reference is stored.
    Thread* kernel_thread() const { return published_thread_.load(std::memory_order_acquire); }

    // execve gave the thread new registers: the dispatcher must not store a result. Reading
    // it clears it.
    void mark_new_context() { new_context_ = true; }
    bool took_new_context() { return __builtin_expect(new_context_, 0) ? (new_context_ = false, true) : false; }

    // rt_sigprocmask's mask (SIGKILL and SIGSTOP never blocked).
    u64 blocked_signals() const { return blocked_.load(std::memory_order_relaxed); }
    void set_blocked_signals(u64 mask);
    u64 pending_signals() const { return pending_.load(std::memory_order_relaxed); }
    void discard_pending(int signal) { pending_.fetch_and(~abi::signal_bit(signal), std::memory_order_relaxed); }

    // set_tid_address / CLONE_CHILD_CLEARTID, set_robust_list: remembered; used with
    // futexes (step 7).
    uptr clear_child_tid = 0;
    uptr robust_list = 0;
    usize robust_list_length = 0;

    // Asks the thread to end the process with `status` (exit_group, a fatal signal): it
    // stops at its next trap or wait, from any CPU.
    void request_exit(ExitStatus status);
    bool exit_requested() const { return exit_requested_.load(std::memory_order_acquire); }

    // A signal for this thread: fatal default actions end the process, ignored signals
    // vanish, blocked ones and those with a handler stay pending until
    // deliver_pending_signals runs the handler. `info` (siginfo) defaults to SI_KERNEL.
    void post_signal(int signal, const abi::SignalInfo* info = nullptr);

    // Signal handlers (signal_delivery.cpp).
    // A signal with a handler is pending and not blocked: waits end (EINTR) for it.
    bool has_deliverable_signal() const;
    // Before returning to user mode: sets up a handler frame for each deliverable signal
    // (Linux's rt_sigframe), restarting an interrupted syscall first when SA_RESTART says so.
    void deliver_pending_signals();
    // rt_sigreturn: the registers, FPU state, mask and alternate stack the frame at rsp
    // saved; SIGSEGV when it cannot be read.
    void return_from_signal();
    // sigsuspend: the mask a handler's frame saves (and sigreturn restores) instead of
    // the current one.
    void set_saved_mask(u64 mask) {
        saved_mask_ = mask;
        has_saved_mask_ = true;
    }
    // Job control: a stop signal asked this thread to stop (it does at its next return to
    // user mode; waits end for it); SIGCONT clears it.
    bool stop_requested() const { return stop_signal_.load(std::memory_order_acquire) != 0; }

    // rt_sigtimedwait: takes the lowest pending signal of `set` with its siginfo, or
    // returns 0. While waiting, `set` says which signals must wake the thread.
    int take_pending_signal(u64 set, abi::SignalInfo& info);
    void set_awaited_signals(u64 set) { awaited_.store(set, std::memory_order_release); }
    // sigaltstack.
    const abi::SignalStack& alternate_stack() const { return alternate_stack_; }
    void set_alternate_stack(const abi::SignalStack& stack) { alternate_stack_ = stack; }
    bool on_alternate_stack(uptr sp) const {
        return !(alternate_stack_.flags & abi::ss_disable) && sp > alternate_stack_.sp &&
               sp - alternate_stack_.sp <= alternate_stack_.size;
    }
    // The dispatcher notes each syscall's number and result: a restartable call that
    // ended with EINTR runs again after a handler with SA_RESTART.
    void note_syscall(u64 number, long result) {
        last_syscall_ = number;
        last_result_ = result;
    }
    // Makes the noted syscall run again when the thread returns to user mode (rax and rip
    // back on the syscall instruction), if it ended with EINTR; then forgets it.
    bool restart_interrupted_syscall();

    // vfork: the parent sleeps until the child execs or exits.
    void wait_for_vfork_release();
    void release_vfork_parent();
    // Makes `parent` wait in wait_for_vfork_release until this thread execs or exits.
    void set_vfork_parent(UserThread* parent) {
        parent->vfork_waiting_.store(true, std::memory_order_release);
        vfork_parent_ = parent;
    }

    // Use create().
    UserThread(Process& process, const hal::UserContext& context) : process_(&process), context_(context) {}

private:
    static void main(void* argument);
    void run();
    void handle_trap(const hal::Trap& trap);
    void force_fault_signal(int signal, const abi::SignalInfo& info);
    void stay_stopped();
    void deliver_unblocked_pending();
    void wake();

    Process* process_;  // the owner
    hal::UserContext context_;
    std::atomic<bool> finished_ {false};
    bool new_context_ = false;  // its kernel thread is gone or going
    RefPtr<Thread> kernel_thread_;
    std::atomic<Thread*> published_thread_ {nullptr};
    std::atomic<u64> blocked_ {0};
    std::atomic<u64> pending_ {0};
    std::atomic<u64> awaited_ {0};  // rt_sigtimedwait's set while it waits
    std::atomic<int> stop_signal_ {0};  // a stop to take (job control)
    Spinlock info_lock_;  // guards infos_
    abi::SignalInfo infos_[abi::signal_count] = {};  // the siginfo of each pending signal
    u64 saved_mask_ = 0;
    bool has_saved_mask_ = false;
    abi::SignalStack alternate_stack_ {0, abi::ss_disable, 0, 0};
    u64 last_syscall_ = ~u64(0);
    long last_result_ = 0;
    std::atomic<bool> exit_requested_ {false};
    ExitStatus exit_status_;  // written before exit_requested_ is set
    UserThread* vfork_parent_ = nullptr;
    std::atomic<bool> vfork_waiting_ {false};
    WaitQueue vfork_queue_;
};

// The user thread the calling kernel thread runs (nullptr for kernel threads).
UserThread* current_user_thread();
// Whether the caller's user thread has been asked to stop (a wait should end with EINTR).
bool current_thread_must_stop();

// Sends `signal` to a process (kill(2)'s delivery, after its permission checks).
void send_signal(Process& process, int signal, const abi::SignalInfo* info = nullptr);

// The default action of a signal (signal(7)).
enum class SignalDefault : u8 { terminate, core, ignore, stop, resume };
SignalDefault default_action(int signal);

}  // namespace kernel
