// Process: what user programs run in. One address space, one descriptor table, one view
// of the file tree (root, cwd, umask, credentials), signal dispositions, resource limits,
// and a place in the process tree (parent, children, zombies waiting to be reaped).
// Threads of a process (step 7) will share all of this; today each process has one
// UserThread (user_thread.h).
//
// Locking: the process tree (every parent/children link, states, exit statuses, the pid
// table) is guarded by one global spinlock, process_tree_lock (a leaf: nothing else is
// taken under it). A process's own state (context, signal actions, limits) is guarded by its
// mutex `lock`; the descriptor table and the address space have their own locks.
#pragma once

#include <atomic>

#include "../abi/process.h"
#include "../abi/signal.h"
#include "../core/mutex.h"
#include "../core/wait_queue.h"
#include "../fs/file_descriptor_table.h"
#include "../fs/path_resolution.h"
#include "../lib/function_ref.h"
#include "../lib/intrusive_list.h"
#include "../lib/own_ptr.h"
#include "../lib/ref_ptr.h"
#include "../lib/spinlock.h"
#include "../mm/address_space.h"

namespace kernel {

using Pid = i32;

inline constexpr Pid max_pid = 32768;  // Linux's default pid_max on small machines

class UserThread;

enum class ProcessState : u8 { alive, zombie, reaped };

// How a process ended, as wait4 encodes it: exited with a code or killed by a signal.
struct ExitStatus {
    int code = 0;       // exit(code) & 0xff
    int signal = 0;     // the signal that killed it (0: exited)
    bool core = false;  // the signal's default action dumps core (the 0x80 bit)

    int wait_status() const { return signal ? (signal | (core ? 0x80 : 0)) : (code & 0xff) << 8; }
};

class Process : public RefCounted<Process> {
public:
    IntrusiveListNode sibling_node_;  // in the parent's children_ (under process_tree_lock)
    // ITIMER_REAL (real_timer.cpp, under its lock): on the armed list while deadline != 0.
    IntrusiveListNode real_timer_node_;
    u64 real_timer_deadline_ = 0;
    u64 real_timer_interval_ = 0;

    // A new process without a parent (the first user process, tests).
    static Result<RefPtr<Process>> create(const VfsContext& context, RefPtr<AddressSpace> memory);
    ~Process();

    Pid pid() const { return pid_; }
    Pid parent_pid() const;   // 0 when it has none
    Pid process_group() const { return process_group_.load(std::memory_order_relaxed); }
    Pid session() const { return session_.load(std::memory_order_relaxed); }
    void set_process_group(Pid group) { process_group_.store(group, std::memory_order_relaxed); }
    void set_session(Pid session) { session_.store(session, std::memory_order_relaxed); }
    ProcessState state() const;
    ExitStatus exit_status() const;

    // fork: a child with copies of everything (the address space copy-on-write, the
    // descriptors sharing their open files), linked under this process.
    Result<RefPtr<Process>> fork(RefPtr<AddressSpace> memory);

    AddressSpace& memory() { return *memory_; }
    RefPtr<AddressSpace> memory_ref() const;
    void set_memory(RefPtr<AddressSpace> memory);  // exec
    FileDescriptorTable& files() { return *files_; }
    // For other processes' readers (/proc): nullptr once the process has exited.
    RefPtr<FileDescriptorTable> files_ref() const;
    // CLONE_FILES: use `other`'s descriptor table (both see every change).
    void share_files_with(Process& other);
    // CLONE_PARENT: this new process becomes a child of `sibling`'s parent instead.
    void set_parent_of(Process& sibling);

    // The view of the file tree; copied out for each operation (vfs calls take a context).
    VfsContext vfs_context() const;
    template <typename Change>
    void change_vfs_context(Change change) {
        MutexGuard guard(lock_);
        change(vfs_context_);
    }
    Credentials credentials() const;

    // Signal dispositions (rt_sigaction); handlers run from step 7 on.
    abi::KernelSigaction signal_action(int signal) const;
    void set_signal_action(int signal, const abi::KernelSigaction& action);
    void reset_signal_actions_for_exec();  // handlers go back to SIG_DFL; SIG_IGN stays
    // The signals whose action is a handler (a function), read without the lock by waits
    // that must end when such a signal arrives.
    u64 handled_signals() const { return handled_signals_.load(std::memory_order_acquire); }

    abi::Rlimit limit(int resource) const;
    void set_limit(int resource, abi::Rlimit limit);

    // The name ps shows (Linux's comm: the executable's base name, 15 bytes).
    void set_name(StringView name);
    void copy_name(char* buffer, usize size) const;

    // prctl: whether a core dump or ptrace may see it (reset by exec, off after a set-id
    // exec), and no_new_privs (kept across fork and exec; exec then ignores set-id bits).
    bool is_dumpable() const { return dumpable_.load(std::memory_order_relaxed); }
    void set_dumpable(bool dumpable) { dumpable_.store(dumpable, std::memory_order_relaxed); }
    bool no_new_privileges() const { return no_new_privileges_.load(std::memory_order_relaxed); }
    void set_no_new_privileges() { no_new_privileges_.store(true, std::memory_order_relaxed); }

    // The executable exec loaded (/proc/<pid>/exe); invalid for a process that never
    // exec'd (it inherits its parent's at fork).
    Path executable() const;
    void set_executable(const Path& path);

    // Identity beyond the pid, which is reused: unique for the kernel's life (/proc checks
    // that a cached /proc/<pid> still means the same process).
    u64 serial() const { return serial_; }
    // When the process was created (monotonic ns; /proc/<pid>/stat's starttime).
    u64 start_ns() const { return start_ns_; }

    // The threads: one today, owned by the process.
    UserThread* main_thread() const { return main_thread_.get(); }
    void adopt_main_thread(OwnPtr<UserThread> thread);

    // Exit: closes descriptors, drops the address space, hands children to init and
    // becomes a zombie (or is reaped at once when the parent ignores SIGCHLD); wakes the
    // parent's waiters. Called once, by the process's last thread.
    void exit(ExitStatus status);

    // wait4/waitid: waits for a child matching `pid` (Linux's rules: > 0 that child, -1
    // any, 0 the caller's group, < -1 group -pid) to have something to report of the
    // `kinds` asked for: exited (a zombie), stopped (WUNTRACED) or continued (WCONTINUED).
    // `consume` (not WNOWAIT) reaps a zombie or takes the stop/continue report. ECHILD when
    // no child matches, EAGAIN when `nohang` and none is ready yet.
    enum WaitKind : unsigned { wait_exited = 1, wait_stopped = 2, wait_continued = 4 };
    struct ChildReport {
        Pid pid;
        u32 uid;
        ExitStatus status;
        u64 user_ns;
        WaitKind kind = wait_exited;
        int stop_signal = 0;  // wait_stopped: the signal that stopped it

        // wait4's encoding: exit code or signal, 0x7f | signal << 8 stopped, 0xffff continued.
        int wait_status() const {
            if (kind == wait_stopped) return 0x7f | (stop_signal << 8);
            if (kind == wait_continued) return 0xffff;
            return status.wait_status();
        }
    };
    Result<ChildReport> wait_for_child(Pid pid, bool nohang, bool consume, bool all_children = false,
                                       unsigned kinds = wait_exited);

    // Job control (user_thread.cpp stops and continues; these keep what wait reports and
    // tell the parent by SIGCHLD unless it set SA_NOCLDSTOP).
    void mark_stopped(int signal) { change_job_state(signal); }
    void mark_continued() { change_job_state(0); }
    bool is_stopped() const { return stopped_.load(std::memory_order_acquire); }
    // Wakes threads of this process waiting for children (a signal arrived for them).
    void wake_waiters();

    // The process tree.
    static RefPtr<Process> find(Pid pid);
    // The process orphans go to (pid 1), when one is registered.
    static void set_init(Process* init);
    static RefPtr<Process> init();
    // Whether process group `group` is orphaned (POSIX): no member has a parent in another
    // group of the same session. Terminal stop signals (SIGTSTP, SIGTTIN, SIGTTOU) are
    // discarded there.
    static bool is_process_group_orphaned(Pid group);
    // The smallest pid >= `pid` in the table (zombies too), or 0 when there is none
    // (/proc's listing).
    static Pid next_pid_at_or_after(Pid pid);
    // Calls visitor(Process&) for every process in the table (kill(-1)),
    // with the tree lock held: the visitor must not block or take the tree lock.
    static void for_each(FunctionRef<void(Process&)> visitor);
    static usize count();

    // clone's exit signal (SIGCHLD for fork); wait4 without __WALL/__WCLONE only sees
    // children that send SIGCHLD.
    void set_exit_signal(int signal) { exit_signal_ = signal; }

    // Use create() or fork().
    Process() = default;

private:
    static Result<void> enter_tree(Process& process, Process* parent);
    void change_job_state(int stop_signal);
    // After the parent's signal: wait may now report this child's new state.
    void publish_to_wait();
    // With the tree lock held: gives the children to init (or reaps orphaned zombies);
    // returns the zombies that must be released after the lock.
    void reparent_children_locked(IntrusiveList<Process, &Process::sibling_node_>& released);
    bool matches_wait_locked(const Process& child, Pid pid, bool all_children) const;

    Pid pid_ = 0;
    std::atomic<bool> dumpable_ {true};
    std::atomic<bool> no_new_privileges_ {false};
    u64 serial_ = 0;
    u64 start_ns_ = 0;
    std::atomic<Pid> process_group_ {0};
    std::atomic<Pid> session_ {0};

    // Under process_tree_lock.
    Process* parent_ = nullptr;  // the parent holds a reference to each child, not back
    IntrusiveList<Process, &Process::sibling_node_> children_;
    int exit_signal_ = abi::sigchld;  // sent to the parent at exit (clone's CSIGNAL)
    std::atomic<u64> child_generation_ {0};  // bumped whenever a child changes state
    ProcessState state_ = ProcessState::alive;
    int stop_report_ = 0;            // the stop signal not yet reported to wait (WUNTRACED)
    bool continue_report_ = false;   // continued, not yet reported (WCONTINUED)
    u32 report_uid_ = 0;             // the real uid at the stop or continue (waitid's si_uid)
    bool notified_ = true;           // false from a state change until the parent's signal is sent
    std::atomic<bool> stopped_ {false};
    ExitStatus exit_status_;
    u32 exit_uid_ = 0;  // the real uid at exit (waitid's si_uid)
    u64 user_ns_ = 0;
    WaitQueue child_events_;  // woken when a child changes state

    mutable Mutex lock_;
    VfsContext vfs_context_;
    abi::KernelSigaction actions_[abi::signal_count] = {};
    std::atomic<u64> handled_signals_ {0};  // mirrors actions_ (written under lock_)
    abi::Rlimit limits_[abi::rlimit_count] = {};
    char name_[16] = {};
    Path executable_;
    RefPtr<AddressSpace> memory_;
    RefPtr<FileDescriptorTable> files_;
    OwnPtr<UserThread> main_thread_;
};

// The global lock of the process tree (see the header comment).
extern Spinlock process_tree_lock;

}  // namespace kernel
