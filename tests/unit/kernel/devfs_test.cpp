// devtmpfs at /dev and the character devices behind it (kernel/drivers/memory_devices,
// random_device, kmsg_device, console_device) in a booted machine: node numbers, modes and
// owners, each device's reads, writes, seeks and polls errno by errno, compared with the
// host's own /dev where that is cheap and possible (the host's /dev/kmsg only when this
// process may read it), mknod'ed nodes elsewhere opening the same drivers, devtmpfs mounted
// twice showing one tree, and /dev/kmsg's record format, blocking, EPIPE and seeks.
#include <sys/mman.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <string>
#include <vector>

#include "file_helpers.h"
#include "hosted/machine.h"
#include "kernel/core/klog.h"
#include "kernel/core/scheduler.h"
#include "kernel/fs/devtmpfs/devtmpfs.h"
#include "kernel/hal/interrupts.h"
#include "kernel/hal/timer.h"
#include "kernel/tty/console.h"
#include "kernel_fixture.h"

using namespace kernel;
using namespace newt_test;

namespace {

struct DeviceNode {
    const char* name;
    u32 major, minor, mode;
};
// Linux's numbers and modes (drivers/char/mem.c, drivers/tty/tty_io.c).
constexpr DeviceNode device_nodes[] = {
    {"null", 1, 3, 0666},    {"zero", 1, 5, 0666}, {"full", 1, 7, 0666},    {"random", 1, 8, 0666},
    {"urandom", 1, 9, 0666}, {"kmsg", 1, 11, 0644}, {"console", 5, 1, 0600},
};

Errno host_errno(int error) { return static_cast<Errno>(error); }

// What the host's read/write/lseek of a device gives: a byte count or an errno.
struct HostResult {
    long value;
    int error;
};
HostResult host_call(long value) { return {value, value < 0 ? errno : 0}; }

template <typename T>
void expect_same(const Result<T>& ours, HostResult host, const std::string& what) {
    if (host.error) {
        ASSERT_TRUE(ours.is_error()) << what << ": the host fails with " << std::strerror(host.error);
        EXPECT_EQ(ours.error(), host_errno(host.error)) << what;
    } else {
        ASSERT_FALSE(ours.is_error()) << what << ": " << errno_name(ours.error()) << ", the host succeeds";
        EXPECT_EQ(static_cast<long>(ours.value()), host.value) << what;
    }
}

Result<u64> seek(OpenFile& file, i64 offset, int whence) { return file.seek(offset, whence); }

TEST(Devfs, NodesHaveLinuxNumbersModesAndOwners) {
    run_in_kernel([] {
        VfsContext context = root_context();
        for (const DeviceNode& node : device_nodes) {
            std::string path = std::string("/dev/") + node.name;
            auto stat = vfs_stat(context, nullptr, path.c_str(), true);
            ASSERT_FALSE(stat.is_error()) << path;
            EXPECT_EQ(stat->mode, kernel::abi::s_ifchr | node.mode) << path;
            EXPECT_EQ(kernel::abi::device_major(stat->rdevice), node.major) << path;
            EXPECT_EQ(kernel::abi::device_minor(stat->rdevice), node.minor) << path;
            EXPECT_EQ(stat->uid, 0u) << path;
            EXPECT_EQ(stat->gid, 0u) << path;
            // The host's node, when it has one (containers often lack kmsg and console).
            struct stat host;
            if (::stat(path.c_str(), &host) == 0 && S_ISCHR(host.st_mode)) {
                EXPECT_EQ(major(host.st_rdev), node.major) << path;
                EXPECT_EQ(minor(host.st_rdev), node.minor) << path;
                if (host.st_uid == 0 && std::string(node.name) != "console") {  // a login may own the console
                    EXPECT_EQ(host.st_mode & 07777, node.mode) << path << " on the host";
                }
            }
        }
        auto root = vfs_stat(context, nullptr, "/dev", true);
        ASSERT_FALSE(root.is_error());
        EXPECT_EQ(root->mode, kernel::abi::s_ifdir | 0755);
        std::vector<std::string> names = list_directory("/dev");
        for (const DeviceNode& node : device_nodes)
            EXPECT_NE(std::find(names.begin(), names.end(), node.name), names.end()) << node.name;
    });
}

TEST(Devfs, NullZeroAndFullBehaveAsTheHostsDevices) {
    run_in_kernel([] {
        for (const char* name : {"null", "zero", "full"}) {
            std::string path = std::string("/dev/") + name;
            auto file = open_file(path.c_str(), kernel::abi::o_rdwr);
            ASSERT_TRUE(file);
            int host = ::open(path.c_str(), O_RDWR);
            ASSERT_GE(host, 0) << path;

            char ours_data[100], host_data[100];
            std::memset(ours_data, 'x', sizeof ours_data);
            std::memset(host_data, 'x', sizeof host_data);
            IoBuffer buffer = IoBuffer::kernel(ours_data, sizeof ours_data);
            expect_same(file->read(buffer, 64), host_call(::read(host, host_data, 64)), path + " read");
            EXPECT_EQ(std::memcmp(ours_data, host_data, sizeof ours_data), 0) << path << " read data";
            expect_same(file->read(buffer, 0), host_call(::read(host, host_data, 0)), path + " read 0");
            expect_same(file->read_at(12345, buffer, 10), host_call(::pread(host, host_data, 10, 12345)),
                        path + " pread");

            const char text[] = "some bytes";
            IoBuffer source = IoBuffer::kernel(text, sizeof text);
            expect_same(file->write(source, sizeof text), host_call(::write(host, text, sizeof text)), path + " write");
            expect_same(file->write(source, 0), host_call(::write(host, text, 0)), path + " write 0");
            expect_same(file->write_at(7, source, 3), host_call(::pwrite(host, text, 3, 7)), path + " pwrite");

            // The position means nothing: every whence lseek knows gives 0, others EINVAL.
            for (int whence = 0; whence <= 5; ++whence)
                expect_same(seek(*file, 100, whence), host_call(::lseek(host, 100, whence)),
                            path + " lseek whence " + std::to_string(whence));
            EXPECT_EQ(file->offset(), 0u);

            pollfd poll_host {host, POLLIN | POLLOUT | POLLPRI, 0};
            ASSERT_EQ(::poll(&poll_host, 1, 0), 1);
            EXPECT_EQ(file->poll_events(), static_cast<u32>(poll_host.revents)) << path << " poll";

            EXPECT_EQ(file->ioctl(0x5401, IoctlArgument::kernel(nullptr)).error(), Errno::enotty) << path;  // TCGETS
            EXPECT_EQ(file->truncate(0).error(), Errno::einval) << path;
            ::close(host);
        }
    });
}

// mmap: /dev/zero maps as anonymous memory; the other character devices have no mmap
// (ENODEV on the host too).
TEST(Devfs, OnlyZeroCanBeMapped) {
    run_in_kernel([] {
        for (const char* name : {"null", "zero", "full", "random", "urandom"}) {
            std::string path = std::string("/dev/") + name;
            auto file = open_file(path.c_str(), kernel::abi::o_rdwr);
            ASSERT_TRUE(file);
            int host = ::open(path.c_str(), O_RDWR);
            ASSERT_GE(host, 0) << path;
            void* host_mapping = ::mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE, host, 0);
            auto source = file->mmap_source();
            if (host_mapping == MAP_FAILED) {
                EXPECT_EQ(errno, ENODEV) << path;
                EXPECT_TRUE(source.is_error() && source.error() == Errno::enodev) << path;
            } else {
                ::munmap(host_mapping, 4096);
                ASSERT_TRUE(source.has_value()) << path;
                EXPECT_EQ(source->kind, MappingSource::Kind::anonymous) << path;
            }
            ::close(host);
        }
    });
}

TEST(Devfs, ZeroFillsLargeReadsAndFullRefusesEveryWrite) {
    run_in_kernel([] {
        auto zero = open_file("/dev/zero", kernel::abi::o_rdonly);
        ASSERT_TRUE(zero);
        std::vector<char> data(MiB + 13, 'x');
        IoBuffer buffer = IoBuffer::kernel(data.data(), data.size());
        auto got = zero->read(buffer, data.size());
        ASSERT_FALSE(got.is_error());
        EXPECT_EQ(got.value(), data.size());
        EXPECT_EQ(std::count(data.begin(), data.end(), '\0'), static_cast<long>(data.size()));

        auto full = open_file("/dev/full", kernel::abi::o_wronly);
        ASSERT_TRUE(full);
        for (size_t size : {size_t(1), size_t(4096), size_t(MiB)}) {
            IoBuffer source = IoBuffer::kernel(data.data(), size);
            EXPECT_EQ(full->write(source, size).error(), Errno::enospc) << size;
        }
    });
}

TEST(Devfs, AccessModesAreChecked) {
    run_in_kernel([] {
        char byte = 0;
        IoBuffer buffer = IoBuffer::kernel(&byte, 1);
        for (const char* path : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/kmsg",
                                 "/dev/console"}) {
            auto read_only = open_file(path, kernel::abi::o_rdonly | kernel::abi::o_nonblock);
            ASSERT_TRUE(read_only);
            EXPECT_EQ(read_only->write(buffer, 1).error(), Errno::ebadf) << path;
            auto write_only = open_file(path, kernel::abi::o_wronly);
            ASSERT_TRUE(write_only);
            EXPECT_EQ(write_only->read(buffer, 1).error(), Errno::ebadf) << path;
        }
    });
}

TEST(Devfs, PermissionsFollowTheNodeModes) {
    run_in_kernel([] {
        VfsContext user = user_context();
        EXPECT_TRUE(open_file("/dev/null", kernel::abi::o_rdwr, user));
        EXPECT_TRUE(open_file("/dev/urandom", kernel::abi::o_rdwr, user));
        EXPECT_TRUE(open_file("/dev/kmsg", kernel::abi::o_rdonly, user));
        EXPECT_EQ(open_error("/dev/kmsg", kernel::abi::o_wronly, user), Errno::eacces);
        EXPECT_EQ(open_error("/dev/console", kernel::abi::o_rdonly, user), Errno::eacces);
        EXPECT_EQ(open_error("/dev/console", kernel::abi::o_wronly, user), Errno::eacces);
        // Only the superuser makes device nodes.
        EXPECT_EQ(vfs_mknod(user, nullptr, "/tmp/evil", kernel::abi::s_ifchr | 0666, kernel::abi::make_device(1, 3)).error(),
                  Errno::eperm);
        // A node's owner may chmod it; others may not.
        EXPECT_EQ(vfs_chmod(user, nullptr, "/dev/null", 0600, true).error(), Errno::eperm);
    });
}

TEST(Devfs, RandomAndUrandomGiveFreshBytesAndTakeWrites) {
    run_in_kernel([] {
        for (const char* path : {"/dev/random", "/dev/urandom"}) {
            auto file = open_file(path, kernel::abi::o_rdwr);
            ASSERT_TRUE(file);
            // Two reads of 4 KiB are equal with probability 2^-32768.
            auto first = read_some(*file, 4096), second = read_some(*file, 4096);
            ASSERT_FALSE(first.is_error());
            ASSERT_FALSE(second.is_error());
            EXPECT_EQ(first->size(), 4096u);
            EXPECT_NE(first.value(), second.value()) << path;
            // Light statistics over 64 KiB: each bit is set 2^15 +- 2^7 (1 sigma) times; 8 sigma
            // is exceeded with probability ~1e-15. Full statistics are random_tests' job.
            std::vector<char> data(64 * KiB + 17, 'x');
            IoBuffer buffer = IoBuffer::kernel(data.data(), data.size());
            auto got = file->read(buffer, data.size());
            ASSERT_FALSE(got.is_error());
            ASSERT_EQ(got.value(), data.size());
            size_t bits[8] = {};
            for (size_t i = 0; i < 64 * KiB; ++i)
                for (int bit = 0; bit < 8; ++bit) bits[bit] += (static_cast<u8>(data[i]) >> bit) & 1;
            for (int bit = 0; bit < 8; ++bit) {
                EXPECT_GT(bits[bit], 32 * KiB - 1024) << path << " bit " << bit;
                EXPECT_LT(bits[bit], 32 * KiB + 1024) << path << " bit " << bit;
            }
            // Writes are mixed in and succeed in full, whatever the size.
            for (size_t size : {size_t(0), size_t(1), size_t(511), size_t(512), size_t(513), size_t(100'000)}) {
                std::string input(size, 'k');
                auto written = write_text(*file, input);
                ASSERT_FALSE(written.is_error());
                EXPECT_EQ(written.value(), size);
            }
            auto after = read_some(*file, 64);
            ASSERT_FALSE(after.is_error());
            EXPECT_NE(after.value(), first->substr(0, 64));
            // pread works and the offset never moves; lseek gives 0 as on the host.
            char byte;
            IoBuffer one = IoBuffer::kernel(&byte, 1);
            EXPECT_EQ(file->read_at(1 << 20, one, 1).value(), 1u);
            EXPECT_EQ(file->offset(), 0u);
            int host = ::open(path, O_RDONLY);
            ASSERT_GE(host, 0);
            for (int whence = 0; whence <= 5; ++whence)
                expect_same(seek(*file, 42, whence), host_call(::lseek(host, 42, whence)),
                            std::string(path) + " lseek whence " + std::to_string(whence));
            pollfd poll_host {host, POLLIN | POLLOUT | POLLPRI, 0};
            ASSERT_EQ(::poll(&poll_host, 1, 0), 1);
            EXPECT_EQ(file->poll_events(), static_cast<u32>(poll_host.revents)) << path << " poll";
            ::close(host);
            // RNDGETENTCNT: ENOTTY until ioctls can copy to user memory (Linux gives 256).
            EXPECT_EQ(file->ioctl(0x80045200, IoctlArgument::kernel(nullptr)).error(), Errno::enotty);
        }
    });
}

TEST(Devfs, MknodedNodesElsewhereOpenTheSameDrivers) {
    run_in_kernel([] {
        VfsContext context = root_context();
        context.umask = 0;
        ASSERT_FALSE(vfs_mkdir(context, nullptr, "/tmp/nodes", 0755).is_error());
        struct Made {
            const char* path;
            u32 major, minor;
        };
        for (Made made : {Made {"/tmp/nodes/null", 1, 3}, Made {"/tmp/nodes/zero", 1, 5}, Made {"/tmp/nodes/full", 1, 7},
                          Made {"/tmp/nodes/urandom", 1, 9}, Made {"/tmp/nodes/kmem", 1, 2},
                          Made {"/tmp/nodes/nothing", 200, 0}, Made {"/tmp/nodes/tty9", 5, 9}})
            ASSERT_FALSE(
                vfs_mknod(context, nullptr, made.path, kernel::abi::s_ifchr | 0666, kernel::abi::make_device(made.major, made.minor))
                    .is_error())
                << made.path;

        auto null = open_file("/tmp/nodes/null", kernel::abi::o_rdwr);
        ASSERT_TRUE(null);
        EXPECT_EQ(read_some(*null, 10).value(), "");
        EXPECT_EQ(write_text(*null, "gone").value(), 4u);
        auto zero = open_file("/tmp/nodes/zero", kernel::abi::o_rdonly);
        ASSERT_TRUE(zero);
        EXPECT_EQ(read_some(*zero, 5).value(), std::string(5, '\0'));
        auto full = open_file("/tmp/nodes/full", kernel::abi::o_wronly);
        ASSERT_TRUE(full);
        EXPECT_EQ(write_text(*full, "x").error(), Errno::enospc);
        auto urandom = open_file("/tmp/nodes/urandom", kernel::abi::o_rdonly);
        ASSERT_TRUE(urandom);
        EXPECT_NE(read_some(*urandom, 32).value(), read_some(*urandom, 32).value());
        // Numbers no driver serves: ENXIO, as Linux gives for a missing driver.
        EXPECT_EQ(open_error("/tmp/nodes/kmem", kernel::abi::o_rdonly), Errno::enxio);
        EXPECT_EQ(open_error("/tmp/nodes/nothing", kernel::abi::o_rdonly), Errno::enxio);
        EXPECT_EQ(open_error("/tmp/nodes/tty9", kernel::abi::o_rdonly), Errno::enxio);
        // The node's own metadata stays the node's: the mknod'ed null is 0666 in /tmp.
        auto stat = null->stat();
        EXPECT_EQ(stat.mode, kernel::abi::s_ifchr | 0666);
        EXPECT_EQ(stat.rdevice, kernel::abi::make_device(1, 3));
    });
}

TEST(Devfs, EveryMountOfDevtmpfsShowsTheSameTree) {
    run_in_kernel([] {
        VfsContext context = root_context();
        ASSERT_FALSE(vfs_mkdir(context, nullptr, "/tmp/dev2", 0755).is_error());
        ASSERT_FALSE(vfs_mount(context, "devtmpfs", "devtmpfs", nullptr, "/tmp/dev2", "").is_error());
        auto ours = vfs_stat(context, nullptr, "/tmp/dev2/null", true);
        ASSERT_FALSE(ours.is_error());
        auto original = vfs_stat(context, nullptr, "/dev/null", true);
        EXPECT_EQ(ours->inode, original->inode);
        EXPECT_EQ(ours->device, original->device);
        // A node made in one mount appears in the other, and in the kernel's instance.
        ASSERT_FALSE(
            vfs_mknod(context, nullptr, "/tmp/dev2/extra", kernel::abi::s_ifchr | 0600, kernel::abi::make_device(1, 5)).is_error());
        EXPECT_FALSE(vfs_stat(context, nullptr, "/dev/extra", true).is_error());
        EXPECT_FALSE(vfs_stat(context, nullptr, "/tmp/dev2/extra", true).is_error());
        EXPECT_EQ(devtmpfs_create_node("extra", kernel::abi::s_ifchr | 0600, 1, 5).error(), Errno::eexist);
        EXPECT_EQ(devtmpfs_create_node("fifo", kernel::abi::s_ififo | 0600, 0, 0).error(), Errno::einval);
        // Removed through one mount, gone through both (the mounts share one dentry tree).
        ASSERT_FALSE(vfs_unlink(context, nullptr, "/dev/extra").is_error());
        EXPECT_EQ(vfs_stat(context, nullptr, "/tmp/dev2/extra", true).error(), Errno::enoent);
        ASSERT_FALSE(devtmpfs_create_node("late", kernel::abi::s_ifchr | 0600, 1, 3).is_error());
        EXPECT_TRUE(open_file("/tmp/dev2/late", kernel::abi::o_wronly));
        ASSERT_FALSE(vfs_unlink(context, nullptr, "/tmp/dev2/late").is_error());
        EXPECT_EQ(vfs_stat(context, nullptr, "/dev/late", true).error(), Errno::enoent);
        // Unmounting one mount keeps the tree, and the other mount's names and the mounts
        // below them (a tmpfs on /dev/shm) stay as they were.
        ASSERT_FALSE(vfs_mkdir(context, nullptr, "/dev/shm", 01777).is_error());
        ASSERT_FALSE(vfs_mount(context, "tmpfs", "tmpfs", nullptr, "/dev/shm", "").is_error());
        EXPECT_TRUE(open_file("/dev/shm/file", kernel::abi::o_wronly | kernel::abi::o_creat));
        auto zero_before = open_file("/dev/zero", kernel::abi::o_rdonly);
        ASSERT_FALSE(vfs_umount(context, nullptr, "/tmp/dev2").is_error());
        EXPECT_FALSE(vfs_stat(context, nullptr, "/dev/null", true).is_error());
        EXPECT_FALSE(vfs_stat(context, nullptr, "/dev/shm/file", true).is_error());
        EXPECT_NE(split_lines(read_file("/proc/mounts")).back().find("tmpfs /dev/shm tmpfs"), std::string::npos);
        EXPECT_FALSE(zero_before->path().dentry->is_detached());
        EXPECT_TRUE(open_file("/dev/zero", kernel::abi::o_rdonly));
        // Mounted again: still the same nodes, the removed one gone.
        ASSERT_FALSE(vfs_mount(context, "devtmpfs", "udev", nullptr, "/tmp/dev2", "mode=0700").is_error());
        EXPECT_FALSE(vfs_stat(context, nullptr, "/tmp/dev2/kmsg", true).is_error());
        EXPECT_EQ(vfs_stat(context, nullptr, "/tmp/dev2/extra", true).error(), Errno::enoent);
    });
}

// ---- /dev/kmsg ----

struct KmsgRecord {
    unsigned prefix = 0;
    u64 sequence = 0;
    u64 timestamp_us = 0;
    std::string text;
};

// "<prefix>,<sequence>,<timestamp>,-;<text>\n". Parsed by hand: std::regex recurses per
// character and a 1 KiB record would overflow the test body's 64 KiB kernel stack.
bool parse_record(const std::string& line, KmsgRecord& record) {
    size_t position = 0;
    auto number = [&](u64& value) {
        size_t start = position;
        value = 0;
        while (position < line.size() && line[position] >= '0' && line[position] <= '9')
            value = value * 10 + (line[position++] - '0');
        return position > start;
    };
    auto expect = [&](char c) { return position < line.size() && line[position++] == c; };
    u64 prefix;
    if (!number(prefix) || !expect(',') || !number(record.sequence) || !expect(',') || !number(record.timestamp_us) ||
        !expect(',') || !expect('-') || !expect(';'))
        return false;
    record.prefix = static_cast<unsigned>(prefix);
    if (line.empty() || line.back() != '\n') return false;
    record.text = line.substr(position, line.size() - 1 - position);
    return record.text.find('\n') == std::string::npos;
}

// Reads records until one whose text contains `needle` (a test failure at the end).
KmsgRecord read_until(OpenFile& kmsg, const std::string& needle) {
    for (;;) {
        auto line = read_some(kmsg, 8192);
        if (line.is_error()) {
            ADD_FAILURE() << "no record with '" << needle << "': " << errno_name(line.error());
            return {};
        }
        KmsgRecord record;
        EXPECT_TRUE(parse_record(line.value(), record)) << line.value();
        if (record.text.find(needle) != std::string::npos) return record;
    }
}

TEST(Kmsg, EachReadReturnsOneRecordInLinuxFormat) {
    run_in_kernel([] {
        auto kmsg = open_file("/dev/kmsg", kernel::abi::o_rdonly | kernel::abi::o_nonblock);
        ASSERT_TRUE(kmsg);
        // A new reader starts at the oldest record: the boot log, numbered from 0.
        auto first = read_some(*kmsg, 8192);
        ASSERT_FALSE(first.is_error());
        KmsgRecord record;
        ASSERT_TRUE(parse_record(first.value(), record)) << first.value();
        EXPECT_EQ(record.sequence, 0u);
        EXPECT_EQ(record.prefix, 6u);  // info, kernel facility
        EXPECT_EQ(record.text.rfind("Newt ", 0), 0u) << record.text;
        // Every record after it, numbered consecutively, timestamps not decreasing.
        u64 sequence = record.sequence, timestamp = record.timestamp_us;
        for (;;) {
            auto line = read_some(*kmsg, 8192);
            if (line.is_error()) {
                EXPECT_EQ(line.error(), Errno::eagain);
                break;
            }
            ASSERT_TRUE(parse_record(line.value(), record)) << line.value();
            EXPECT_EQ(record.sequence, ++sequence);
            EXPECT_GE(record.timestamp_us, timestamp);
            timestamp = record.timestamp_us;
        }
        EXPECT_EQ(sequence + 1, kernel_log_next_sequence());

        u64 before_us = hal::monotonic_ns() / 1000;
        klog(LogLevel::warning, "kmsg-test: warning %d", 42);
        klog(LogLevel::debug, "kmsg-test: debug");
        klog(LogLevel::emergency, "kmsg-test: emergency");
        auto line = read_some(*kmsg, 8192);
        ASSERT_FALSE(line.is_error());
        ASSERT_TRUE(parse_record(line.value(), record)) << line.value();
        EXPECT_EQ(record.prefix, 4u);
        EXPECT_EQ(record.sequence, sequence + 1);
        EXPECT_EQ(record.text, "kmsg-test: warning 42");
        EXPECT_GE(record.timestamp_us, before_us);
        EXPECT_LE(record.timestamp_us, hal::monotonic_ns() / 1000);
        EXPECT_EQ(read_until(*kmsg, "kmsg-test: debug").prefix, 7u);
        EXPECT_EQ(read_until(*kmsg, "kmsg-test: emergency").prefix, 0u);
        // pread reads the next record too, the offset ignored (as on Linux).
        klog_info("kmsg-test: by pread");
        char data[200];
        IoBuffer buffer = IoBuffer::kernel(data, sizeof data);
        auto got = kmsg->read_at(12345, buffer, sizeof data);
        ASSERT_FALSE(got.is_error());
        ASSERT_TRUE(parse_record(std::string(data, got.value()), record));
        EXPECT_EQ(record.text, "kmsg-test: by pread");
    });
}

TEST(Kmsg, ControlCharactersAndBackslashesAreEscaped) {
    run_in_kernel([] {
        auto kmsg = open_file("/dev/kmsg", kernel::abi::o_rdonly | kernel::abi::o_nonblock);
        ASSERT_TRUE(kmsg);
        ASSERT_FALSE(kmsg->seek(0, kernel::abi::seek_end).is_error());
        const char text[] = "tab\there\nnew\\line \x7f\x80\xff end";
        klog_write(log_facility_kernel, LogLevel::notice, text, sizeof text - 1);
        auto line = read_some(*kmsg, 8192);
        ASSERT_FALSE(line.is_error());
        EXPECT_EQ(line.value().substr(line->find(';')), ";tab\\x09here\\x0anew\\x5cline \\x7f\\x80\\xff end\n");
        EXPECT_EQ(line.value().substr(0, 2), "5,");
    });
}

TEST(Kmsg, ABufferTooSmallIsEinvalAndKeepsTheRecord) {
    run_in_kernel([] {
        auto kmsg = open_file("/dev/kmsg", kernel::abi::o_rdonly | kernel::abi::o_nonblock);
        ASSERT_TRUE(kmsg);
        ASSERT_FALSE(kmsg->seek(0, kernel::abi::seek_end).is_error());
        klog_info("kmsg-test: twenty-something bytes");
        auto whole = read_some(*kmsg, 8192);
        ASSERT_FALSE(whole.is_error());
        ASSERT_FALSE(kmsg->seek(0, kernel::abi::seek_end).is_error());
        klog_info("kmsg-test: twenty-something bytes");
        size_t length = whole->size();
        // The same text, one record later: its number may have one more digit.
        for (size_t size : {size_t(0), size_t(1), size_t(10), length - 2})
            EXPECT_EQ(read_some(*kmsg, size).error(), Errno::einval) << size;
        auto again = read_some(*kmsg, length + 1);
        ASSERT_FALSE(again.is_error());
        KmsgRecord record;
        ASSERT_TRUE(parse_record(again.value(), record));
        EXPECT_EQ(record.text, "kmsg-test: twenty-something bytes");

        // The host's /dev/kmsg, when readable, refuses a small buffer the same way.
        int host = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
        if (host >= 0) {
            char byte;
            EXPECT_EQ(::read(host, &byte, 1), -1);
            EXPECT_EQ(errno, EINVAL);
            ::close(host);
        }
    });
}

TEST(Kmsg, NonblockingReadsGiveEagainAndPollFollowsTheLog) {
    run_in_kernel([] {
        auto kmsg = open_file("/dev/kmsg", kernel::abi::o_rdonly | kernel::abi::o_nonblock);
        ASSERT_TRUE(kmsg);
        EXPECT_EQ(kmsg->poll_events(), u32(poll_in));
        ASSERT_EQ(kmsg->seek(0, kernel::abi::seek_end).value(), 0u);
        EXPECT_EQ(kmsg->poll_events(), 0u);
        EXPECT_EQ(read_some(*kmsg, 8192).error(), Errno::eagain);
        klog_info("kmsg-test: now there is one");
        EXPECT_EQ(kmsg->poll_events(), u32(poll_in));
        EXPECT_EQ(read_until(*kmsg, "kmsg-test: now there is one").prefix, 6u);
        EXPECT_EQ(read_some(*kmsg, 8192).error(), Errno::eagain);

        auto write_only = open_file("/dev/kmsg", kernel::abi::o_wronly);
        ASSERT_TRUE(write_only);
        EXPECT_EQ(write_only->poll_events(), u32(poll_err | poll_nval));

        int host = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
        if (host >= 0) {
            ASSERT_EQ(::lseek(host, 0, SEEK_END), 0);
            pollfd poll_host {host, POLLIN | POLLOUT | POLLPRI, 0};
            // The host's kernel may log meanwhile; when it did not, nothing is ready.
            if (::poll(&poll_host, 1, 0) == 0) {
                char line[8192];
                EXPECT_EQ(::read(host, line, sizeof line), -1);
                EXPECT_EQ(errno, EAGAIN);
            }
            ::close(host);
        }
    });
}

TEST(Kmsg, BlockingReadsWaitForTheNextRecord) {
    run_in_kernel([] {
        auto kmsg = open_file("/dev/kmsg", kernel::abi::o_rdonly);
        ASSERT_TRUE(kmsg);
        ASSERT_FALSE(kmsg->seek(0, kernel::abi::seek_end).is_error());
        static std::atomic<bool> logged;
        logged = false;
        // Kernel code only in the spawned thread (no host calls: see kernel_fixture.h).
        auto writer = spawn_thread(
            [](void*) {
                sleep_ns(50'000'000);
                logged = true;
                klog_info("kmsg-test: worth the wait");
            },
            nullptr, {.name = "kmsg-writer", .pinned_cpu = 1});
        ASSERT_FALSE(writer.is_error());
        auto line = read_some(*kmsg, 8192);
        EXPECT_TRUE(logged.load());
        ASSERT_FALSE(line.is_error());
        KmsgRecord record;
        ASSERT_TRUE(parse_record(line.value(), record));
        EXPECT_EQ(record.text, "kmsg-test: worth the wait");
        writer.value()->join();
    });
}

TEST(Kmsg, SeeksGoToTheOldestOrAfterTheNewestRecord) {
    run_in_kernel([] {
        auto kmsg = open_file("/dev/kmsg", kernel::abi::o_rdonly | kernel::abi::o_nonblock);
        ASSERT_TRUE(kmsg);
        auto first = read_some(*kmsg, 8192);
        ASSERT_FALSE(first.is_error());
        EXPECT_FALSE(read_some(*kmsg, 8192).is_error());
        EXPECT_EQ(kmsg->seek(0, kernel::abi::seek_set).value(), 0u);
        EXPECT_EQ(read_some(*kmsg, 8192).value(), first.value());
        EXPECT_FALSE(read_some(*kmsg, 8192).is_error());
        EXPECT_EQ(kmsg->seek(0, kernel::abi::seek_data).value(), 0u);  // no syslog clear yet: the oldest
        EXPECT_EQ(read_some(*kmsg, 8192).value(), first.value());
        EXPECT_EQ(kmsg->seek(0, kernel::abi::seek_end).value(), 0u);
        EXPECT_EQ(read_some(*kmsg, 8192).error(), Errno::eagain);
        // What the host's kmsg gives for the other seeks (checked below when readable).
        EXPECT_EQ(kmsg->seek(0, kernel::abi::seek_cur).error(), Errno::einval);
        EXPECT_EQ(kmsg->seek(5, kernel::abi::seek_set).error(), Errno::espipe);
        EXPECT_EQ(kmsg->seek(-1, kernel::abi::seek_end).error(), Errno::espipe);
        EXPECT_EQ(kmsg->seek(0, kernel::abi::seek_hole).error(), Errno::einval);
        EXPECT_EQ(kmsg->seek(0, 99).error(), Errno::einval);
        int host = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
        if (host >= 0) {
            for (auto [offset, whence] : {std::pair {0, SEEK_CUR}, std::pair {5, SEEK_SET}, std::pair {-1, SEEK_END},
                                          std::pair {0, SEEK_HOLE}, std::pair {0, SEEK_SET}, std::pair {0, SEEK_END},
                                          std::pair {0, SEEK_DATA}})
                expect_same(kmsg->seek(offset, whence), host_call(::lseek(host, offset, whence)),
                            "kmsg lseek " + std::to_string(offset) + " whence " + std::to_string(whence));
            ::close(host);
        }
    });
}

TEST(Kmsg, WritesLogOneRecordWithTheGivenLevel) {
    run_in_kernel([] {
        auto kmsg = open_file("/dev/kmsg", kernel::abi::o_rdwr | kernel::abi::o_nonblock);
        ASSERT_TRUE(kmsg);
        ASSERT_FALSE(kmsg->seek(0, kernel::abi::seek_end).is_error());
        struct Case {
            std::string written;
            unsigned prefix;
            std::string text;
        };
        // Without "<N>": level 4, facility user (prefix 12). A level alone keeps the user
        // facility; N >= 8 sets the facility too. One trailing newline goes.
        const Case cases[] = {
            {"plain message", 12, "plain message"},
            {"<3>error from user space\n", 11, "error from user space"},
            {"<0>", 8, ""},
            {"<14>info\n\n", 14, "info\\x0a"},
            {"<27>daemon error", 27, "daemon error"},
            {"<abc>not a prefix", 12, "<abc>not a prefix"},
            {"<6", 12, "<6"},
        };
        for (const Case& test : cases) {
            auto written = write_text(*kmsg, test.written);
            ASSERT_FALSE(written.is_error()) << test.written;
            EXPECT_EQ(written.value(), test.written.size());
            auto line = read_some(*kmsg, 8192);
            ASSERT_FALSE(line.is_error()) << test.written;
            KmsgRecord record;
            ASSERT_TRUE(parse_record(line.value(), record)) << line.value();
            EXPECT_EQ(record.prefix, test.prefix) << test.written;
            EXPECT_EQ(record.text, test.text) << test.written;
        }
        EXPECT_EQ(write_text(*kmsg, "").value(), 0u);
        EXPECT_EQ(read_some(*kmsg, 8192).error(), Errno::eagain);  // nothing logged
        // Up to 1024 bytes per write.
        EXPECT_EQ(write_text(*kmsg, std::string(1024, 'm')).value(), 1024u);
        EXPECT_EQ(read_until(*kmsg, "mmmm").text, std::string(1024, 'm'));
        EXPECT_EQ(write_text(*kmsg, std::string(1025, 'm')).error(), Errno::einval);
        // The monitor's log shows it like any other record.
        std::string log(kernel_log_size() + 1, '\0');
        log.resize(read_kernel_log(log.data(), log.size()));
        EXPECT_NE(log.find(std::string(current_thread_name()) + ": ERROR error from user space\n"), std::string::npos)
            << log;
    });
}

TEST(Kmsg, AReaderOverrunByTheLogGetsEpipeOnce) {
    run_in_kernel([] {
        auto kmsg = open_file("/dev/kmsg", kernel::abi::o_rdonly | kernel::abi::o_nonblock);
        ASSERT_TRUE(kmsg);
        u64 oldest = kernel_log_first_sequence();
        // 100 KiB of debug records (not echoed at loglevel=4) push the boot log out.
        std::string text(100, 'd');
        for (int i = 0; i < 1024; ++i) klog_write(log_facility_kernel, LogLevel::debug, text.data(), text.size());
        EXPECT_GT(kernel_log_first_sequence(), oldest);
        EXPECT_EQ(kmsg->poll_events(), u32(poll_in | poll_err | poll_pri));
        EXPECT_EQ(read_some(*kmsg, 8192).error(), Errno::epipe);
        EXPECT_EQ(kmsg->poll_events(), u32(poll_in));
        auto line = read_some(*kmsg, 8192);
        ASSERT_FALSE(line.is_error());
        KmsgRecord record;
        ASSERT_TRUE(parse_record(line.value(), record));
        EXPECT_EQ(record.text, text);
    });
}

// ---- /dev/console ----

void type_on_the_serial_port(const char* text) {
    hal::InterruptGuard interrupts;  // the model's lock is also taken by interrupt handlers
    hosted::inject_console_input(text);
}

TEST(Console, ReadsTakeALineWritesReachTheConsole) {
    run_in_kernel([] {
        auto console = open_file("/dev/console", kernel::abi::o_rdwr);
        ASSERT_TRUE(console);
        type_on_the_serial_port("first line\rsecond\n");
        EXPECT_EQ(read_some(*console, 100).value(), "first line\n");  // CR read as NL
        EXPECT_EQ(read_some(*console, 3).value(), "sec");              // the count ends it first
        EXPECT_EQ(read_some(*console, 100).value(), "ond\n");
        type_on_the_serial_port("\x04");  // Ctrl-D at the start of a line: end of file
        EXPECT_EQ(read_some(*console, 100).value(), "");
        type_on_the_serial_port("part\x04");
        EXPECT_EQ(read_some(*console, 100).value(), "part");
        EXPECT_EQ(read_some(*console, 0).value(), "");

        EXPECT_EQ(write_text(*console, "console-test: written to /dev/console\n").value(), 38u);
        EXPECT_EQ(console->seek(0, kernel::abi::seek_set).error(), Errno::espipe);
        char byte;
        IoBuffer one = IoBuffer::kernel(&byte, 1);
        EXPECT_EQ(console->read_at(0, one, 1).error(), Errno::espipe);
        EXPECT_EQ(console->write_at(0, one, 1).error(), Errno::espipe);
        EXPECT_EQ(console->poll_events(), u32(poll_out));
    });
}

TEST(Console, NonblockingReadsTakeWhatHasArrived) {
    run_in_kernel([] {
        auto console = open_file("/dev/console", kernel::abi::o_rdonly | kernel::abi::o_nonblock);
        ASSERT_TRUE(console);
        EXPECT_EQ(read_some(*console, 100).error(), Errno::eagain);
        type_on_the_serial_port("ab");
        // The UART's interrupt delivers the characters shortly.
        for (int i = 0; i < 1000 && !(console->poll_events() & poll_in); ++i) sleep_ns(1'000'000);
        EXPECT_EQ(console->poll_events(), u32(poll_in | poll_out));
        std::string got;
        for (int i = 0; i < 1000 && got.size() < 2; ++i) {
            auto chunk = read_some(*console, 100);
            if (chunk.is_error()) sleep_ns(1'000'000);
            else got += chunk.value();
        }
        EXPECT_EQ(got, "ab");
        EXPECT_EQ(read_some(*console, 100).error(), Errno::eagain);
    });
}

TEST(Console, BlockingReadsWaitForTheLine) {
    run_in_kernel([] {
        auto console = open_file("/dev/console", kernel::abi::o_rdonly);
        ASSERT_TRUE(console);
        // A kernel thread "types" slowly; the read returns only once the line is complete.
        auto typist = spawn_thread(
            [](void*) {
                for (char c : std::string_view("slow\r")) {
                    sleep_ns(10'000'000);
                    console_receive(c);
                }
            },
            nullptr, {.name = "typist", .pinned_cpu = 1});
        ASSERT_FALSE(typist.is_error());
        EXPECT_EQ(read_some(*console, 100).value(), "slow\n");
        typist.value()->join();
    });
}

}  // namespace
