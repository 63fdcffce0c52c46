#include "user_thread.h"

#include "../core/klog.h"
#include "../hal/cpu.h"
#include "../hal/debug.h"
#include "../mm/heap.h"
#include "../syscalls/dispatcher.h"

namespace kernel {
namespace {

constexpr u64 unblockable = abi::signal_bit(abi::sigkill) | abi::signal_bit(abi::sigstop);

// The Linux signal for a CPU exception in user mode (arch/x86/kernel/traps.c).
int signal_for_exception(u32 vector) {
    switch (vector) {
    case 0: return abi::sigfpe;    // #DE divide error
    case 1:
    case 3: return abi::sigtrap;   // #DB, #BP (int3)
    case 6: return abi::sigill;    // #UD
    case 7:
    case 16:
    case 19: return abi::sigfpe;   // #NM, #MF, #XM
    case 11:
    case 12:
    case 17: return abi::sigbus;   // #NP, #SS, #AC
    default: return abi::sigsegv;  // #GP, #OF, #BR, #TS, ...
    }
}

}  // namespace

SignalDefault default_action(int signal) {
    switch (signal) {
    case abi::sigchld:
    case abi::sigurg:
    case abi::sigwinch: return SignalDefault::ignore;
    case abi::sigcont: return SignalDefault::resume;
    case abi::sigstop:
    case abi::sigtstp:
    case abi::sigttin:
    case abi::sigttou: return SignalDefault::stop;
    case abi::sigquit:
    case abi::sigill:
    case abi::sigtrap:
    case abi::sigabrt:
    case abi::sigbus:
    case abi::sigfpe:
    case abi::sigsegv:
    case abi::sigxcpu:
    case abi::sigxfsz:
    case abi::sigsys: return SignalDefault::core;
    default: return SignalDefault::terminate;
    }
}

Result<UserThread*> UserThread::create(Process& process, const hal::UserContext& context) {
    OwnPtr<UserThread> thread = make<UserThread>(process, context);
    if (!thread) return Errno::enomem;
    UserThread* result = thread.get();
    process.adopt_main_thread(std::move(thread));
    return result;
}

Result<void> UserThread::start() {
    char name[16];
    process_->copy_name(name, sizeof name);
    // The kernel thread keeps the process alive until it has exited.
    process_->ref();
    auto thread = spawn_thread(main, this, {.name = name[0] ? name : "user"});
    if (thread.is_error()) {
        process_->unref();
        return thread.error();
    }
    kernel_thread_ = thread.release_value();
    published_thread_.store(kernel_thread_.get(), std::memory_order_release);
    return ok();
}

UserThread* current_user_thread() {
    Thread* thread = current_thread();
    return thread ? thread->user : nullptr;
}

bool current_thread_must_stop() {
    UserThread* thread = current_user_thread();
    return thread && (thread->exit_requested() || thread->has_deliverable_signal() || thread->stop_requested());
}

void UserThread::set_blocked_signals(u64 mask) {
    blocked_.store(mask & ~unblockable, std::memory_order_relaxed);
    deliver_unblocked_pending();
}

void UserThread::wake() {
    Thread* thread = kernel_thread();
    if (!thread || finished_.load(std::memory_order_acquire)) return;
    wake_thread(*thread);
    // Running user code on another CPU: an interrupt there makes enter_user return.
    unsigned cpu = thread->last_cpu();
    if (thread != current_thread() && cpu < hal::cpu_count()) hal::send_ipi(cpu);
    process_->wake_waiters();
}

void UserThread::request_exit(ExitStatus status) {
    bool expected = false;
    // The first request wins (a fatal signal during exit_group changes nothing).
    if (!exit_requested_.load(std::memory_order_acquire)) {
        exit_status_ = status;
        exit_requested_.compare_exchange_strong(expected, true, std::memory_order_acq_rel);
    }
    wake();
}

void UserThread::post_signal(int signal, const abi::SignalInfo* info) {
    if (signal <= 0 || signal > abi::signal_count) return;
    abi::KernelSigaction action = process_->signal_action(signal);
    bool blocked = (blocked_signals() & abi::signal_bit(signal)) != 0;
    if (signal == abi::sigkill) {
        request_exit({0, signal, false});
        return;
    }
    constexpr u64 stop_signals = abi::signal_bit(abi::sigstop) | abi::signal_bit(abi::sigtstp) |
                                 abi::signal_bit(abi::sigttin) | abi::signal_bit(abi::sigttou);
    if (signal == abi::sigcont) {
        // SIGCONT continues the process whatever its action or mask, and cancels stops
        // not yet taken; then it is an ordinary signal (default: ignored).
        pending_.fetch_and(~stop_signals, std::memory_order_acq_rel);
        stop_signal_.store(0, std::memory_order_release);
        process_->mark_continued();
        wake();
    } else if (abi::signal_bit(signal) & stop_signals) {
        // A stop cancels a pending SIGCONT (Linux's prepare_signal).
        pending_.fetch_and(~abi::signal_bit(abi::sigcont), std::memory_order_acq_rel);
        if (signal == abi::sigstop || (!blocked && action.handler == abi::sig_dfl)) {
            // Terminal stops do nothing in an orphaned process group (nobody could continue it).
            if (signal != abi::sigstop && Process::is_process_group_orphaned(process_->process_group())) return;
            stop_signal_.store(signal, std::memory_order_release);
            wake();  // out of any wait: the run loop stops the thread
            return;
        }
    }
    // A blocked signal is never ignored: its action may change before it is unblocked, and
    // rt_sigtimedwait may take it (Linux's sig_ignored).
    if (!blocked && action.handler == abi::sig_ign) return;
    // A stopped process takes no signal but SIGKILL and SIGCONT: a fatal one waits, pending,
    // until it is continued (Linux's wants_signal).
    bool stopped = process_->is_stopped() || stop_requested();
    if (!blocked && action.handler == abi::sig_dfl && !stopped) {
        switch (default_action(signal)) {
        case SignalDefault::ignore:
        case SignalDefault::resume:
        case SignalDefault::stop: return;  // (stops were taken above)
        case SignalDefault::terminate: request_exit({0, signal, false}); return;
        case SignalDefault::core: request_exit({0, signal, true}); return;
        }
    }
    if (!blocked && action.handler == abi::sig_dfl && default_action(signal) != SignalDefault::terminate &&
        default_action(signal) != SignalDefault::core)
        return;  // ignored by default, even while stopped
    {
        // Standard signals do not queue: a second one while pending keeps the first's info.
        SpinlockGuard guard(info_lock_);
        if (!(pending_.load(std::memory_order_relaxed) & abi::signal_bit(signal))) {
            abi::SignalInfo& stored = infos_[signal - 1];
            if (info) stored = *info;
            else {
                stored = {};
                stored.code = abi::si_kernel;
            }
            stored.signo = signal;
        }
        pending_.fetch_or(abi::signal_bit(signal), std::memory_order_release);
    }
    // Out of a wait, to run the handler or to be taken by rt_sigtimedwait.
    if ((!blocked && action.handler != abi::sig_dfl) || (awaited_.load(std::memory_order_acquire) & abi::signal_bit(signal)))
        wake();
}

// Job control: the process stays stopped until SIGCONT (or SIGKILL). A syscall the stop
// interrupted runs again afterwards unless a handler is due (Linux restarts every
// -ERESTART* call when no handler runs).
void UserThread::stay_stopped() {
    int signal = stop_signal_.load(std::memory_order_acquire);
    if (!signal) return;
    process_->mark_stopped(signal);
    while (stop_signal_.load(std::memory_order_acquire) && !exit_requested()) sleep_ns(50'000'000);
    if (exit_requested()) return;
    if (!has_deliverable_signal()) restart_interrupted_syscall();
}

int UserThread::take_pending_signal(u64 set, abi::SignalInfo& info) {
    SpinlockGuard guard(info_lock_);
    u64 ready = pending_.load(std::memory_order_acquire) & set;
    if (!ready) return 0;
    int signal = __builtin_ctzll(ready) + 1;
    info = infos_[signal - 1];
    pending_.fetch_and(~abi::signal_bit(signal), std::memory_order_acq_rel);
    return signal;
}

void UserThread::deliver_unblocked_pending() {
    u64 ready = pending_.load(std::memory_order_relaxed) & ~blocked_signals();
    for (int signal = 1; signal <= abi::signal_count && ready; ++signal) {
        if (!(ready & abi::signal_bit(signal))) continue;
        ready &= ~abi::signal_bit(signal);
        abi::KernelSigaction action = process_->signal_action(signal);
        if (action.handler != abi::sig_dfl) continue;  // handled or ignored: deliver_pending_signals
        pending_.fetch_and(~abi::signal_bit(signal), std::memory_order_relaxed);
        post_signal(signal);
    }
}

void send_signal(Process& process, int signal, const abi::SignalInfo* info) {
    if (process.state() != ProcessState::alive) return;
    if (UserThread* thread = process.main_thread()) thread->post_signal(signal, info);
}

void UserThread::wait_for_vfork_release() {
    vfork_queue_.wait_until([&] { return !vfork_waiting_.load(std::memory_order_acquire); });
}

void UserThread::release_vfork_parent() {
    UserThread* parent = vfork_parent_;
    vfork_parent_ = nullptr;
    if (!parent) return;
    parent->vfork_waiting_.store(false, std::memory_order_release);
    parent->vfork_queue_.wake_all();
}

// A synchronous fault (Linux's force_sig_fault): its handler runs if there is one and the
// signal is not blocked; otherwise it kills, even when ignored or blocked.
void UserThread::force_fault_signal(int signal, const abi::SignalInfo& info) {
    bool handled = (process_->handled_signals() & abi::signal_bit(signal)) != 0;
    bool blocked = (blocked_signals() & abi::signal_bit(signal)) != 0;
    if (handled && !blocked) {
        post_signal(signal, &info);
        return;
    }
    request_exit({0, signal, true});
}

void UserThread::handle_trap(const hal::Trap& trap) {
    switch (trap.kind) {
    case hal::TrapKind::syscall: dispatch_syscall(*this); break;
    case hal::TrapKind::page_fault: {
        RefPtr<AddressSpace> memory = process_->memory_ref();
        FaultOutcome outcome = memory ? memory->handle_fault(trap.address, trap.access) : FaultOutcome::no_mapping;
        if (outcome == FaultOutcome::handled) break;
        int signal = outcome == FaultOutcome::bus_error ? abi::sigbus : abi::sigsegv;
        if (outcome == FaultOutcome::out_of_memory) klog(LogLevel::warning, "pid %d: out of memory at %#llx", tid(),
                                                          static_cast<unsigned long long>(trap.address));
        abi::SignalInfo info {};
        info.code = signal == abi::sigbus ? 2 /* BUS_ADRERR */
                    : outcome == FaultOutcome::access_denied ? abi::segv_accerr
                                                             : abi::segv_maperr;
        info.address = trap.address;
        force_fault_signal(signal, info);
        break;
    }
    case hal::TrapKind::exception: {
        abi::SignalInfo info {};
        info.code = abi::si_kernel;
        info.address = context_.rip;
        force_fault_signal(signal_for_exception(trap.vector), info);
        break;
    }
    case hal::TrapKind::interrupt: break;  // the handler ran; the scheduler preempts us if due
    }
}

void UserThread::run() {
    while (!exit_requested()) {
        RefPtr<AddressSpace> memory = process_->memory_ref();
        if (!memory) break;
        if (stop_requested()) stay_stopped();
        if (exit_requested()) break;
        deliver_pending_signals();
        if (exit_requested()) break;
        hal::Trap trap = hal::enter_user(memory->hardware(), context_);
        memory = nullptr;
        handle_trap(trap);
    }
}

void UserThread::main(void* argument) {
    auto* self = static_cast<UserThread*>(argument);
    RefPtr<Process> process = RefPtr<Process>::adopt(self->process_);  // start()'s reference
    current_thread()->user = self;
    self->run();
    current_thread()->user = nullptr;
    self->release_vfork_parent();
    ExitStatus status = self->exit_status_;
    self->finished_.store(true, std::memory_order_release);
    // From here `self` may go with the process (when the parent reaps it).
    bool was_init = Process::init().get() == process.get();
    process->exit(status);
    process = nullptr;
    if (was_init) {
        int code = status.signal ? 128 + status.signal : status.code;
        klog_info("init exited with status %d: powering off", code);
        hal::poweroff(code);
    }
    exit_thread(status.signal ? 128 + status.signal : status.code);
}

}  // namespace kernel
