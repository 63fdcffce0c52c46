#include "process.h"

#include "../abi/fcntl.h"
#include "../core/klog.h"
#include "../core/scheduler.h"
#include "../mm/kmalloc.h"
#include "../mm/user_memory.h"
#include "../proc/exec.h"
#include "../proc/initial_stack.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

UserThread& self() { return *current_user_thread(); }
Process& current_process() { return self().process(); }
AddressSpace& memory() { return current_process().memory(); }

constexpr u64 namespace_flags = 0x7e020000;  // CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
constexpr u64 supported_clone_flags = abi::clone_vm | abi::clone_vfork | abi::clone_files | abi::clone_settls |
                                      abi::clone_parent_settid | abi::clone_child_settid | abi::clone_child_cleartid |
                                      abi::clone_detached | abi::clone_untraced | abi::clone_parent | abi::csignal;

// fork, vfork and clone for new processes (threads come in step 7).
Result<long> clone_process(u64 flags, uptr stack, UserPtr<i32> parent_tid, UserPtr<i32> child_tid, u64 tls) {
    // Linux's copy_process checks.
    if ((flags & (abi::clone_newns | abi::clone_fs)) == (abi::clone_newns | abi::clone_fs)) return Errno::einval;
    if ((flags & abi::clone_thread) && !(flags & abi::clone_sighand)) return Errno::einval;
    if ((flags & abi::clone_sighand) && !(flags & abi::clone_vm)) return Errno::einval;
    if (flags & namespace_flags) return Errno::einval;  // namespaces: not implemented
    if (flags & abi::clone_thread) return Errno::enosys;  // threads: step 7
    if ((flags & abi::clone_vm) && !(flags & abi::clone_vfork)) return Errno::enosys;  // shared memory without vfork: step 7
    if (flags & ~(supported_clone_flags | abi::clone_fs | abi::clone_sighand | abi::clone_sysvsem | abi::clone_ptrace))
        return Errno::einval;
    int exit_signal = static_cast<int>(flags & abi::csignal);
    if (exit_signal > abi::signal_count) return Errno::einval;

    UserThread& parent = self();
    Process& process = parent.process();
    RefPtr<AddressSpace> child_memory =
        (flags & abi::clone_vm) ? process.memory_ref() : TRY(process.memory().fork());
    RefPtr<Process> child = TRY(process.fork(child_memory));
    child->set_exit_signal(exit_signal);
    if (flags & abi::clone_files) child->share_files_with(process);
    if (flags & abi::clone_parent) child->set_parent_of(process);

    hal::UserContext context = parent.context();
    context.rax = 0;
    if (stack) context.rsp = stack;
    if (flags & abi::clone_settls) context.fs_base = tls;
    auto created = UserThread::create(*child, context);
    Result<void> prepared = created.is_error() ? Result<void>(created.error()) : Result<void>(ok());
    UserThread* thread = created.is_error() ? nullptr : created.value();
    i32 child_pid = child->pid();
    if (prepared.has_value() && (flags & abi::clone_child_settid))
        prepared = copy_to_user(child->memory(), child_tid.address(), &child_pid, sizeof child_pid);
    if (prepared.has_value() && (flags & abi::clone_parent_settid))
        prepared = copy_to_user(process.memory(), parent_tid.address(), &child_pid, sizeof child_pid);
    if (prepared.has_value() && (flags & abi::clone_child_cleartid)) thread->clear_child_tid = child_tid.address();
    if (prepared.has_value() && (flags & abi::clone_vfork)) thread->set_vfork_parent(&parent);
    if (prepared.has_value()) prepared = thread->start();
    if (prepared.is_error()) {
        // The child never ran: take it out again.
        if (thread) thread->release_vfork_parent();
        child->exit({});
        (void)process.wait_for_child(child_pid, true, true, true);
        return prepared.error();
    }
    if (flags & abi::clone_vfork) parent.wait_for_vfork_release();
    return child_pid;
}

// The argument or environment vector of execve, copied into one kernel buffer.
class ArgumentCopy {
public:
    ArgumentCopy() = default;
    ArgumentCopy(const ArgumentCopy&) = delete;
    ArgumentCopy& operator=(const ArgumentCopy&) = delete;
    ~ArgumentCopy() {
        kfree(strings_);
        kfree(views_);
        kfree(index_memory_);
    }
    // Reads the NULL-terminated pointer array at `vector` (a null vector is empty).
    Result<void> read(AddressSpace& space, UserPtr<uptr> vector, usize& budget) {
        if (vector.is_null()) return ok();
        for (usize index = 0;; ++index) {
            uptr pointer;
            TRY(copy_from_user(space, &pointer, vector.offset(index).address(), sizeof pointer));
            if (!pointer) return ok();
            if (budget < sizeof(uptr)) return Errno::e2big;  // the pointer counts too
            budget -= sizeof(uptr);
            TRY(reserve(count_ + 1, used_ + max_argument_string_bytes));
            usize limit = max_argument_string_bytes < budget ? max_argument_string_bytes : budget;
            auto length = copy_string_from_user(space, strings_ + used_, pointer, limit);
            if (length.is_error()) return length.error() == Errno::enametoolong ? Errno::e2big : length.error();
            budget -= length.value() + 1;
            offsets_[count_++] = used_;
            lengths_[count_ - 1] = length.value();
            used_ += length.value() + 1;
        }
    }
    // The strings as views (valid while this object lives).
    Result<const StringView*> views() {
        if (!count_) return static_cast<const StringView*>(nullptr);
        views_ = static_cast<StringView*>(kmalloc(sizeof(StringView) * count_));
        if (!views_) return Errno::enomem;
        for (usize i = 0; i < count_; ++i) views_[i] = StringView(strings_ + offsets_[i], lengths_[i]);
        return static_cast<const StringView*>(views_);
    }
    usize count() const { return count_; }

private:
    Result<void> reserve(usize count, usize bytes) {
        if (count > capacity_count_) {
            usize next = capacity_count_ ? capacity_count_ * 2 : 64;
            while (next < count) next *= 2;
            auto* offsets = static_cast<usize*>(kmalloc(sizeof(usize) * next * 2));
            if (!offsets) return Errno::enomem;
            for (usize i = 0; i < count_; ++i) {
                offsets[i] = offsets_[i];
                offsets[next + i] = lengths_[i];
            }
            kfree(index_memory_);
            index_memory_ = offsets;
            offsets_ = offsets;
            lengths_ = offsets + next;
            capacity_count_ = next;
        }
        if (bytes > capacity_bytes_) {
            usize next = capacity_bytes_ ? capacity_bytes_ * 2 : 64 * KiB;
            while (next < bytes) next *= 2;
            auto* strings = static_cast<char*>(kmalloc(next));
            if (!strings) return Errno::enomem;
            if (used_) kstd::memcpy(strings, strings_, used_);
            kfree(strings_);
            strings_ = strings;
            capacity_bytes_ = next;
        }
        return ok();
    }

    char* strings_ = nullptr;
    usize used_ = 0, capacity_bytes_ = 0;
    usize* index_memory_ = nullptr;
    usize* offsets_ = nullptr;
    usize* lengths_ = nullptr;
    usize count_ = 0, capacity_count_ = 0;
    StringView* views_ = nullptr;
};

Result<long> do_execve(const Path* base, UserPtr<char> path, UserPtr<uptr> arguments, UserPtr<uptr> environment,
                       int flags) {
    if (flags & ~(exec_empty_path | exec_symlink_nofollow)) return Errno::einval;
    AddressSpace& space = memory();
    char* name = static_cast<char*>(kmalloc(abi::path_max));
    if (!name) return Errno::enomem;
    auto length = copy_string_from_user(space, name, path.address(), abi::path_max);
    if (length.is_error()) {
        kfree(name);
        return length.error();
    }
    usize budget = argument_space_limit(current_process().limit(abi::rlimit_stack).current);
    ArgumentCopy argv, envp;
    Result<void> copied = argv.read(space, arguments, budget);
    if (copied.has_value()) copied = envp.read(space, environment, budget);
    Result<void> done = copied;
    if (done.has_value()) {
        auto argument_views = argv.views();
        auto environment_views = envp.views();
        if (argument_views.is_error()) done = argument_views.error();
        else if (environment_views.is_error()) done = environment_views.error();
        else {
            ExecArguments exec_arguments {argument_views.value(), argv.count(), environment_views.value(), envp.count()};
            done = execute(self(), base, StringView(name, length.value()), exec_arguments, flags);
        }
    }
    kfree(name);
    TRY(done);
    return 0;
}

bool may_signal(const Credentials& sender, const Credentials& target) {
    if (sender.euid == 0) return true;
    return sender.euid == target.suid || sender.euid == target.uid || sender.uid == target.suid ||
           sender.uid == target.uid;
}

}  // namespace

Result<long> sys_fork() { return clone_process(abi::sigchld, 0, {}, {}, 0); }

Result<long> sys_vfork() { return clone_process(abi::clone_vm | abi::clone_vfork | abi::sigchld, 0, {}, {}, 0); }

Result<long> sys_clone(u64 flags, uptr stack, UserPtr<i32> parent_tid, UserPtr<i32> child_tid, u64 tls) {
    return clone_process(flags, stack, parent_tid, child_tid, tls);
}

// glibc tries clone3 first and falls back to clone on ENOSYS.
Result<long> sys_clone3(uptr, usize) { return Errno::enosys; }

Result<long> sys_execve(UserPtr<char> path, UserPtr<uptr> arguments, UserPtr<uptr> environment) {
    return do_execve(nullptr, path, arguments, environment, 0);
}

Result<long> sys_execveat(int fd, UserPtr<char> path, UserPtr<uptr> arguments, UserPtr<uptr> environment, int flags) {
    if (fd == abi::at_fdcwd) return do_execve(nullptr, path, arguments, environment, flags);
    RefPtr<OpenFile> file = TRY(current_process().files().get(fd));
    Path base = file->path();
    if (!base.is_valid()) return Errno::ebadf;
    return do_execve(&base, path, arguments, environment, flags);
}

Result<long> sys_exit(int code) {
    // One thread per process today: exit is exit_group.
    self().request_exit({code & 0xff, 0, false});
    return 0;
}

Result<long> sys_exit_group(int code) {
    self().request_exit({code & 0xff, 0, false});
    return 0;
}

Result<long> sys_wait4(i32 pid, UserPtr<i32> status, int options, UserPtr<abi::Rusage> usage) {
    if (options & ~(abi::wnohang | abi::wuntraced | abi::wcontinued | abi::wnothread | abi::wall | abi::wclone))
        return Errno::einval;
    if (pid == i32(0x80000000u)) return Errno::esrch;  // -INT_MIN overflows (Linux returns ESRCH)
    unsigned kinds = Process::wait_exited | ((options & abi::wuntraced) ? Process::wait_stopped : 0u) |
                     ((options & abi::wcontinued) ? Process::wait_continued : 0u);
    auto report = current_process().wait_for_child(pid, options & abi::wnohang, true, options & (abi::wall | abi::wclone),
                                                   kinds);
    if (report.is_error()) {
        if (report.error() == Errno::eagain) return 0;  // WNOHANG: nothing yet
        return report.error();
    }
    if (!status.is_null()) {
        i32 value = report->wait_status();
        TRY(copy_to_user(memory(), status.address(), &value, sizeof value));
    }
    if (!usage.is_null()) {
        abi::Rusage zero {};
        zero.user_time = {static_cast<i64>(report->user_ns / 1'000'000'000),
                          static_cast<i64>(report->user_ns % 1'000'000'000 / 1000)};
        TRY(copy_to_user(memory(), usage.address(), &zero, sizeof zero));
    }
    return report->pid;
}

Result<long> sys_waitid(int type, i32 id, UserPtr<abi::ChildSiginfo> info, int options, UserPtr<abi::Rusage> usage) {
    if (options & ~(abi::wnohang | abi::wexited | abi::wstopped | abi::wcontinued | abi::wnowait | abi::wnothread |
                    abi::wall | abi::wclone))
        return Errno::einval;
    if (!(options & (abi::wexited | abi::wstopped | abi::wcontinued))) return Errno::einval;
    i32 pid;
    switch (type) {
    case abi::p_all: pid = -1; break;
    case abi::p_pid:
        if (id <= 0) return Errno::einval;
        pid = id;
        break;
    case abi::p_pgid:
        if (id < 0) return Errno::einval;
        pid = id == 0 ? 0 : -id;
        break;
    case abi::p_pidfd: return Errno::einval;  // no pidfds yet
    default: return Errno::einval;
    }
    abi::ChildSiginfo result {};
    unsigned kinds = ((options & abi::wexited) ? Process::wait_exited : 0u) |
                     ((options & abi::wstopped) ? Process::wait_stopped : 0u) |
                     ((options & abi::wcontinued) ? Process::wait_continued : 0u);
    auto report = current_process().wait_for_child(pid, options & abi::wnohang, !(options & abi::wnowait),
                                                   options & (abi::wall | abi::wclone), kinds);
    if (report.is_error() && report.error() != Errno::eagain) return report.error();
    if (report.has_value()) {
        result.signo = abi::sigchld;
        result.pid = report->pid;
        result.uid = report->uid;
        if (report->kind == Process::wait_stopped) {
            result.code = abi::cld_stopped;
            result.status = report->stop_signal;
        } else if (report->kind == Process::wait_continued) {
            result.code = abi::cld_continued;
            result.status = abi::sigcont;
        } else if (report->status.signal) {
            result.code = report->status.core ? abi::cld_dumped : abi::cld_killed;
            result.status = report->status.signal;
        } else {
            result.code = abi::cld_exited;
            result.status = report->status.code;
        }
    }
    // WNOHANG with nothing ready: success and a zeroed siginfo (si_pid 0).
    if (!info.is_null()) TRY(copy_to_user(memory(), info.address(), &result, sizeof result));
    if (!usage.is_null()) {
        abi::Rusage zero {};
        TRY(copy_to_user(memory(), usage.address(), &zero, sizeof zero));
    }
    return 0;
}

namespace {

Result<long> send_to(i32 pid, int signal, int code) {
    if (signal < 0 || signal > abi::signal_count) return Errno::einval;
    Process& sender = current_process();
    Credentials credentials = sender.credentials();
    abi::SignalInfo info {};
    info.signo = signal;
    info.code = code;  // SI_USER (kill) or SI_TKILL, with the sender's pid and real uid
    info.process.pid = sender.pid();
    info.process.uid = credentials.uid;
    if (pid > 0) {
        RefPtr<Process> target = Process::find(pid);
        if (!target || target->state() != ProcessState::alive) return Errno::esrch;
        if (!may_signal(credentials, target->credentials())) return Errno::eperm;
        if (signal) send_signal(*target, signal, &info);
        return 0;
    }
    // A group, or everyone: collect the targets first (the tree lock is a spinlock).
    Pid group = pid == 0 ? sender.process_group() : -pid;
    if (pid == i32(0x80000000u)) return Errno::esrch;
    constexpr usize batch = 64;
    Pid targets[batch];
    usize found = 0, permitted = 0;
    Pid resume_after = 0;
    for (;;) {
        usize count = 0;
        Process::for_each([&](Process& process) {
            if (count == batch || process.pid() <= resume_after) return;
            bool selected = pid == -1 ? (process.pid() != 1 && &process != &sender) : process.process_group() == group;
            if (selected) targets[count++] = process.pid();
        });
        if (!count) break;
        for (usize i = 0; i < count; ++i) {
            RefPtr<Process> target = Process::find(targets[i]);
            if (!target) continue;
            ++found;
            if (!may_signal(credentials, target->credentials())) continue;
            ++permitted;
            if (signal) send_signal(*target, signal, &info);
        }
        resume_after = targets[count - 1];
        if (count < batch) break;
    }
    if (!found) return Errno::esrch;
    if (!permitted) return Errno::eperm;
    return 0;
}

}  // namespace

Result<long> sys_kill(i32 pid, int signal) { return send_to(pid, signal, abi::si_user); }

Result<long> sys_tkill(i32 tid, int signal) {
    if (tid <= 0) return Errno::einval;
    return send_to(tid, signal, abi::si_tkill);
}

Result<long> sys_tgkill(i32 group, i32 tid, int signal) {
    if (group <= 0 || tid <= 0) return Errno::einval;
    if (group != tid) return Errno::esrch;  // one thread per process: its tid is its pid
    return send_to(tid, signal, abi::si_tkill);
}

Result<long> sys_getpid() { return current_process().pid(); }
Result<long> sys_getppid() { return current_process().parent_pid(); }
Result<long> sys_gettid() { return self().tid(); }
Result<long> sys_getpgrp() { return current_process().process_group(); }

Result<long> sys_getpgid(i32 pid) {
    if (pid == 0) return current_process().process_group();
    RefPtr<Process> target = Process::find(pid);
    if (!target) return Errno::esrch;
    return target->process_group();
}

Result<long> sys_getsid(i32 pid) {
    if (pid == 0) return current_process().session();
    RefPtr<Process> target = Process::find(pid);
    if (!target) return Errno::esrch;
    return target->session();
}

Result<long> sys_setpgid(i32 pid, i32 group) {
    if (group < 0) return Errno::einval;
    Process& caller = current_process();
    RefPtr<Process> target = pid == 0 ? RefPtr<Process>(&caller) : Process::find(pid);
    if (!target) return Errno::esrch;
    // The caller itself or one of its children (Linux's rules, without the exec check).
    if (target.get() != &caller && target->parent_pid() != caller.pid()) return Errno::esrch;
    if (target->session() != caller.session()) return Errno::eperm;
    if (target->session() == target->pid()) return Errno::eperm;  // a session leader
    Pid new_group = group == 0 ? target->pid() : group;
    if (new_group != target->pid()) {
        // Joining a group: it must exist in the same session.
        bool exists = false;
        Process::for_each([&](Process& process) {
            if (process.process_group() == new_group && process.session() == caller.session()) exists = true;
        });
        if (!exists) return Errno::eperm;
    }
    target->set_process_group(new_group);
    return 0;
}

Result<long> sys_setsid() {
    Process& caller = current_process();
    // A process-group leader cannot start a session (its group would be split).
    bool leads_group = false;
    Process::for_each([&](Process& process) {
        if (process.process_group() == caller.pid()) leads_group = true;
    });
    if (leads_group) return Errno::eperm;
    caller.set_session(caller.pid());
    caller.set_process_group(caller.pid());
    return caller.pid();
}

Result<long> sys_getrlimit(int resource, UserPtr<abi::Rlimit> limit) {
    if (resource < 0 || resource >= abi::rlimit_count) return Errno::einval;
    abi::Rlimit value = current_process().limit(resource);
    TRY(copy_to_user(memory(), limit.address(), &value, sizeof value));
    return 0;
}

Result<long> sys_setrlimit(int resource, UserPtr<abi::Rlimit> limit) {
    return sys_prlimit64(0, resource, limit, {});
}

Result<long> sys_prlimit64(i32 pid, int resource, UserPtr<abi::Rlimit> new_limit, UserPtr<abi::Rlimit> old_limit) {
    if (resource < 0 || resource >= abi::rlimit_count) return Errno::einval;
    RefPtr<Process> target = pid == 0 ? RefPtr<Process>(&current_process()) : Process::find(pid);
    if (!target) return Errno::esrch;
    Credentials caller = current_process().credentials();
    if (target.get() != &current_process()) {
        Credentials other = target->credentials();
        if (caller.euid != 0 && (caller.uid != other.uid || caller.uid != other.euid || caller.uid != other.suid))
            return Errno::eperm;
    }
    abi::Rlimit next {};
    if (!new_limit.is_null()) {
        TRY(copy_from_user(memory(), &next, new_limit.address(), sizeof next));
        if (next.current > next.maximum) return Errno::einval;
        abi::Rlimit previous = target->limit(resource);
        if (next.maximum > previous.maximum && caller.euid != 0) return Errno::eperm;
        if (resource == abi::rlimit_nofile && next.maximum > u64(FileDescriptorTable::max_descriptors))
            return Errno::eperm;  // Linux: above nr_open
    }
    abi::Rlimit previous = target->limit(resource);
    if (!old_limit.is_null()) TRY(copy_to_user(memory(), old_limit.address(), &previous, sizeof previous));
    if (!new_limit.is_null()) target->set_limit(resource, next);
    return 0;
}

Result<long> sys_prctl(int option, u64 argument2, u64 argument3, u64 argument4, u64 argument5) {
    constexpr int pr_set_dumpable = 4, pr_get_dumpable = 3, pr_set_name = 15, pr_get_name = 16,
                  pr_set_no_new_privs = 38, pr_get_no_new_privs = 39;
    Process& process = current_process();
    switch (option) {
    case pr_set_name: {
        // The first 15 bytes of the string; a longer one is cut, as Linux's strncpy_from_user.
        char name[16] = {};
        auto copied = copy_string_from_user(memory(), name, argument2, sizeof name - 1);
        if (copied.is_error() && copied.error() != Errno::enametoolong) return copied.error();
        name[sizeof name - 1] = '\0';
        process.set_name(StringView(name, kstd::strlen(name)));
        return 0;
    }
    case pr_get_name: {
        char name[16] = {};
        process.copy_name(name, sizeof name);
        TRY(copy_to_user(memory(), argument2, name, sizeof name));
        return 0;
    }
    case pr_get_dumpable: return process.is_dumpable() ? 1 : 0;
    case pr_set_dumpable:
        if (argument2 > 1) return Errno::einval;
        process.set_dumpable(argument2 == 1);
        return 0;
    case pr_set_no_new_privs:
        if (argument2 != 1 || argument3 || argument4 || argument5) return Errno::einval;
        process.set_no_new_privileges();
        return 0;
    case pr_get_no_new_privs:
        if (argument2 || argument3 || argument4 || argument5) return Errno::einval;
        return process.no_new_privileges() ? 1 : 0;
    default: return Errno::einval;
    }
}

Result<long> sys_arch_prctl(int code, u64 address) {
    hal::UserContext& context = self().context();
    // Linux's check: below TASK_SIZE_MAX (a non-canonical base would fault on the way back).
    bool canonical = address < 0x7ffffffff000;
    switch (code) {
    case abi::arch_set_fs:
        if (!canonical) return Errno::eperm;
        context.fs_base = address;
        return 0;
    case abi::arch_set_gs:
        if (!canonical) return Errno::eperm;
        context.gs_base = address;
        return 0;
    case abi::arch_get_fs: TRY(copy_to_user(memory(), address, &context.fs_base, sizeof context.fs_base)); return 0;
    case abi::arch_get_gs: TRY(copy_to_user(memory(), address, &context.gs_base, sizeof context.gs_base)); return 0;
    case abi::arch_get_cpuid: return 1;  // CPUID is not faulting
    case abi::arch_set_cpuid:
        if (!address) return Errno::enodev;  // cannot make CPUID fault
        return 0;
    default: return Errno::einval;
    }
}

Result<long> sys_set_tid_address(uptr address) {
    self().clear_child_tid = address;
    return self().tid();
}

Result<long> sys_set_robust_list(uptr head, usize length) {
    if (length != 24) return Errno::einval;  // sizeof(struct robust_list_head)
    self().robust_list = head;
    self().robust_list_length = length;
    return 0;
}

Result<long> sys_get_robust_list(i32 pid, UserPtr<uptr> head, UserPtr<usize> length) {
    if (pid != 0 && pid != self().tid()) {
        RefPtr<Process> target = Process::find(pid);
        if (!target) return Errno::esrch;
        return Errno::eperm;  // needs ptrace access
    }
    uptr value = self().robust_list;
    usize size = 24;
    TRY(copy_to_user(memory(), head.address(), &value, sizeof value));
    TRY(copy_to_user(memory(), length.address(), &size, sizeof size));
    return 0;
}

Result<long> sys_rseq(uptr, u32, int, u32) { return Errno::enosys; }

Result<long> sys_sched_yield() {
    yield();
    return 0;
}

}  // namespace kernel
