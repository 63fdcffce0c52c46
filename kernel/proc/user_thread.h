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
    // The kernel thread that runs it (nullptr before start; set once).
    Thread* kernel_thread() const { return kernel_thread_.get(); }

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

    // A signal for this thread, with its default action where no handler can run yet:
    // fatal ones end the process, ignored ones vanish, blocked ones and those with a
    // handler stay pending (delivered from step 7 on).
    void post_signal(int signal);

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
    void deliver_unblocked_pending();
    void wake();

    Process* process_;  // the owner
    hal::UserContext context_;
    std::atomic<bool> finished_ {false};
    bool new_context_ = false;  // its kernel thread is gone or going
    RefPtr<Thread> kernel_thread_;
    std::atomic<u64> blocked_ {0};
    std::atomic<u64> pending_ {0};
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
void send_signal(Process& process, int signal);

// The default action of a signal (signal(7)).
enum class SignalDefault : u8 { terminate, core, ignore, stop, resume };
SignalDefault default_action(int signal);

}  // namespace kernel
