// Pipes (fs/pipe) and FIFOs (fs/fifo) on a booted 2-CPU machine: pipe(7) and fifo(7)
// semantics, checked where it is cheap against a real pipe or FIFO of the host (capacity,
// errnos, poll events, FIONREAD).
//
// Spawned kernel threads never call host code (GoogleTest, malloc): they record results in
// structures the test body allocated, and the body checks them.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kernel/abi/fcntl.h"
#include "kernel/abi/stat.h"
#include "kernel/core/scheduler.h"
#include "kernel/fs/fifo.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/vfs.h"
#include "kernel/hal/cpu.h"
#include "kernel_fixture.h"

using namespace kernel;
using newt_test::run_in_kernel;
namespace kabi = kernel::abi;

namespace {

// ---- helpers (kernel code only: threads may call these) ----

long outcome(const Result<usize>& result) {
    return result.is_error() ? -static_cast<long>(result.error()) : static_cast<long>(result.value());
}

long put(OpenFile& end, const void* data, usize count) {
    IoBuffer buffer = IoBuffer::kernel(data, count);
    return outcome(end.write(buffer, count));
}

long get(OpenFile& end, void* data, usize count) {
    IoBuffer buffer = IoBuffer::kernel(data, count);
    return outcome(end.read(buffer, count));
}

// ---- helpers for the test body ----

struct Ends {
    RefPtr<OpenFile> read, write;
};

Ends make_pipe(int flags = 0) {
    Ends ends;
    auto result = create_pipe(ends.read, ends.write, flags);
    EXPECT_FALSE(result.is_error()) << errno_name(result.error());
    return ends;
}

template <typename Function>
RefPtr<Thread> spawn(Function* function, void* argument, ThreadOptions options = {}) {
    auto thread = spawn_thread(function, argument, options);
    EXPECT_FALSE(thread.is_error());
    return thread.is_error() ? RefPtr<Thread>() : thread.release_value();
}

// Waits (up to 2 s) until `thread` sleeps, then a little longer so a wrong wake-up shows.
bool wait_until_blocked(Thread& thread) {
    for (int i = 0; i < 2000; ++i) {
        if (thread.state() == ThreadState::blocked) {
            sleep_ns(5'000'000);
            return thread.state() == ThreadState::blocked;
        }
        sleep_ns(1'000'000);
    }
    return false;
}

// A host pipe to compare with (both ends O_NONBLOCK unless told otherwise).
struct HostPipe {
    int fds[2] = {-1, -1};
    explicit HostPipe(int flags = O_NONBLOCK) { EXPECT_EQ(::pipe2(fds, flags), 0); }
    ~HostPipe() { close_read(), close_write(); }
    int read_fd() const { return fds[0]; }
    int write_fd() const { return fds[1]; }
    void close_read() {
        if (fds[0] >= 0) ::close(fds[0]);
        fds[0] = -1;
    }
    void close_write() {
        if (fds[1] >= 0) ::close(fds[1]);
        fds[1] = -1;
    }
};

long host_outcome(ssize_t result) { return result < 0 ? -errno : result; }
long host_put(int fd, const void* data, size_t count) { return host_outcome(::write(fd, data, count)); }
long host_get(int fd, void* data, size_t count) { return host_outcome(::read(fd, data, count)); }

constexpr short all_poll_events = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLPRI;

short host_poll(int fd) {
    pollfd entry {fd, all_poll_events, 0};
    int result;
    do result = ::poll(&entry, 1, 0);
    while (result < 0 && errno == EINTR);  // the machine's interrupt signals
    EXPECT_GE(result, 0);
    return entry.revents;
}

// What poll(2) would report for `end` when asked for all_poll_events.
u32 kernel_poll(OpenFile& end) { return end.poll_events() & (all_poll_events | POLLERR | POLLHUP); }

int kernel_fionread(OpenFile& end) {
    int value = -1;
    auto result = end.ioctl(ioctl_fionread, IoctlArgument::kernel(&value));
    EXPECT_FALSE(result.is_error());
    return value;
}

// Ignores SIGPIPE while it lives, so host writes to a broken pipe give EPIPE.
struct IgnoreSigpipe {
    struct sigaction old {};
    IgnoreSigpipe() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &ignore, &old);
    }
    ~IgnoreSigpipe() { sigaction(SIGPIPE, &old, nullptr); }
};

// ---- anonymous pipes ----

TEST(Pipe, EndsHaveFifoStatAndOneAccessEach) {
    run_in_kernel([] {
        Ends first = make_pipe(), second = make_pipe();
        FileStat stat = first.read->stat();
        EXPECT_EQ(stat.mode, kabi::s_ififo | 0600u);
        EXPECT_EQ(stat.size, 0u);
        EXPECT_EQ(stat.link_count, 1u);
        EXPECT_EQ(stat.block_size, 4096u);
        EXPECT_EQ(first.write->stat().inode, stat.inode) << "both ends share the pipe's inode";
        EXPECT_EQ(first.write->stat().device, stat.device);
        EXPECT_NE(second.read->stat().inode, stat.inode) << "each pipe has its own inode number";
        EXPECT_EQ(second.read->stat().device, stat.device) << "all pipes live in one pipefs";

        char byte = 'x';
        EXPECT_EQ(put(*first.read, &byte, 1), -EBADF);
        EXPECT_EQ(get(*first.write, &byte, 1), -EBADF);
        EXPECT_EQ(first.read->flags() & kabi::o_accmode, kabi::o_rdonly);
        EXPECT_EQ(first.write->flags() & kabi::o_accmode, kabi::o_wronly);
        EXPECT_EQ(first.read->flags() & kabi::o_nonblock, 0);

        Ends nonblocking = make_pipe(kabi::o_nonblock | kabi::o_cloexec);
        EXPECT_NE(nonblocking.read->flags() & kabi::o_nonblock, 0);
        EXPECT_NE(nonblocking.write->flags() & kabi::o_nonblock, 0);

        RefPtr<OpenFile> read_end, write_end;
        EXPECT_EQ(create_pipe(read_end, write_end, kabi::o_direct).error(), Errno::einval);
        EXPECT_EQ(create_pipe(read_end, write_end, kabi::o_append).error(), Errno::einval);
        EXPECT_FALSE(read_end);
        EXPECT_EQ(first.read->sync().error(), Errno::einval);

        auto owned = Credentials::user(1000, 100);
        ASSERT_FALSE(create_pipe(read_end, write_end, 0, owned).is_error());
        EXPECT_EQ(read_end->stat().uid, 1000u);
        EXPECT_EQ(read_end->stat().gid, 100u);
    });
}

TEST(Pipe, ReadGivesEndOfFileOnceWritersAreGone) {
    run_in_kernel([] {
        Ends ends = make_pipe();
        char data[16] = {};
        EXPECT_EQ(put(*ends.write, "hello", 5), 5);
        EXPECT_EQ(get(*ends.read, data, 0), 0) << "a zero-byte read returns at once";
        ends.write.clear();
        EXPECT_EQ(get(*ends.read, data, sizeof data), 5) << "data written before the close is still read";
        EXPECT_EQ(std::string(data, 5), "hello");
        EXPECT_EQ(get(*ends.read, data, sizeof data), 0);
        EXPECT_EQ(get(*ends.read, data, sizeof data), 0);
    });
}

TEST(Pipe, WriteGivesEpipeOnceReadersAreGoneLikeTheHost) {
    run_in_kernel([] {
        Ends ends = make_pipe();
        ends.read.clear();
        EXPECT_EQ(put(*ends.write, "x", 1), -EPIPE);
        EXPECT_EQ(put(*ends.write, "x", 0), 0) << "a null write succeeds even without a reader";
        std::vector<char> big(100'000, 'b');
        EXPECT_EQ(put(*ends.write, big.data(), big.size()), -EPIPE);

        IgnoreSigpipe ignore;
        HostPipe host;
        host.close_read();
        EXPECT_EQ(host_put(host.write_fd(), "x", 1), -EPIPE);
        EXPECT_EQ(host_put(host.write_fd(), "x", 0), 0);
    });
}

TEST(Pipe, ReadsReturnWhatIsThere) {
    run_in_kernel([] {
        Ends ends = make_pipe();
        char data[200] = {};
        EXPECT_EQ(put(*ends.write, "0123456789", 10), 10);
        EXPECT_EQ(get(*ends.read, data, sizeof data), 10) << "a short read instead of waiting for more";
        EXPECT_EQ(std::string(data, 10), "0123456789");

        char pattern[100];
        for (int i = 0; i < 100; ++i) pattern[i] = static_cast<char>(i);
        EXPECT_EQ(put(*ends.write, pattern, 100), 100);
        EXPECT_EQ(get(*ends.read, data, 30), 30);
        EXPECT_EQ(get(*ends.read, data + 30, 30), 30);
        EXPECT_EQ(get(*ends.read, data + 60, 200 - 60), 40);
        EXPECT_EQ(memcmp(data, pattern, 100), 0);

        // Across the ring's wrap-around point and page boundaries.
        std::vector<char> chunk(50'000), back(50'000);
        for (int round = 0; round < 5; ++round) {
            for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>(i * 7 + round);
            ASSERT_EQ(put(*ends.write, chunk.data(), chunk.size()), 50'000);
            ASSERT_EQ(get(*ends.read, back.data(), back.size()), 50'000);
            ASSERT_EQ(chunk, back) << "round " << round;
        }
    });
}

struct BlockingRead {
    OpenFile* end;
    char data[64] = {};
    std::atomic<long> result {-1000};
    std::atomic<bool> done {false};
    unsigned cpu = 99;
};

TEST(Pipe, BlockedReaderIsWokenByAWriterOnTheOtherCpu) {
    run_in_kernel([] {
        Ends ends = make_pipe();
        BlockingRead reader {ends.read.get()};
        auto thread = spawn(+[](void* argument) {
            auto* job = static_cast<BlockingRead*>(argument);
            long result = get(*job->end, job->data, sizeof job->data);
            job->cpu = hal::current_cpu();
            job->result = result;
            job->done = true;
        }, &reader, {.name = "reader", .pinned_cpu = 1});
        ASSERT_TRUE(thread);
        ASSERT_TRUE(wait_until_blocked(*thread)) << "the reader should sleep on the empty pipe";
        EXPECT_FALSE(reader.done.load());
        EXPECT_EQ(put(*ends.write, "wake", 4), 4);
        thread->join();
        EXPECT_EQ(reader.result.load(), 4);
        EXPECT_EQ(std::string(reader.data, 4), "wake");
        EXPECT_EQ(reader.cpu, 1u);

        // A reader sleeping on an empty pipe is woken by the last writer's close: EOF.
        BlockingRead second {ends.read.get()};
        thread = spawn(+[](void* argument) {
            auto* job = static_cast<BlockingRead*>(argument);
            job->result = get(*job->end, job->data, sizeof job->data);
            job->done = true;
        }, &second, {.name = "reader", .pinned_cpu = 1});
        ASSERT_TRUE(wait_until_blocked(*thread));
        ends.write.clear();
        thread->join();
        EXPECT_EQ(second.result.load(), 0);
    });
}

struct BlockingWrite {
    OpenFile* end;
    const char* data;
    usize count;
    std::atomic<long> result {-1000};
    std::atomic<bool> done {false};
};

void blocking_write(void* argument) {
    auto* job = static_cast<BlockingWrite*>(argument);
    job->result = put(*job->end, job->data, job->count);
    job->done = true;
}

TEST(Pipe, BlockedWriterOnAFullPipeIsWokenByAReader) {
    run_in_kernel([] {
        Ends ends = make_pipe();
        std::vector<char> page(4096);
        for (int i = 0; i < 16; ++i) {
            memset(page.data(), 'a' + i, page.size());
            ASSERT_EQ(put(*ends.write, page.data(), page.size()), 4096);
        }
        std::vector<char> extra(4096, 'Z');
        BlockingWrite writer {ends.write.get(), extra.data(), extra.size()};
        auto thread = spawn(blocking_write, &writer, {.name = "writer", .pinned_cpu = 1});
        ASSERT_TRUE(thread);
        ASSERT_TRUE(wait_until_blocked(*thread)) << "the writer should sleep on the full pipe";
        // Freeing less than the whole record does not let an atomic write in.
        EXPECT_EQ(get(*ends.read, page.data(), 100), 100);
        sleep_ns(5'000'000);
        EXPECT_FALSE(writer.done.load()) << "a 4096-byte write went in with only 100 bytes free";
        EXPECT_EQ(get(*ends.read, page.data() + 100, 4096 - 100), 4096 - 100);
        thread->join();
        EXPECT_EQ(writer.result.load(), 4096);
        std::vector<char> rest(20 * 4096);
        EXPECT_EQ(get(*ends.read, rest.data(), rest.size()), 16 * 4096) << "15 records and the late one";
        EXPECT_EQ(rest[0], 'b');
        EXPECT_EQ(rest[15 * 4096], 'Z');

        // A writer sleeping on a full pipe gets EPIPE when the last reader goes.
        for (int i = 0; i < 16; ++i) ASSERT_EQ(put(*ends.write, page.data(), page.size()), 4096);
        BlockingWrite doomed {ends.write.get(), extra.data(), extra.size()};
        thread = spawn(blocking_write, &doomed, {.name = "writer", .pinned_cpu = 1});
        ASSERT_TRUE(wait_until_blocked(*thread));
        ends.read.clear();
        thread->join();
        EXPECT_EQ(doomed.result.load(), -EPIPE);
    });
}

TEST(Pipe, LargeBlockingWriteCompletesAsTheReaderDrains) {
    run_in_kernel([] {
        Ends ends = make_pipe();
        std::vector<char> data(300'000);
        for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + i / 4096);
        BlockingWrite writer {ends.write.get(), data.data(), data.size()};
        auto thread = spawn(blocking_write, &writer, {.name = "writer", .pinned_cpu = 1});
        ASSERT_TRUE(thread);
        std::vector<char> back;
        std::vector<char> chunk(7000);
        while (back.size() < data.size()) {
            long got = get(*ends.read, chunk.data(), chunk.size());
            ASSERT_GT(got, 0);
            back.insert(back.end(), chunk.begin(), chunk.begin() + got);
        }
        thread->join();
        EXPECT_EQ(writer.result.load(), 300'000);
        EXPECT_TRUE(back == data);
    });
}

TEST(Pipe, CapacityIs64KiBLikeTheHost) {
    run_in_kernel([] {
        std::vector<char> page(4096, 'p');
        Ends ends = make_pipe(kabi::o_nonblock);
        HostPipe host;
        long total = 0, host_total = 0, result;
        while ((result = put(*ends.write, page.data(), page.size())) > 0) total += result;
        EXPECT_EQ(result, -EAGAIN);
        while ((result = host_put(host.write_fd(), page.data(), page.size())) > 0) host_total += result;
        EXPECT_EQ(result, -EAGAIN);
        EXPECT_EQ(total, 65536);
        EXPECT_EQ(host_total, 65536);
        EXPECT_EQ(Pipe::capacity, 65536u);

        // One write bigger than the pipe fills it and reports what went in.
        std::vector<char> big(100'000, 'B');
        Ends other = make_pipe(kabi::o_nonblock);
        HostPipe other_host;
        EXPECT_EQ(put(*other.write, big.data(), big.size()), 65536);
        EXPECT_EQ(host_put(other_host.write_fd(), big.data(), big.size()), 65536);

        // Byte by byte fills it exactly as well.
        Ends bytes = make_pipe(kabi::o_nonblock);
        long count = 0;
        while (put(*bytes.write, "1", 1) == 1) ++count;
        EXPECT_EQ(count, 65536);
    });
}

TEST(Pipe, NonblockingRulesForSmallAndLargeWrites) {
    run_in_kernel([] {
        Ends ends = make_pipe(kabi::o_nonblock);
        std::vector<char> data(70'000, 'd');
        char sink[8192];
        EXPECT_EQ(get(*ends.read, sink, 10), -EAGAIN) << "empty with a writer";

        ASSERT_EQ(put(*ends.write, data.data(), 65536 - 100), 65536 - 100);  // 100 bytes free
        EXPECT_EQ(put(*ends.write, data.data(), 200), -EAGAIN) << "n <= PIPE_BUF goes in whole or not at all";
        EXPECT_EQ(put(*ends.write, data.data(), 4096), -EAGAIN);
        EXPECT_EQ(put(*ends.write, data.data(), 100), 100) << "exactly the room left";
        EXPECT_EQ(put(*ends.write, data.data(), 1), -EAGAIN) << "full";
        EXPECT_EQ(put(*ends.write, data.data(), 5000), -EAGAIN) << "n > PIPE_BUF with no room at all";

        EXPECT_EQ(get(*ends.read, sink, 50), 50);
        EXPECT_EQ(put(*ends.write, data.data(), 5000), 50) << "n > PIPE_BUF takes what fits";
        EXPECT_EQ(get(*ends.read, sink, 4096), 4096);
        EXPECT_EQ(put(*ends.write, data.data(), 4096), 4096) << "exactly PIPE_BUF free";
        EXPECT_EQ(get(*ends.read, sink, 4097), 4097);
        EXPECT_EQ(put(*ends.write, data.data(), 4097), 4097) << "n > PIPE_BUF that fits whole";

        // Draining and end of file.
        long drained = 0, result;
        while ((result = get(*ends.read, sink, sizeof sink)) > 0) drained += result;
        EXPECT_EQ(result, -EAGAIN);
        EXPECT_EQ(drained, 65536);
        ends.write.clear();
        EXPECT_EQ(get(*ends.read, sink, 10), 0) << "O_NONBLOCK still sees end of file";

        // F_SETFL turns blocking behaviour on and off on the open file.
        Ends toggled = make_pipe();
        toggled.read->set_status_flags(kabi::o_nonblock);
        EXPECT_EQ(get(*toggled.read, sink, 1), -EAGAIN);

        // The same errnos from the host in the same states.
        HostPipe host;
        EXPECT_EQ(host_get(host.read_fd(), sink, 10), -EAGAIN);
        for (int i = 0; i < 16; ++i) ASSERT_EQ(host_put(host.write_fd(), data.data(), 4096), 4096);
        EXPECT_EQ(host_put(host.write_fd(), data.data(), 1), -EAGAIN);
        EXPECT_EQ(host_put(host.write_fd(), data.data(), 4096), -EAGAIN);
        EXPECT_EQ(host_put(host.write_fd(), data.data(), 5000), -EAGAIN);
        host.close_write();
        while (host_get(host.read_fd(), sink, sizeof sink) > 0) {
        }
        EXPECT_EQ(host_get(host.read_fd(), sink, 10), 0);
    });
}

TEST(Pipe, SeekAndPositionalIoGiveEspipeLikeTheHost) {
    run_in_kernel([] {
        Ends ends = make_pipe();
        char data[4] = {};
        IoBuffer buffer = IoBuffer::kernel(data, sizeof data);
        for (OpenFile* end : {ends.read.get(), ends.write.get()}) {
            EXPECT_EQ(end->seek(0, kabi::seek_set).error(), Errno::espipe);
            EXPECT_EQ(end->seek(0, kabi::seek_cur).error(), Errno::espipe);
            EXPECT_EQ(end->seek(0, kabi::seek_end).error(), Errno::espipe);
            EXPECT_EQ(end->read_at(0, buffer, 1).error(), Errno::espipe);
            EXPECT_EQ(end->write_at(0, buffer, 1).error(), Errno::espipe);
        }
        HostPipe host;
        EXPECT_EQ(::lseek(host.read_fd(), 0, SEEK_CUR), -1);
        EXPECT_EQ(errno, ESPIPE);
        EXPECT_EQ(::pread(host.read_fd(), data, 1, 0), -1);
        EXPECT_EQ(errno, ESPIPE);
        EXPECT_EQ(::pwrite(host.write_fd(), data, 1, 0), -1);
        EXPECT_EQ(errno, ESPIPE);
    });
}

TEST(Pipe, PollEventsInEachStateMatchTheHost) {
    run_in_kernel([] {
        Ends ends = make_pipe(kabi::o_nonblock);
        HostPipe host;
        std::vector<char> data(4096, 'q');
        char sink[4096];
        auto same = [&](const char* state) {
            EXPECT_EQ(kernel_poll(*ends.read), static_cast<u32>(host_poll(host.read_fd()))) << "read end, " << state;
            EXPECT_EQ(kernel_poll(*ends.write), static_cast<u32>(host_poll(host.write_fd()))) << "write end, " << state;
        };
        same("empty");
        EXPECT_EQ(kernel_poll(*ends.read), 0u);
        EXPECT_EQ(kernel_poll(*ends.write), u32(POLLOUT | POLLWRNORM));

        put(*ends.write, data.data(), 10);
        host_put(host.write_fd(), data.data(), 10);
        same("some data");
        EXPECT_EQ(kernel_poll(*ends.read), u32(POLLIN | POLLRDNORM));

        get(*ends.read, sink, 10);
        host_get(host.read_fd(), sink, 10);
        for (int i = 0; i < 16; ++i) {
            put(*ends.write, data.data(), 4096);
            host_put(host.write_fd(), data.data(), 4096);
        }
        same("full");
        EXPECT_EQ(kernel_poll(*ends.write), 0u);

        get(*ends.read, sink, 4095);
        host_get(host.read_fd(), sink, 4095);
        same("one byte short of a free page");
        get(*ends.read, sink, 1);
        host_get(host.read_fd(), sink, 1);
        same("one page free");
        EXPECT_EQ(kernel_poll(*ends.write), u32(POLLOUT | POLLWRNORM));

        ends.write.clear();
        host.close_write();
        EXPECT_EQ(kernel_poll(*ends.read), static_cast<u32>(host_poll(host.read_fd()))) << "no writer, data left";
        EXPECT_EQ(kernel_poll(*ends.read), u32(POLLIN | POLLRDNORM | POLLHUP));
        while (get(*ends.read, sink, sizeof sink) > 0) {
        }
        while (host_get(host.read_fd(), sink, sizeof sink) > 0) {
        }
        EXPECT_EQ(kernel_poll(*ends.read), static_cast<u32>(host_poll(host.read_fd()))) << "no writer, empty";
        EXPECT_EQ(kernel_poll(*ends.read), u32(POLLHUP)) << "Linux reports POLLHUP alone, not POLLIN";

        Ends other = make_pipe(kabi::o_nonblock);
        HostPipe other_host;
        other.read.clear();
        other_host.close_read();
        EXPECT_EQ(kernel_poll(*other.write), static_cast<u32>(host_poll(other_host.write_fd()))) << "no reader";
        EXPECT_EQ(kernel_poll(*other.write), u32(POLLOUT | POLLWRNORM | POLLERR));
    });
}

TEST(Pipe, FionreadCountsUnreadBytesLikeTheHost) {
    run_in_kernel([] {
        Ends ends = make_pipe(kabi::o_nonblock);
        HostPipe host;
        std::vector<char> data(70'000, 'f');
        char sink[100];
        auto host_fionread = [](int fd) {
            int value = -1;
            EXPECT_EQ(::ioctl(fd, FIONREAD, &value), 0);
            return value;
        };
        EXPECT_EQ(kernel_fionread(*ends.read), 0);
        EXPECT_EQ(host_fionread(host.read_fd()), 0);
        put(*ends.write, data.data(), 123);
        host_put(host.write_fd(), data.data(), 123);
        EXPECT_EQ(kernel_fionread(*ends.read), 123);
        EXPECT_EQ(kernel_fionread(*ends.write), 123) << "either end answers";
        EXPECT_EQ(host_fionread(host.write_fd()), 123);
        get(*ends.read, sink, 23);
        host_get(host.read_fd(), sink, 23);
        EXPECT_EQ(kernel_fionread(*ends.read), 100);
        EXPECT_EQ(host_fionread(host.read_fd()), 100);
        put(*ends.write, data.data(), data.size());
        host_put(host.write_fd(), data.data(), data.size());
        // (The host's count differs here: Linux merges only part of a large write into its
        // last partly used page slot, so it holds less than 64 KiB; the byte ring fills up.)
        EXPECT_EQ(kernel_fionread(*ends.read), 65536);

        EXPECT_EQ(ends.read->ioctl(0x5401 /* TCGETS */, IoctlArgument::kernel(nullptr)).error(), Errno::enotty);
        EXPECT_EQ(ends.read->ioctl(ioctl_fionread, IoctlArgument::kernel(nullptr)).error(), Errno::efault);
    });
}

// ---- many writers ----

struct RecordWriter {
    OpenFile* end;
    const char* record;  // 4096 bytes of one value, or `record_size` for large writes
    usize record_size;
    int records;
    std::atomic<int> short_writes {0};
};

void write_records(void* argument) {
    auto* writer = static_cast<RecordWriter*>(argument);
    for (int i = 0; i < writer->records; ++i)
        if (put(*writer->end, writer->record, writer->record_size) != static_cast<long>(writer->record_size))
            ++writer->short_writes;
}

TEST(Pipe, WritesOfPipeBufBytesAreNeverInterleaved) {
    run_in_kernel([] {
        constexpr int writer_count = 4, records = 300;
        Ends ends = make_pipe();
        std::vector<std::vector<char>> payloads;
        for (int i = 0; i < writer_count; ++i) payloads.emplace_back(pipe_buf, static_cast<char>('A' + i));
        std::vector<RecordWriter> writers(writer_count);
        std::vector<RefPtr<Thread>> threads;
        for (int i = 0; i < writer_count; ++i) {
            writers[i].end = ends.write.get();
            writers[i].record = payloads[i].data();
            writers[i].record_size = pipe_buf;
            writers[i].records = records;
            threads.push_back(spawn(write_records, &writers[i], {.name = "record-writer", .pinned_cpu = i % 2}));
        }
        // Odd read sizes leave odd amounts of room, which a non-atomic write would fill
        // with part of a record.
        const usize read_sizes[] = {1000, 3001, 7000, 4096, 1, 12345};
        std::vector<char> chunk(12345);
        long total = 0, expected = long(writer_count) * records * pipe_buf;
        usize in_record = 0;
        char record_value = 0;
        int mixed_records = 0;
        int per_value[writer_count] = {};
        for (usize round = 0; total < expected; ++round) {
            long got = get(*ends.read, chunk.data(), read_sizes[round % 6]);
            ASSERT_GT(got, 0);
            for (long i = 0; i < got; ++i) {
                char byte = chunk[i];
                if (in_record == 0) {
                    record_value = byte;
                    if (byte >= 'A' && byte < 'A' + writer_count) ++per_value[byte - 'A'];
                } else if (byte != record_value) {
                    ++mixed_records;
                    record_value = byte;  // count each break once
                }
                in_record = (in_record + 1) % pipe_buf;
            }
            total += got;
        }
        for (auto& thread : threads) thread->join();
        EXPECT_EQ(total, expected);
        EXPECT_EQ(mixed_records, 0) << "4096-byte writes were interleaved";
        for (int i = 0; i < writer_count; ++i) {
            EXPECT_EQ(per_value[i], records) << "writer " << i;
            EXPECT_EQ(writers[i].short_writes.load(), 0) << "writer " << i;
        }
        char byte;
        ends.write.clear();
        EXPECT_EQ(get(*ends.read, &byte, 1), 0);
    });
}

TEST(Pipe, LargerWritesMayInterleaveButLoseNothing) {
    run_in_kernel([] {
        constexpr int writer_count = 3, writes = 60;
        constexpr usize write_size = 20'000;
        Ends ends = make_pipe();
        std::vector<std::vector<char>> payloads;
        for (int i = 0; i < writer_count; ++i) payloads.emplace_back(write_size, static_cast<char>('a' + i));
        std::vector<RecordWriter> writers(writer_count);
        std::vector<RefPtr<Thread>> threads;
        for (int i = 0; i < writer_count; ++i) {
            writers[i].end = ends.write.get();
            writers[i].record = payloads[i].data();
            writers[i].record_size = write_size;
            writers[i].records = writes;
            threads.push_back(spawn(write_records, &writers[i], {.name = "big-writer", .pinned_cpu = i % 2}));
        }
        std::vector<char> chunk(3000);
        long total = 0, expected = long(writer_count) * writes * write_size;
        long per_value[writer_count] = {};
        long strangers = 0, switches = 0;
        char previous = 0;
        while (total < expected) {
            long got = get(*ends.read, chunk.data(), chunk.size());
            ASSERT_GT(got, 0);
            for (long i = 0; i < got; ++i) {
                char byte = chunk[i];
                if (byte >= 'a' && byte < 'a' + writer_count) ++per_value[byte - 'a'];
                else ++strangers;
                if (byte != previous) ++switches;
                previous = byte;
            }
            total += got;
        }
        for (auto& thread : threads) thread->join();
        EXPECT_EQ(total, expected);
        EXPECT_EQ(strangers, 0);
        for (int i = 0; i < writer_count; ++i) {
            EXPECT_EQ(per_value[i], long(writes) * long(write_size)) << "writer " << i;
            EXPECT_EQ(writers[i].short_writes.load(), 0) << "a blocking write returned early, writer " << i;
        }
        std::printf("large writes: %ld changes of writer in %ld bytes (%d writes)\n", switches, total,
                    writer_count * writes);
    });
}

// ---- FIFOs ----

VfsContext kernel_context() { return VfsContext::for_kernel(); }

void make_fifo(const VfsContext& context, const char* path) {
    auto result = vfs_mknod(context, nullptr, path, kabi::s_ififo | 0666, 0);
    ASSERT_FALSE(result.is_error()) << errno_name(result.error());
}

Result<RefPtr<OpenFile>> open_at(const VfsContext& context, const char* path, int flags) {
    return vfs_open(context, nullptr, path, flags, 0);
}

// For the test body: the open file, or nullptr (and a failure) on an error.
RefPtr<OpenFile> must_open(const VfsContext& context, const char* path, int flags) {
    auto result = open_at(context, path, flags);
    EXPECT_FALSE(result.is_error()) << path << ": " << errno_name(result.error());
    return result.is_error() ? RefPtr<OpenFile>() : result.release_value();
}

// A temporary directory on the host for FIFOs to compare with.
struct HostDirectory {
    std::string path;
    HostDirectory() {
        char name[] = "/tmp/newt-fifo-XXXXXX";
        EXPECT_NE(mkdtemp(name), nullptr);
        path = name;
    }
    ~HostDirectory() { std::system(("rm -rf " + path).c_str()); }
    std::string fifo(const char* name) {
        std::string file = path + "/" + name;
        EXPECT_EQ(::mkfifo(file.c_str(), 0600), 0);
        return file;
    }
};

TEST(Fifo, NonblockingOpensWithoutAPartnerLikeTheHost) {
    run_in_kernel([] {
        VfsContext context = kernel_context();
        make_fifo(context, "/tmp/fifo-nonblocking");
        EXPECT_EQ(open_at(context, "/tmp/fifo-nonblocking", kabi::o_wronly | kabi::o_nonblock).error(), Errno::enxio)
            << "a writer needs a reader";
        EXPECT_EQ(open_fifo_count(), 0u) << "a failed open leaves no pipe behind";
        auto reader = open_at(context, "/tmp/fifo-nonblocking", kabi::o_rdonly | kabi::o_nonblock);
        ASSERT_FALSE(reader.is_error()) << errno_name(reader.error());
        RefPtr<OpenFile> read_end = reader.release_value();
        char data[16];
        EXPECT_EQ(get(*read_end, data, sizeof data), 0) << "no writer: end of file, not EAGAIN";
        EXPECT_EQ(kernel_poll(*read_end), 0u) << "no POLLHUP before a writer has been seen";

        auto writer = open_at(context, "/tmp/fifo-nonblocking", kabi::o_wronly | kabi::o_nonblock);
        ASSERT_FALSE(writer.is_error()) << errno_name(writer.error());
        RefPtr<OpenFile> write_end = writer.release_value();
        EXPECT_EQ(get(*read_end, data, sizeof data), -EAGAIN) << "a writer, no data";
        EXPECT_EQ(put(*write_end, "fifo", 4), 4);
        EXPECT_EQ(kernel_poll(*read_end), u32(POLLIN | POLLRDNORM));
        write_end.clear();
        EXPECT_EQ(kernel_poll(*read_end), u32(POLLIN | POLLRDNORM | POLLHUP)) << "the writer came and went";
        EXPECT_EQ(get(*read_end, data, sizeof data), 4);
        EXPECT_EQ(std::string(data, 4), "fifo");
        EXPECT_EQ(get(*read_end, data, sizeof data), 0);

        // The host, same steps.
        HostDirectory host;
        std::string fifo = host.fifo("fifo");
        EXPECT_EQ(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK), -1);
        EXPECT_EQ(errno, ENXIO);
        int host_reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
        ASSERT_GE(host_reader, 0);
        EXPECT_EQ(host_get(host_reader, data, sizeof data), 0);
        EXPECT_EQ(host_poll(host_reader), 0);
        int host_writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        ASSERT_GE(host_writer, 0);
        EXPECT_EQ(host_get(host_reader, data, sizeof data), -EAGAIN);
        EXPECT_EQ(host_put(host_writer, "fifo", 4), 4);
        EXPECT_EQ(host_poll(host_reader), POLLIN | POLLRDNORM);
        ::close(host_writer);
        EXPECT_EQ(host_poll(host_reader), POLLIN | POLLRDNORM | POLLHUP);
        ::close(host_reader);
    });
}

struct BlockingOpen {
    const VfsContext* context;
    const char* path;
    int flags;
    std::atomic<long> open_result {-1000};
    std::atomic<long> io_result {-1000};
    std::atomic<bool> opened {false};
    char data[16] = {};
    RefPtr<OpenFile> end = {};
};

TEST(Fifo, BlockingReaderOpenWaitsForAWriter) {
    run_in_kernel([] {
        VfsContext context = kernel_context();
        make_fifo(context, "/tmp/fifo-blocking-reader");
        BlockingOpen reader {&context, "/tmp/fifo-blocking-reader", kabi::o_rdonly};
        auto thread = spawn(+[](void* argument) {
            auto* job = static_cast<BlockingOpen*>(argument);
            auto result = open_at(*job->context, job->path, job->flags);
            job->open_result = result.is_error() ? -static_cast<long>(result.error()) : 0;
            if (result.is_error()) return;
            job->opened = true;
            job->io_result = get(*result.value(), job->data, sizeof job->data);
        }, &reader, {.name = "fifo-reader", .pinned_cpu = 1});
        ASSERT_TRUE(thread);
        ASSERT_TRUE(wait_until_blocked(*thread)) << "open(O_RDONLY) should wait for a writer";
        EXPECT_FALSE(reader.opened.load());
        auto writer = open_at(context, "/tmp/fifo-blocking-reader", kabi::o_wronly);
        ASSERT_FALSE(writer.is_error()) << "a reader is waiting, so the writer does not wait: "
                                        << errno_name(writer.error());
        EXPECT_EQ(put(*writer.value(), "hello", 5), 5);
        thread->join();
        EXPECT_EQ(reader.open_result.load(), 0);
        EXPECT_EQ(reader.io_result.load(), 5);
        EXPECT_EQ(std::string(reader.data, 5), "hello");
    });
}

TEST(Fifo, BlockingWriterOpenWaitsForAReader) {
    run_in_kernel([] {
        VfsContext context = kernel_context();
        make_fifo(context, "/tmp/fifo-blocking-writer");
        BlockingOpen writer {&context, "/tmp/fifo-blocking-writer", kabi::o_wronly};
        auto thread = spawn(+[](void* argument) {
            auto* job = static_cast<BlockingOpen*>(argument);
            auto result = open_at(*job->context, job->path, job->flags);
            job->open_result = result.is_error() ? -static_cast<long>(result.error()) : 0;
            if (result.is_error()) return;
            job->opened = true;
            job->io_result = put(*result.value(), "ping", 4);
        }, &writer, {.name = "fifo-writer", .pinned_cpu = 1});
        ASSERT_TRUE(thread);
        ASSERT_TRUE(wait_until_blocked(*thread)) << "open(O_WRONLY) should wait for a reader";
        EXPECT_FALSE(writer.opened.load());
        auto reader = open_at(context, "/tmp/fifo-blocking-writer", kabi::o_rdonly);
        ASSERT_FALSE(reader.is_error()) << errno_name(reader.error());
        thread->join();
        EXPECT_EQ(writer.open_result.load(), 0);
        EXPECT_EQ(writer.io_result.load(), 4);
        char data[8];
        EXPECT_EQ(get(*reader.value(), data, sizeof data), 4);
        EXPECT_EQ(std::string(data, 4), "ping");
        EXPECT_EQ(get(*reader.value(), data, sizeof data), 0) << "the writer thread's end closed with it";
    });
}

TEST(Fifo, WriterThatComesAndGoesReleasesABlockedReaderWithEndOfFile) {
    run_in_kernel([] {
        VfsContext context = kernel_context();
        make_fifo(context, "/tmp/fifo-writer-gone");
        BlockingOpen reader {&context, "/tmp/fifo-writer-gone", kabi::o_rdonly};
        auto thread = spawn(+[](void* argument) {
            auto* job = static_cast<BlockingOpen*>(argument);
            auto result = open_at(*job->context, job->path, job->flags);
            job->open_result = result.is_error() ? -static_cast<long>(result.error()) : 0;
            if (result.is_error()) return;
            job->end = result.release_value();  // read later, once the writer is gone
            job->opened = true;
        }, &reader, {.name = "fifo-reader", .pinned_cpu = 1});
        ASSERT_TRUE(thread);
        ASSERT_TRUE(wait_until_blocked(*thread));
        // Open and close at once, before the reader runs again.
        {
            auto writer = open_at(context, "/tmp/fifo-writer-gone", kabi::o_wronly);
            ASSERT_FALSE(writer.is_error());
        }
        thread->join();
        EXPECT_EQ(reader.open_result.load(), 0);
        ASSERT_TRUE(reader.end);
        char byte;
        EXPECT_EQ(get(*reader.end, &byte, 1), 0);
    });
}

TEST(Fifo, ReadWriteOpenNeverWaits) {
    run_in_kernel([] {
        VfsContext context = kernel_context();
        make_fifo(context, "/tmp/fifo-read-write");
        auto both = open_at(context, "/tmp/fifo-read-write", kabi::o_rdwr);
        ASSERT_FALSE(both.is_error()) << errno_name(both.error());
        RefPtr<OpenFile> end = both.release_value();
        EXPECT_EQ(kernel_poll(*end), u32(POLLOUT | POLLWRNORM));
        EXPECT_EQ(put(*end, "loop", 4), 4);
        EXPECT_EQ(kernel_poll(*end), u32(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM));
        char data[8];
        EXPECT_EQ(get(*end, data, sizeof data), 4);
        EXPECT_EQ(std::string(data, 4), "loop");
        // It is a writer too, so a blocking O_WRONLY and O_RDONLY open both find a partner.
        auto writer = open_at(context, "/tmp/fifo-read-write", kabi::o_wronly);
        ASSERT_FALSE(writer.is_error());
        auto reader = open_at(context, "/tmp/fifo-read-write", kabi::o_rdonly);
        ASSERT_FALSE(reader.is_error());
        EXPECT_EQ(open_at(context, "/tmp/fifo-read-write", kabi::o_accmode).error(), Errno::einval);
    });
}

TEST(Fifo, DataFlowsAndAReopenedFifoStartsEmpty) {
    run_in_kernel([] {
        VfsContext context = kernel_context();
        make_fifo(context, "/tmp/fifo-data");
        make_fifo(context, "/tmp/fifo-data-other");
        auto stat = vfs_stat(context, nullptr, "/tmp/fifo-data", true);
        ASSERT_FALSE(stat.is_error());
        EXPECT_EQ(stat.value().mode & kabi::s_ifmt, kabi::s_ififo);
        {
            RefPtr<OpenFile> reader = must_open(context, "/tmp/fifo-data", kabi::o_rdonly | kabi::o_nonblock);
            RefPtr<OpenFile> writer = must_open(context, "/tmp/fifo-data", kabi::o_wronly);
            ASSERT_TRUE(reader && writer);
            EXPECT_EQ(reader->stat().inode, stat.value().inode) << "fstat names the FIFO's inode";
            EXPECT_EQ(reader->stat().mode & kabi::s_ifmt, kabi::s_ififo);
            EXPECT_EQ(writer->seek(0, kabi::seek_set).error(), Errno::espipe);
            EXPECT_EQ(open_fifo_count(), 1u) << "both ends share one pipe";

            // A second FIFO has a pipe of its own.
            RefPtr<OpenFile> other = must_open(context, "/tmp/fifo-data-other", kabi::o_rdwr);
            EXPECT_EQ(open_fifo_count(), 2u);
            EXPECT_EQ(put(*other, "other", 5), 5);

            std::vector<char> data(100'000);
            for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i % 251);
            EXPECT_EQ(put(*writer, data.data(), 60'000), 60'000);
            std::vector<char> back(60'000);
            EXPECT_EQ(get(*reader, back.data(), back.size()), 60'000);
            EXPECT_TRUE(std::equal(back.begin(), back.end(), data.begin()));
            EXPECT_EQ(kernel_fionread(*reader), 0) << "nothing of the other FIFO shows here";
            EXPECT_EQ(put(*writer, "stale", 5), 5);  // left unread
        }
        EXPECT_EQ(open_fifo_count(), 0u) << "the last close drops the pipes";
        RefPtr<OpenFile> reader = must_open(context, "/tmp/fifo-data", kabi::o_rdonly | kabi::o_nonblock);
        ASSERT_TRUE(reader);
        EXPECT_EQ(kernel_fionread(*reader), 0) << "data is discarded when both ends close";
        char byte;
        EXPECT_EQ(get(*reader, &byte, 1), 0);
        // The FIFO's data never touches the node: its size stays 0.
        EXPECT_EQ(vfs_stat(context, nullptr, "/tmp/fifo-data", true).value().size, 0u);
        // Unlinking an open FIFO keeps the open ends working.
        RefPtr<OpenFile> writer = must_open(context, "/tmp/fifo-data", kabi::o_wronly);
        ASSERT_TRUE(writer);
        EXPECT_FALSE(vfs_unlink(context, nullptr, "/tmp/fifo-data").is_error());
        EXPECT_EQ(put(*writer, "after", 5), 5);
        char data[8];
        EXPECT_EQ(get(*reader, data, sizeof data), 5);
    });
}

}  // namespace
