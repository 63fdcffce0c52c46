// Starting, driving and ending user-mode stub processes.
//
// A stub is exec'd (posix_spawn) from a sealed memfd holding the stub executable built from
// hosted/stub/: the kernel process is multi-threaded and may run under ASan or TSan, where a
// fork of a template process is fragile, and an exec'd stub inherits nothing (no rseq
// registration, no sanitizer runtime, no mappings, no signal handlers).
#include "user_stub.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/futex.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "../kernel/hal/timer.h"
#include "../kernel/hal/usermode.h"
#include "address_space.h"
#include "physmem.h"
#include "stub_filter.h"
#include "stub_mmap_policy.h"

extern "C" const unsigned char newt_stub_image[];
extern "C" const unsigned char newt_stub_image_end[];

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

namespace hosted {
namespace {

static_assert(sizeof(newt_stub_control) <= NEWT_STUB_CONTROL_SIZE);
static_assert(NEWT_STUB_FPU_SIZE == hal::fpu_state_size);
static_assert(NEWT_STUB_CODE_ADDRESS >= hal::user_space_end + NEWT_STUB_GUARD_SIZE, "the stub lives above user space and its guard gap");
static_assert(sizeof(sock_filter) == sizeof(newt_stub_control::filter[0]));

constexpr std::uint64_t startup_timeout_ns = 20'000'000'000;  // generous: sanitizer builds under load
constexpr int poll_interval_ms = 10;

std::atomic<std::uint64_t> started_count {0};
std::atomic<bool> force_arch_prctl {false};
pthread_once_t executable_once = PTHREAD_ONCE_INIT;
int executable_fd = -1;

void create_executable() {
    int fd = memfd_create("newt-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) fd = memfd_create("newt-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);  // before Linux 6.3
    if (fd < 0) {
        perror("newt: memfd for the user-mode stub");
        return;
    }
    std::size_t size = static_cast<std::size_t>(newt_stub_image_end - newt_stub_image);
    for (std::size_t done = 0; done < size;) {
        ssize_t written = write(fd, newt_stub_image + done, size - done);
        if (written <= 0) {
            if (written < 0 && errno == EINTR) continue;
            perror("newt: writing the user-mode stub");
            close(fd);
            return;
        }
        done += static_cast<std::size_t>(written);
    }
    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
    executable_fd = fd;
}

bool host_has_fsgsbase() {
    constexpr unsigned long hwcap2_fsgsbase = 1ul << 1;  // HWCAP2_FSGSBASE: the kernel enabled it
    return getauxval(AT_HWCAP2) & hwcap2_fsgsbase;
}

void respond(UserStub& stub, std::uint64_t id, std::int64_t value, int error, bool continue_syscall) {
    seccomp_notif_resp response {};
    response.id = id;
    response.val = value;
    response.error = error;
    response.flags = continue_syscall ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
    // ENOENT: the stub is no longer waiting (it was killed); the next wait notices.
    while (ioctl(stub.listener, SECCOMP_IOCTL_NOTIF_SEND, &response) < 0 && errno == EINTR) {
    }
}

bool has_exited(const UserStub& stub) {
    pollfd process {stub.pidfd, POLLIN, 0};
    return poll(&process, 1, 0) > 0;
}

void release(UserStub* stub) {
    if (stub->pidfd >= 0) {
        syscall(SYS_pidfd_send_signal, stub->pidfd, SIGKILL, nullptr, 0);
        siginfo_t info {};
        while (waitid(P_PIDFD, static_cast<id_t>(stub->pidfd), &info, WEXITED) < 0 && errno == EINTR) {
        }
        close(stub->pidfd);
    }
    if (stub->listener >= 0) close(stub->listener);
    if (stub->maps_fd >= 0) close(stub->maps_fd);
    if (stub->control) munmap(stub->control, NEWT_STUB_CONTROL_SIZE);
    delete stub;
}

// The stub failed to start: say why, once per distinct cause.
kernel::Errno startup_failure(UserStub* stub, const char* what, kernel::Errno error) {
    int status = -1;
    if (stub->pidfd >= 0 && has_exited(*stub)) {
        siginfo_t info {};
        if (waitid(P_PIDFD, static_cast<id_t>(stub->pidfd), &info, WEXITED | WNOWAIT) == 0)
            status = info.si_status;
    }
    std::fprintf(stderr, "newt: user-mode stub: %s (%s; stub exit status %d)\n", what, std::strerror(errno), status);
    release(stub);
    return error;
}

kernel::Result<pid_t> start_process(int control_fd) {
    pthread_once(&executable_once, create_executable);
    if (executable_fd < 0) return kernel::Errno::enomem;
    // dup2 sources above the targets, so that neither target clobbers the other source.
    int ram = fcntl(physical_memory_fd(), F_DUPFD_CLOEXEC, 10);
    int control = fcntl(control_fd, F_DUPFD_CLOEXEC, 10);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ram, NEWT_STUB_RAM_FD);
    posix_spawn_file_actions_adddup2(&actions, control, NEWT_STUB_CONTROL_FD);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t all;
    sigfillset(&all);
    // Every signal blocked until the stub has its handlers (a kick must not kill it); its own
    // session, so no terminal signal reaches it.
    posix_spawnattr_setsigmask(&attributes, &all);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/fd/%d", executable_fd);
    char name[] = "newt-stub";
    char* argv[] = {name, nullptr};
    char* envp[] = {nullptr};
    pid_t pid = -1;
    int error = (ram < 0 || control < 0) ? errno : posix_spawn(&pid, path, &actions, &attributes, argv, envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (ram >= 0) close(ram);
    if (control >= 0) close(control);
    if (error) {
        errno = error;
        return kernel::Errno::eagain;
    }
    return pid;
}

}  // namespace

std::uint64_t user_stubs_started() { return started_count.load(); }
void use_arch_prctl_in_new_stubs(bool use) { force_arch_prctl.store(use); }

kernel::Result<UserStub*> spawn_user_stub() {
    auto* stub = new (std::nothrow) UserStub;
    if (!stub) return kernel::Errno::enomem;
    int control_fd = memfd_create("newt-stub-control", MFD_CLOEXEC);
    if (control_fd < 0 || ftruncate(control_fd, NEWT_STUB_CONTROL_SIZE) != 0) {
        if (control_fd >= 0) close(control_fd);
        return startup_failure(stub, "control memfd", kernel::Errno::enomem);
    }
    void* control = mmap(nullptr, NEWT_STUB_CONTROL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, control_fd, 0);
    if (control == MAP_FAILED) {
        close(control_fd);
        return startup_failure(stub, "mapping the control page", kernel::Errno::enomem);
    }
    stub->control = static_cast<newt_stub_control*>(control);
    stub->control->parent_pid = getpid();
    stub->control->use_arch_prctl = force_arch_prctl.load() || !host_has_fsgsbase();
    stub->control->filter_length =
        build_stub_filter(reinterpret_cast<sock_filter*>(stub->control->filter), NEWT_STUB_MAX_FILTER);

    auto pid = start_process(control_fd);
    close(control_fd);
    if (pid.is_error()) return startup_failure(stub, "posix_spawn", pid.error());
    stub->pid = pid.value();
    stub->pidfd = static_cast<int>(syscall(SYS_pidfd_open, stub->pid, 0));
    if (stub->pidfd < 0) {
        kill(stub->pid, SIGKILL);
        waitpid(stub->pid, nullptr, 0);
        return startup_failure(stub, "pidfd_open", kernel::Errno::eagain);
    }
    started_count.fetch_add(1);
    char maps[64];
    std::snprintf(maps, sizeof maps, "/proc/%d/maps", stub->pid);
    stub->maps_fd = open(maps, O_RDONLY | O_CLOEXEC);
    if (stub->maps_fd < 0) return startup_failure(stub, "opening its /proc maps", kernel::Errno::eagain);

    // Wait for its filter (the futex wake is the one futex call the filter allows it).
    std::uint64_t deadline = hal::monotonic_ns() + startup_timeout_ns;
    auto* state = &stub->control->state;
    while (__atomic_load_n(state, __ATOMIC_ACQUIRE) != NEWT_STUB_STATE_READY) {
        if (has_exited(*stub)) return startup_failure(stub, "exited during startup", kernel::Errno::eagain);
        if (hal::monotonic_ns() > deadline) return startup_failure(stub, "startup timed out", kernel::Errno::eagain);
        timespec step {0, 2'000'000};
        syscall(SYS_futex, state, FUTEX_WAIT, 0, &step, nullptr, 0);
    }
    stub->listener = static_cast<int>(syscall(SYS_pidfd_getfd, stub->pidfd, stub->control->listener_fd, 0));
    if (stub->listener < 0) return startup_failure(stub, "pidfd_getfd of the seccomp listener", kernel::Errno::eagain);
    // Linux 6.6+: wake the stub on this CPU when answering (the two take turns anyway).
    std::uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
    ioctl(stub->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags);

    // Its first trap (a ud2 of its own) tells how large the host's FPU state is.
    hal::AddressSpace nothing;
    if (wait_for_report(nothing, *stub, nullptr, hal::monotonic_ns() + startup_timeout_ns) != StubEvent::report)
        return startup_failure(stub, "no first report", kernel::Errno::eagain);
    stub->xstate_size = stub->control->trap.xstate_size;
    stub->xfeatures = stub->control->trap.xfeatures;
    if (stub->xstate_size < 512 || stub->xstate_size > hal::fpu_state_size) {
        std::fprintf(stderr,
                     "newt: the host's signal frames carry %llu bytes of FPU state; "
                     "hal::UserContext has room for %zu (raise Traits::fpu_state_size)\n",
                     static_cast<unsigned long long>(stub->xstate_size), hal::fpu_state_size);
        std::abort();
    }
    return stub;
}

void kill_user_stub(UserStub* stub) {
    if (stub) release(stub);
}

void destroy_user_stub(hal::AddressSpace& space) {
    UserStub* stub;
    {
        kernel::SpinlockGuard guard(space.lock);
        stub = space.stub;
        space.stub = nullptr;
        space.dirty.clear();
        space.revoked.clear();
    }
    kill_user_stub(stub);
}

StubEvent wait_for_report(const hal::AddressSpace& space, UserStub& stub, HostCpu* cpu, std::uint64_t deadline_ns) {
    std::uint64_t kick_seen_at = 0;
    bool killed = false;
    auto kill_once = [&] {
        if (!killed) syscall(SYS_pidfd_send_signal, stub.pidfd, SIGKILL, nullptr, 0);
        killed = true;
    };
    for (;;) {
        // Checked on every round, so that a stream of mmap requests cannot postpone them.
        std::uint64_t now = hal::monotonic_ns();
        if (deadline_ns && now > deadline_ns) kill_once();
        if (cpu) {
            // A kick may have gone missing (TSan delivers signals late); look for the work.
            note_timer_expiry(*cpu);
            kick_user_stub(*cpu);
            if (cpu->user_stub_kicked.load()) {
                if (!kick_seen_at) kick_seen_at = now;
                else if (now - kick_seen_at > stub_kick_timeout_ns) kill_once();
            }
        }
        pollfd fds[2] = {{stub.listener, POLLIN, 0}, {stub.pidfd, POLLIN, 0}};
        int ready = poll(fds, 2, poll_interval_ms);
        if (ready < 0 && errno != EINTR) return StubEvent::died;
        if (ready > 0 && fds[1].revents) return StubEvent::died;
        if (ready > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))) return StubEvent::died;
        if (ready <= 0 || !(fds[0].revents & POLLIN)) continue;  // a kick, or time to look again
        seccomp_notif notification {};
        if (ioctl(stub.listener, SECCOMP_IOCTL_NOTIF_RECV, &notification) < 0) {
            if (errno == EINTR || errno == ENOENT) continue;  // interrupted, or the request went away
            return StubEvent::died;
        }
        const seccomp_data& call = notification.data;
        if (killed) {
            respond(stub, notification.id, 0, -EPERM, false);  // dying: nothing more for it
        } else if (notification.pid != static_cast<std::uint32_t>(stub.pid)) {
            respond(stub, notification.id, 0, -EPERM, false);
        } else if (call.nr == NEWT_STUB_REPORT_SYSCALL) {
            stub.report = notification.id;
            stub.frozen = true;
            return StubEvent::report;
        } else if (call.nr == SYS_mmap) {
            MmapRequest request {call.args[0], call.args[1], call.args[2], call.args[3], call.args[4], call.args[5]};
            if (stub_may_map(space, request)) respond(stub, notification.id, 0, 0, true);
            else respond(stub, notification.id, 0, -EPERM, false);
        } else {
            respond(stub, notification.id, 0, -EPERM, false);
        }
    }
}

void answer_report(UserStub& stub, long command) {
    if (!stub.frozen) return;
    stub.frozen = false;
    respond(stub, stub.report, command, 0, false);
}

void kick_user_stub(HostCpu& cpu) {
    int pidfd = cpu.user_stub_pidfd.load();
    if (pidfd < 0 || !cpu.pending.load() || cpu.user_stub_kicked.exchange(true)) return;
    syscall(SYS_pidfd_send_signal, pidfd, SIGURG, nullptr, 0);
}

}  // namespace hosted
