// poll, ppoll, select and pselect6: readiness of pipes and files against the host's Linux
// (revents and the sets, with no waiting), then waits on Newt alone: timeouts, a wake-up
// when another thread writes, the time left written back, the temporary signal mask.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/syscall.h>

#include <atomic>
#include <cstdio>

#include "kernel/core/scheduler.h"
#include "kernel/hal/timer.h"
#include "syscall_differential.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;

Arg value(long number) { return Arg::value(static_cast<u64>(number)); }

struct Watch {
    int handle;  // -1: a negative fd (ignored); -2: a descriptor open on neither side
    short events;
};

// pollfd arrays for both sides from handles.
Arg pollfds(SyscallDifferential& both, const std::vector<Watch>& watches) {
    std::vector<pollfd> host, newt;
    for (const Watch& watch : watches) {
        int host_fd = watch.handle == -1 ? -1 : watch.handle == -2 ? 900 : both.host_fd(watch.handle);
        int newt_fd = watch.handle == -1 ? -1 : watch.handle == -2 ? 900 : both.newt_fd(watch.handle);
        host.push_back({host_fd, watch.events, 0x5a5a});
        newt.push_back({newt_fd, watch.events, 0x5a5a});
    }
    return Arg::input_each(std::string(reinterpret_cast<char*>(host.data()), host.size() * sizeof(pollfd)),
                           std::string(reinterpret_cast<char*>(newt.data()), newt.size() * sizeof(pollfd)));
}

// The revents of each entry, as (host, Newt) must agree; returns Newt's.
std::vector<short> revents(SyscallDifferential& both, usize index, usize count) {
    std::vector<short> result;
    for (usize i = 0; i < count; ++i) {
        pollfd host, newt;
        std::memcpy(&host, both.host_output(index).data() + i * sizeof(pollfd), sizeof host);
        std::memcpy(&newt, both.newt_output(index).data() + i * sizeof(pollfd), sizeof newt);
        EXPECT_EQ(newt.revents, host.revents) << "entry " << i;
        result.push_back(newt.revents);
    }
    return result;
}

// An fd_set with the handles' descriptors on each side.
Arg fd_set_of(SyscallDifferential& both, const std::vector<int>& handles) {
    fd_set host, newt;
    FD_ZERO(&host);
    FD_ZERO(&newt);
    for (int handle : handles) {
        FD_SET(both.host_fd(handle), &host);
        FD_SET(both.newt_fd(handle), &newt);
    }
    return Arg::input_each(std::string(reinterpret_cast<char*>(&host), sizeof host),
                           std::string(reinterpret_cast<char*>(&newt), sizeof newt));
}

// Which of `handles` are set in the output fd_set `index` (the same on both sides).
std::vector<int> set_members(SyscallDifferential& both, usize index, const std::vector<int>& handles) {
    fd_set host, newt;
    std::memcpy(&host, both.host_output(index).data(), sizeof host);
    std::memcpy(&newt, both.newt_output(index).data(), sizeof newt);
    std::vector<int> members;
    for (int handle : handles) {
        bool in_newt = FD_ISSET(both.newt_fd(handle), &newt);
        EXPECT_EQ(in_newt, bool(FD_ISSET(both.host_fd(handle), &host))) << "handle " << handle;
        if (in_newt) members.push_back(handle);
    }
    return members;
}

TEST(PollSyscalls, ReadinessMatchesTheHost) {
    run_in_kernel([] {
        SyscallDifferential both("poll");
        auto [read_end, write_end] = both.pipe();
        int file = both.open("f", O_CREAT | O_WRONLY);
        int path_only = both.open("f", O_PATH);
        const short all = POLLIN | POLLOUT | POLLPRI | POLLRDNORM | POLLWRNORM;
        std::vector<Watch> watches = {{read_end, all}, {write_end, all}, {file, all}, {-1, all}, {-2, all},
                                      {path_only, all}, {read_end, POLLOUT}};
        Arg entries = pollfds(both, watches);
        EXPECT_EQ(both.call(SYS_poll, {entries, value(7), value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), 4);  // write end, file, bad fd, O_PATH fd
        auto events = revents(both, 0, 7);
        EXPECT_EQ(events[0], 0);
        EXPECT_EQ(events[1], POLLOUT | POLLWRNORM);
        EXPECT_EQ(events[2], POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);  // a write-only file too
        EXPECT_EQ(events[3], 0);
        EXPECT_EQ(events[4], POLLNVAL);
        EXPECT_EQ(events[5], POLLNVAL);
        both.call(SYS_write, {Arg::fd(write_end), Arg::input("data"), value(4)});
        EXPECT_EQ(both.call(SYS_poll, {pollfds(both, watches), value(7), value(0)}), "OK");
        events = revents(both, 0, 7);
        EXPECT_EQ(events[0], POLLIN | POLLRDNORM);
        EXPECT_EQ(events[6], 0);  // asked only for POLLOUT on a read end
        // The writer gone: POLLHUP, which is reported even when not asked for.
        both.call(SYS_close, {Arg::fd(write_end)});
        std::vector<Watch> hangup = {{read_end, 0}, {read_end, POLLIN}};
        EXPECT_EQ(both.call(SYS_poll, {pollfds(both, hangup), value(2), value(0)}), "OK");
        events = revents(both, 0, 2);
        EXPECT_EQ(events[0], POLLHUP);
        EXPECT_EQ(events[1], POLLIN | POLLHUP);
        // The reader gone: POLLERR on the write end.
        auto [read2, write2] = both.pipe();
        both.call(SYS_close, {Arg::fd(read2)});
        std::vector<Watch> broken = {{write2, POLLOUT}};
        EXPECT_EQ(both.call(SYS_poll, {pollfds(both, broken), value(1), value(0)}), "OK");
        EXPECT_EQ(revents(both, 0, 1)[0], POLLOUT | POLLERR);  // only what was asked, and the error
        // Errors.
        EXPECT_EQ(both.call(SYS_poll, {value(0), value(0), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_poll, {Arg::bad_pointer(), value(1L << 20), value(0)}), "EINVAL");  // beyond RLIMIT_NOFILE
        timespec bad_time {0, 1'000'000'000};
        Arg bad_timeout = Arg::input(std::string(reinterpret_cast<char*>(&bad_time), sizeof bad_time));
        EXPECT_EQ(both.call(SYS_ppoll, {pollfds(both, broken), value(1), bad_timeout, value(0), value(8)}), "EINVAL");
        timespec zero {0, 0};
        Arg zero_timeout = Arg::input(std::string(reinterpret_cast<char*>(&zero), sizeof zero));
        u64 mask = 0;
        Arg sigmask = Arg::input(std::string(reinterpret_cast<char*>(&mask), sizeof mask));
        EXPECT_EQ(both.call(SYS_ppoll, {pollfds(both, broken), value(1), zero_timeout, sigmask, value(4)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_ppoll, {pollfds(both, broken), value(1), zero_timeout, sigmask, value(8)}), "OK");
        EXPECT_EQ(both.call(SYS_ppoll, {pollfds(both, broken), value(1), zero_timeout, Arg::bad_pointer(), value(8)}), "EFAULT");
    });
}

TEST(SelectSyscalls, SetsMatchTheHost) {
    run_in_kernel([] {
        SyscallDifferential both("select");
        auto [read_end, write_end] = both.pipe();
        int file = both.open("f", O_CREAT | O_RDONLY);
        std::vector<int> handles = {read_end, write_end, file};
        timeval zero {0, 0};
        auto timeout = [&] { return Arg::input(std::string(reinterpret_cast<char*>(&zero), sizeof zero)); };
        EXPECT_EQ(both.call(SYS_select, {value(1024), fd_set_of(both, handles), fd_set_of(both, handles), fd_set_of(both, handles), timeout()}), "OK");
        EXPECT_EQ(both.newt_result(), 3);  // file readable and writable, write end writable
        EXPECT_EQ(set_members(both, 1, handles), (std::vector<int> {file}));
        EXPECT_EQ(set_members(both, 2, handles), (std::vector<int> {write_end, file}));
        EXPECT_EQ(set_members(both, 3, handles), (std::vector<int> {}));
        both.call(SYS_write, {Arg::fd(write_end), Arg::input("x"), value(1)});
        EXPECT_EQ(both.call(SYS_select, {value(1024), fd_set_of(both, {read_end}), value(0), value(0), timeout()}), "OK");
        EXPECT_EQ(both.newt_result(), 1);
        EXPECT_EQ(set_members(both, 1, handles), (std::vector<int> {read_end}));
        // pselect6 with a timespec and a signal mask argument.
        timespec zero_spec {0, 0};
        Arg spec = Arg::input(std::string(reinterpret_cast<char*>(&zero_spec), sizeof zero_spec));
        EXPECT_EQ(both.call(SYS_pselect6, {value(1024), fd_set_of(both, {read_end}), value(0), value(0), spec, value(0)}), "OK");
        EXPECT_EQ(both.newt_result(), 1);
        // Errors: a closed descriptor in a set, negative counts and times.
        both.call(SYS_close, {Arg::fd(file)});
        EXPECT_EQ(both.call(SYS_select, {value(1024), fd_set_of(both, {read_end, file}), value(0), value(0), timeout()}), "EBADF");
        EXPECT_EQ(both.call(SYS_select, {value(-1), value(0), value(0), value(0), timeout()}), "EINVAL");
        timeval negative {-1, 0};
        EXPECT_EQ(both.call(SYS_select, {value(1), value(0), value(0), value(0), Arg::input(std::string(reinterpret_cast<char*>(&negative), sizeof negative))}), "EINVAL");
        EXPECT_EQ(both.call(SYS_select, {value(0), value(0), value(0), value(0), timeout()}), "OK");
        EXPECT_EQ(both.newt_result(), 0);
    });
}

TEST(PollSyscalls, WaitsUntilReadyOrTimeout) {
    run_in_kernel([] {
        SyscallHarness newt;
        uptr fds = newt.scratch();
        ASSERT_EQ(newt.outcome(SYS_pipe2, {fds, 0}), "OK");
        int read_end = newt.get_value<int>(fds), write_end = newt.get_value<int>(fds + 4);
        pollfd entry {read_end, POLLIN, 0};
        uptr entries = newt.put(64, &entry, sizeof entry);
        // Nothing comes: poll returns 0 after its timeout.
        u64 start = hal::monotonic_ns();
        EXPECT_EQ(newt.call(SYS_poll, {entries, 1, 50}), 0);
        u64 waited = hal::monotonic_ns() - start;
        EXPECT_GE(waited, 50'000'000u);
        EXPECT_LT(waited, 2'000'000'000u);
        // ppoll writes back the time left (none after a timeout).
        timespec limit {0, 30'000'000};
        uptr timeout = newt.put(128, &limit, sizeof limit);
        EXPECT_EQ(newt.call(SYS_ppoll, {entries, 1, timeout, 0, 8}), 0);
        timespec left = newt.get_value<timespec>(timeout);
        EXPECT_EQ(left.tv_sec, 0);
        EXPECT_EQ(left.tv_nsec, 0);
        // Another thread writes after 30 ms: the wait ends with POLLIN, well before 10 s.
        struct Writer {
            RefPtr<OpenFile> file;
            std::atomic<u64> written_at {0};
        } writer {newt.process().files().get(write_end).value()};
        auto thread = spawn_thread(
            [](void* argument) {
                auto& writer = *static_cast<Writer*>(argument);
                sleep_ns(30'000'000);
                char byte = 'w';
                IoBuffer buffer = IoBuffer::kernel(static_cast<const void*>(&byte), 1);
                writer.written_at.store(hal::monotonic_ns());
                (void)writer.file->write(buffer, 1);
            },
            &writer, {});
        ASSERT_TRUE(thread.has_value());
        limit = {10, 0};
        newt.put(128, &limit, sizeof limit);
        start = hal::monotonic_ns();
        EXPECT_EQ(newt.call(SYS_ppoll, {entries, 1, timeout, 0, 8}), 1);
        u64 woken_at = hal::monotonic_ns();
        EXPECT_LT(woken_at - start, 5'000'000'000u);
        // A figure, not a check: how late the re-checking wait noticed the data.
        std::printf("ppoll noticed a pipe write %.1f ms after it (re-checks 1 ms apart, doubling to 16 ms)\n",
                    double(woken_at - writer.written_at.load()) / 1e6);
        EXPECT_EQ(newt.get_value<pollfd>(entries).revents, POLLIN);
        left = newt.get_value<timespec>(timeout);
        EXPECT_GT(left.tv_sec, 4);  // most of the 10 s were left
        thread.value()->join();
        // select with a timeout on an empty pipe: 0 and the sets cleared.
        char byte;
        IoBuffer drain = IoBuffer::kernel(&byte, 1);
        ASSERT_TRUE(newt.process().files().get(read_end).value()->read(drain, 1).has_value());
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(read_end, &readable);
        uptr set = newt.put(256, &readable, sizeof readable);
        timeval short_wait {0, 20'000};
        uptr wait = newt.put(512, &short_wait, sizeof short_wait);
        EXPECT_EQ(newt.call(SYS_select, {u64(read_end) + 1, set, 0, 0, wait}), 0);
        EXPECT_FALSE(FD_ISSET(read_end, &(readable = newt.get_value<fd_set>(set))));
        // The signal mask is the caller's own again after ppoll and pselect6.
        u64 temporary = 1u << 9;
        uptr mask = newt.put(640, &temporary, sizeof temporary);
        limit = {0, 0};
        newt.put(128, &limit, sizeof limit);
        u64 before = newt.thread().blocked_signals();
        EXPECT_EQ(newt.call(SYS_ppoll, {entries, 1, timeout, mask, 8}), 0);
        EXPECT_EQ(newt.thread().blocked_signals(), before);
        u64 sigmask_argument[2] = {mask, 8};
        uptr argument = newt.put(700, sigmask_argument, sizeof sigmask_argument);
        EXPECT_EQ(newt.call(SYS_pselect6, {u64(read_end) + 1, set, 0, 0, timeout, argument}), 0);
        EXPECT_EQ(newt.thread().blocked_signals(), before);
        sigmask_argument[1] = 16;
        newt.put(700, sigmask_argument, sizeof sigmask_argument);
        EXPECT_EQ(newt.outcome(SYS_pselect6, {u64(read_end) + 1, set, 0, 0, timeout, argument}), "EINVAL");
        // A thread asked to stop ends its wait: EINTR.
        newt.thread().request_exit({0, 9, false});
        EXPECT_EQ(newt.outcome(SYS_poll, {entries, 1, 10'000}), "EINTR");
    });
}

}  // namespace
