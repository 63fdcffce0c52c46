#include "process.h"

#include "../core/klog.h"
#include "../core/panic.h"
#include "../core/scheduler.h"
#include "../hal/timer.h"
#include "../mm/heap.h"
#include "../mm/kmalloc.h"
#include "real_timer.h"
#include "user_thread.h"

namespace kernel {

Spinlock process_tree_lock;

namespace {

// Under process_tree_lock: pid -> process, for every process not yet reaped.
Process** pid_table = nullptr;
Pid last_pid = 0;
usize process_count = 0;
Process* init_process = nullptr;

// Linux wraps to 300 (RESERVED_PIDS) so that daemons' low pids are not reused at once.
constexpr Pid first_reused_pid = 300;

Result<Pid> allocate_pid_locked(Process& process) {
    for (Pid tries = 0; tries < max_pid; ++tries) {
        Pid candidate = last_pid + 1;
        if (candidate >= max_pid) candidate = last_pid >= first_reused_pid ? first_reused_pid : 1;
        last_pid = candidate;
        if (!pid_table[candidate]) {
            pid_table[candidate] = &process;
            ++process_count;
            return candidate;
        }
    }
    return Errno::eagain;  // fork(2): no pid left
}

void release_pid_locked(Pid pid) {
    if (pid > 0 && pid < max_pid && pid_table[pid]) {
        pid_table[pid] = nullptr;
        --process_count;
    }
}

abi::Rlimit default_limit(int resource) {
    constexpr u64 infinity = abi::rlim_infinity;
    switch (resource) {
    case abi::rlimit_stack: return {8 << 20, infinity};
    case abi::rlimit_core: return {0, infinity};
    case abi::rlimit_nofile: return {FileDescriptorTable::max_descriptors, FileDescriptorTable::max_descriptors};
    case abi::rlimit_memlock: return {8 << 20, 8 << 20};
    case abi::rlimit_nproc: return {max_pid, max_pid};
    case abi::rlimit_sigpending: return {max_pid, max_pid};
    case abi::rlimit_msgqueue: return {819200, 819200};
    case abi::rlimit_nice:
    case abi::rlimit_rtprio: return {0, 0};
    default: return {infinity, infinity};
    }
}

}  // namespace

static std::atomic<u64> next_serial {1};

Result<void> Process::enter_tree(Process& process, Process* parent) {
    process.serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
    process.start_ns_ = hal::monotonic_ns();
    if (!pid_table) {
        // First process: the table is made once and never freed (boot is single-threaded
        // until processes exist, so no race on this check).
        pid_table = static_cast<Process**>(kzalloc(sizeof(Process*) * max_pid));
        if (!pid_table) return Errno::enomem;
    }
    SpinlockGuard guard(process_tree_lock);
    process.pid_ = TRY(allocate_pid_locked(process));
    if (parent) {
        process.parent_ = parent;
        process.ref();  // the parent's reference, dropped when it reaps the child
        parent->children_.append(process);
    }
    return ok();
}

Result<RefPtr<Process>> Process::create(const VfsContext& context, RefPtr<AddressSpace> memory) {
    RefPtr<Process> process = TRY(make_ref<Process>());
    process->files_ = TRY(make_ref<FileDescriptorTable>());
    process->vfs_context_ = context;
    process->memory_ = std::move(memory);
    for (int resource = 0; resource < abi::rlimit_count; ++resource)
        process->limits_[resource] = default_limit(resource);
    TRY(enter_tree(*process, nullptr));
    process->process_group_ = process->session_ = process->pid_;
    return process;
}

Process::~Process() {
    // Reaped (or never entered): the pid went back with the last state change. The main
    // thread's object goes with the process.
}

void Process::adopt_main_thread(OwnPtr<UserThread> thread) { main_thread_ = std::move(thread); }

Result<RefPtr<Process>> Process::fork(RefPtr<AddressSpace> memory) {
    RefPtr<Process> child = TRY(make_ref<Process>());
    child->files_ = TRY(make_ref<FileDescriptorTable>());
    TRY(child->files_->copy_from(*files_));
    {
        MutexGuard guard(lock_);
        child->vfs_context_ = vfs_context_;
        for (int i = 0; i < abi::signal_count; ++i) child->actions_[i] = actions_[i];
        child->handled_signals_.store(handled_signals_.load(std::memory_order_relaxed), std::memory_order_relaxed);
        for (int i = 0; i < abi::rlimit_count; ++i) child->limits_[i] = limits_[i];
        kstd::memcpy(child->name_, name_, sizeof name_);
        child->executable_ = executable_;
    }
    child->dumpable_.store(is_dumpable(), std::memory_order_relaxed);
    child->no_new_privileges_.store(no_new_privileges(), std::memory_order_relaxed);
    child->memory_ = std::move(memory);
    child->process_group_ = process_group();
    child->session_ = session();
    TRY(enter_tree(*child, this));
    return child;
}

void Process::share_files_with(Process& other) {
    MutexGuard guard(lock_);
    files_ = other.files_;
}

void Process::set_parent_of(Process& sibling) {
    SpinlockGuard guard(process_tree_lock);
    Process* new_parent = sibling.parent_;
    if (!new_parent || new_parent == parent_) return;
    parent_->children_.remove(*this);
    parent_ = new_parent;
    new_parent->children_.append(*this);
}

Pid Process::parent_pid() const {
    SpinlockGuard guard(process_tree_lock);
    return parent_ ? parent_->pid_ : 0;
}

ProcessState Process::state() const {
    SpinlockGuard guard(process_tree_lock);
    return state_;
}

ExitStatus Process::exit_status() const {
    SpinlockGuard guard(process_tree_lock);
    return exit_status_;
}

RefPtr<AddressSpace> Process::memory_ref() const {
    MutexGuard guard(lock_);
    return memory_;
}

void Process::set_memory(RefPtr<AddressSpace> memory) {
    RefPtr<AddressSpace> old;
    {
        MutexGuard guard(lock_);
        old = std::move(memory_);
        memory_ = std::move(memory);
    }
    // `old` goes here, outside the lock (its teardown may take a while).
}

VfsContext Process::vfs_context() const {
    MutexGuard guard(lock_);
    return vfs_context_;
}

Credentials Process::credentials() const {
    MutexGuard guard(lock_);
    return vfs_context_.credentials;
}

abi::KernelSigaction Process::signal_action(int signal) const {
    MutexGuard guard(lock_);
    return actions_[signal - 1];
}

void Process::set_signal_action(int signal, const abi::KernelSigaction& action) {
    MutexGuard guard(lock_);
    actions_[signal - 1] = action;
    u64 bit = abi::signal_bit(signal);
    bool handled = action.handler != abi::sig_dfl && action.handler != abi::sig_ign;
    u64 handled_now = handled_signals_.load(std::memory_order_relaxed);
    handled_signals_.store(handled ? handled_now | bit : handled_now & ~bit, std::memory_order_release);
}

void Process::reset_signal_actions_for_exec() {
    MutexGuard guard(lock_);
    handled_signals_.store(0, std::memory_order_release);
    for (auto& action : actions_) {
        if (action.handler != abi::sig_ign) action.handler = abi::sig_dfl;
        action.flags = 0;
        action.restorer = 0;
        action.mask = 0;
    }
}

abi::Rlimit Process::limit(int resource) const {
    MutexGuard guard(lock_);
    return limits_[resource];
}

void Process::set_limit(int resource, abi::Rlimit limit) {
    MutexGuard guard(lock_);
    limits_[resource] = limit;
}

void Process::set_name(StringView name) {
    MutexGuard guard(lock_);
    usize length = name.length() < sizeof name_ - 1 ? name.length() : sizeof name_ - 1;
    kstd::memcpy(name_, name.data(), length);
    name_[length] = '\0';
}

RefPtr<FileDescriptorTable> Process::files_ref() const {
    MutexGuard guard(lock_);
    return files_;
}

Path Process::executable() const {
    MutexGuard guard(lock_);
    return executable_;
}

void Process::set_executable(const Path& path) {
    MutexGuard guard(lock_);
    executable_ = path;
}

void Process::copy_name(char* buffer, usize size) const {
    MutexGuard guard(lock_);
    usize length = kstd::strlen(name_);
    if (length >= size) length = size - 1;
    kstd::memcpy(buffer, name_, length);
    buffer[length] = '\0';
}

void Process::reparent_children_locked(IntrusiveList<Process, &Process::sibling_node_>& released) {
    Process* adopter = init_process && init_process != this ? init_process : nullptr;
    bool zombie_to_adopter = false;
    while (Process* child = children_.take_first()) {
        if (adopter) {
            child->parent_ = adopter;
            adopter->children_.append(*child);
            if (child->state_ == ProcessState::zombie) zombie_to_adopter = true;
        } else {
            child->parent_ = nullptr;
            if (child->state_ == ProcessState::zombie) {
                // Nobody will ever wait for it.
                child->state_ = ProcessState::reaped;
                release_pid_locked(child->pid_);
                released.append(*child);
            } else {
                child->unref();  // it keeps living; nobody holds it as a child any more
            }
        }
    }
    if (zombie_to_adopter) adopter->child_generation_.fetch_add(1, std::memory_order_release);
}

void Process::exit(ExitStatus status) {
    disarm_real_timer(*this);
    // What the process owned goes first, outside the tree lock.
    RefPtr<AddressSpace> memory;
    RefPtr<FileDescriptorTable> files;
    VfsContext context;
    Path executable;
    {
        MutexGuard guard(lock_);
        memory = std::move(memory_);
        files = std::move(files_);
        context = std::move(vfs_context_);
        executable = std::move(executable_);
    }
    executable = {};
    u32 context_uid = context.credentials.uid;
    files = nullptr;
    memory = nullptr;
    context = {};

    // Does the parent reap its children itself (SIGCHLD ignored or SA_NOCLDWAIT)?
    RefPtr<Process> parent;
    {
        SpinlockGuard guard(process_tree_lock);
        parent = parent_;
    }
    bool parent_ignores = false;
    if (parent) {
        abi::KernelSigaction action = parent->signal_action(abi::sigchld);
        parent_ignores = action.handler == abi::sig_ign || (action.flags & abi::sa_nocldwait);
    }

    IntrusiveList<Process, &Process::sibling_node_> released;
    Process* wake = nullptr;
    {
        SpinlockGuard guard(process_tree_lock);
        exit_status_ = status;
        exit_uid_ = context_uid;
        reparent_children_locked(released);
        state_ = ProcessState::zombie;
        if (!parent_) {
            state_ = ProcessState::reaped;
            release_pid_locked(pid_);
        } else if (parent_ == parent.get() && parent_ignores && parent_ != init_process) {
            // Reaped at once: the parent never sees it (wait4 gives ECHILD).
            state_ = ProcessState::reaped;
            release_pid_locked(pid_);
            parent_->children_.remove(*this);
            released.append(*this);
            parent_ = nullptr;
        } else {
            wake = parent_;
            notified_ = false;  // wait does not see the zombie before its signal is sent
        }
        if (init_process == this) init_process = nullptr;
    }
    if (init_process) init_process->child_events_.wake_all();
    if (wake) {
        // The parent learns of it by its exit signal (SIGCHLD for fork), with wait's facts,
        // before its wait can: Linux's exit_notify does both under one lock.
        if (wake == parent.get() && exit_signal_) {
            abi::SignalInfo info {};
            info.signo = exit_signal_;
            info.code = status.signal ? (status.core ? abi::cld_dumped : abi::cld_killed) : abi::cld_exited;
            info.process.pid = pid_;
            info.process.uid = context_uid;
            info.process.status = status.signal ? status.signal : status.code;
            send_signal(*parent, exit_signal_, &info);
        }
        publish_to_wait();
    }
    while (Process* gone = released.take_first()) gone->unref();
}

void Process::publish_to_wait() {
    RefPtr<Process> parent;
    {
        SpinlockGuard guard(process_tree_lock);
        notified_ = true;
        parent = parent_;  // (init, if the parent has exited meanwhile)
        if (parent) parent->child_generation_.fetch_add(1, std::memory_order_release);
    }
    if (parent) parent->child_events_.wake_all();
}

bool Process::matches_wait_locked(const Process& child, Pid pid, bool all_children) const {
    // Without __WALL, only children that signal SIGCHLD (or __WCLONE: only the others).
    if (!all_children && child.exit_signal_ != abi::sigchld) return false;
    if (pid > 0) return child.pid_ == pid;
    if (pid == -1) return true;
    if (pid == 0) return child.process_group() == process_group();
    return child.process_group() == -pid;
}

Result<Process::ChildReport> Process::wait_for_child(Pid pid, bool nohang, bool consume, bool all_children,
                                                     unsigned kinds) {
    for (;;) {
        u64 generation = child_generation_.load(std::memory_order_acquire);
        Process* reaped = nullptr;
        ChildReport report {};
        bool any = false, ready = false, in_flight = false;
        {
            SpinlockGuard guard(process_tree_lock);
            for (Process& child : children_) {
                if (!matches_wait_locked(child, pid, all_children)) continue;
                any = true;
                if (!child.notified_) {  // its parent's signal is on its way: see both or neither
                    in_flight = true;
                    continue;
                }
                if (child.state_ == ProcessState::zombie && (kinds & wait_exited)) {
                    report = {child.pid_, child.exit_uid_, child.exit_status_, child.user_ns_};
                    ready = true;
                    if (consume) {
                        child.state_ = ProcessState::reaped;
                        release_pid_locked(child.pid_);
                        children_.remove(child);
                        child.parent_ = nullptr;
                        reaped = &child;
                    }
                    break;
                }
                if (child.state_ != ProcessState::alive) continue;
                if (child.stop_report_ && (kinds & wait_stopped)) {
                    report = {child.pid_, child.report_uid_, {}, 0, wait_stopped, child.stop_report_};
                    if (consume) child.stop_report_ = 0;
                    ready = true;
                    break;
                }
                if (child.continue_report_ && (kinds & wait_continued)) {
                    report = {child.pid_, child.report_uid_, {}, 0, wait_continued, 0};
                    if (consume) child.continue_report_ = false;
                    ready = true;
                    break;
                }
            }
        }
        if (reaped) reaped->unref();  // the reference this process held as its parent
        if (ready) return report;
        if (!any) return Errno::echild;
        if (in_flight) {
            // A child between its state change and its parent's signal: moments away (a
            // WNOHANG wait from the SIGCHLD handler must find it, as on Linux). The changer
            // publishes without blocking, so this ends.
            yield();
            continue;
        }
        if (nohang) return Errno::eagain;
        bool interrupted = false;
        child_events_.wait_until([&] {
            interrupted = current_thread_must_stop();
            return interrupted || child_generation_.load(std::memory_order_acquire) != generation;
        });
        if (interrupted) return Errno::eintr;
    }
}

// A stop (signal) or a continue (0): what the parent's wait reports, and its SIGCHLD
// (CLD_STOPPED or CLD_CONTINUED) unless it set SA_NOCLDSTOP.
void Process::change_job_state(int stop_signal) {
    bool stopping = stop_signal != 0;
    RefPtr<Process> parent;
    u32 uid = credentials().uid;
    {
        SpinlockGuard guard(process_tree_lock);
        if (!stopping && !stopped_.load(std::memory_order_acquire)) return;  // nothing to continue
        report_uid_ = uid;
        stopped_.store(stopping, std::memory_order_release);
        stop_report_ = stop_signal;
        continue_report_ = !stopping;
        parent = parent_;
        if (parent) notified_ = false;  // as at exit: the signal before the report
    }
    if (!parent) return;
    if (!(parent->signal_action(abi::sigchld).flags & abi::sa_nocldstop)) {
        abi::SignalInfo info {};
        info.signo = abi::sigchld;
        info.code = stopping ? abi::cld_stopped : abi::cld_continued;
        info.process.pid = pid_;
        info.process.uid = uid;
        info.process.status = stopping ? stop_signal : abi::sigcont;
        send_signal(*parent, abi::sigchld, &info);
    }
    publish_to_wait();
}

void Process::wake_waiters() { child_events_.wake_all(); }

RefPtr<Process> Process::find(Pid pid) {
    if (pid <= 0 || pid >= max_pid) return {};
    SpinlockGuard guard(process_tree_lock);
    if (!pid_table || !pid_table[pid]) return {};
    return RefPtr<Process>(pid_table[pid]);
}

void Process::set_init(Process* init) {
    SpinlockGuard guard(process_tree_lock);
    init_process = init;
}

RefPtr<Process> Process::init() {
    SpinlockGuard guard(process_tree_lock);
    return RefPtr<Process>(init_process);
}

bool Process::is_process_group_orphaned(Pid group) {
    SpinlockGuard guard(process_tree_lock);
    if (!pid_table) return true;
    for (Pid pid = 1; pid < max_pid; ++pid) {
        Process* member = pid_table[pid];
        if (!member || member->state_ != ProcessState::alive || member->process_group() != group) continue;
        Process* parent = member->parent_;
        if (parent && parent->process_group() != group && parent->session() == member->session()) return false;
    }
    return true;
}

Pid Process::next_pid_at_or_after(Pid pid) {
    SpinlockGuard guard(process_tree_lock);
    if (!pid_table) return 0;
    for (Pid candidate = pid < 1 ? 1 : pid; candidate < max_pid; ++candidate)
        if (pid_table[candidate]) return candidate;
    return 0;
}

void Process::for_each(FunctionRef<void(Process&)> visitor) {
    SpinlockGuard guard(process_tree_lock);
    if (!pid_table) return;
    for (Pid pid = 1; pid < max_pid; ++pid)
        if (pid_table[pid] && pid_table[pid]->state_ == ProcessState::alive) visitor(*pid_table[pid]);
}

usize Process::count() {
    SpinlockGuard guard(process_tree_lock);
    return process_count;
}

}  // namespace kernel
