// procfs at /proc in a booted machine: the directory and its stable inode numbers, each
// file's text parsed and checked against the kernel's own counters (and its format against
// the host's /proc where the host has the same file), snapshots per open, and the errnos
// Linux gives for writing, creating, removing and renaming in /proc.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "file_helpers.h"
#include "kernel/core/scheduler.h"
#include "kernel/fs/tmpfs/tmpfs.h"
#include "kernel/hal/cpu.h"
#include "kernel/mm/frame_allocator.h"
#include "kernel_fixture.h"

using namespace kernel;
using namespace newt_test;

namespace {

const std::vector<std::string> proc_files = {"cpuinfo", "filesystems", "loadavg", "meminfo",
                                             "mounts",  "stat",        "uptime",  "version"};

std::string host_file(const char* path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// "Label: value kB" lines of meminfo as a map of kB values; every line must parse. The
// host also has counts without a unit (HugePages_Total).
std::map<std::string, u64> parse_meminfo(const std::string& text, bool units_optional = false) {
    static const std::regex line_format(R"(^([A-Za-z0-9_()]+):( +)(\d+)( kB)$)");
    static const std::regex host_line_format(R"(^([A-Za-z0-9_()]+):( +)(\d+)( kB)?$)");
    std::map<std::string, u64> fields;
    for (const std::string& line : split_lines(text)) {
        std::smatch match;
        if (!std::regex_match(line, match, units_optional ? host_line_format : line_format)) {
            ADD_FAILURE() << "meminfo line '" << line << "'";
            continue;
        }
        // The label and colon padded to 16 columns, the value right-aligned in 8.
        if (match[3].length() <= 8) { EXPECT_EQ(line.size(), 16u + 8u + (match[4].length() ? 3u : 0u)) << line; }
        fields[match[1]] = std::stoull(match[3]);
    }
    return fields;
}

TEST(Procfs, TheDirectoryListsItsFilesWithStableInodes) {
    run_in_kernel([] {
        VfsContext context = root_context();
        std::vector<std::string> names = list_directory("/proc");
        std::vector<std::string> expected = {".", ".."};
        expected.insert(expected.end(), proc_files.begin(), proc_files.end());
        expected.push_back("self");  // then one directory per process: none here
        EXPECT_EQ(names, expected);

        auto root = vfs_stat(context, nullptr, "/proc", true);
        ASSERT_FALSE(root.is_error());
        EXPECT_EQ(root->mode, kernel::abi::s_ifdir | 0555);
        EXPECT_EQ(root->inode, 1u);  // Linux's PROC_ROOT_INO
        EXPECT_EQ(root->uid, 0u);

        // getdents' inode numbers are stat's, the same on every listing and lookup.
        std::map<std::string, u64> numbers;
        auto directory = open_file("/proc", kernel::abi::o_rdonly | kernel::abi::o_directory);
        ASSERT_TRUE(directory);
        ASSERT_FALSE(directory
                         ->read_directory([&](const DirectoryEntry& entry) {
                             std::string name(entry.name.data(), entry.name.length());
                             numbers[name] = entry.inode;
                             u8 type = name[0] == '.' ? kernel::abi::dt_dir
                                       : name == "self" ? kernel::abi::dt_lnk
                                                        : kernel::abi::dt_reg;
                             EXPECT_EQ(entry.type, type) << name;
                             return true;
                         })
                         .is_error());
        std::set<u64> distinct;
        for (const std::string& name : proc_files) {
            std::string path = "/proc/" + name;
            auto stat = vfs_stat(context, nullptr, path.c_str(), true);
            ASSERT_FALSE(stat.is_error()) << path;
            EXPECT_EQ(stat->inode, numbers[name]) << path;
            EXPECT_EQ(stat->mode, kernel::abi::s_ifreg | 0444) << path;
            EXPECT_EQ(stat->size, 0u) << path;  // as on Linux: the text is made when read
            EXPECT_EQ(stat->uid, 0u) << path;
            EXPECT_EQ(stat->gid, 0u) << path;
            EXPECT_EQ(stat->link_count, 1u) << path;
            distinct.insert(stat->inode);
            auto again = vfs_stat(context, nullptr, path.c_str(), true);
            EXPECT_EQ(again->inode, stat->inode);
            // The host's /proc has the same file with the same mode.
            struct stat host;
            if (::stat(path.c_str(), &host) == 0) { EXPECT_EQ(host.st_mode & 0777, 0444u) << path; }
        }
        EXPECT_EQ(distinct.size(), proc_files.size());
        // Partial listings resume where they stopped.
        auto partial = open_file("/proc", kernel::abi::o_rdonly | kernel::abi::o_directory);
        std::vector<std::string> resumed;
        for (;;) {
            size_t before = resumed.size();
            ASSERT_FALSE(partial
                             ->read_directory([&](const DirectoryEntry& entry) {
                                 if (resumed.size() > before) return false;  // one per call
                                 resumed.emplace_back(entry.name.data(), entry.name.length());
                                 return true;
                             })
                             .is_error());
            if (resumed.size() == before) break;
        }
        EXPECT_EQ(resumed, expected);
    });
}

TEST(Procfs, MeminfoHasTheFieldsFreeReadsAndTheKernelsCounts) {
    run_in_kernel([] {
        std::map<std::string, u64> fields = parse_meminfo(read_file("/proc/meminfo"));
        // What busybox free reads, and the rest Newt prints.
        for (const char* name : {"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "SwapTotal",
                                 "SwapFree", "Shmem", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim"})
            EXPECT_TRUE(fields.count(name)) << name;
        mm::FrameStats frames = mm::frame_stats();
        EXPECT_EQ(fields["MemTotal"], frames.total_frames * 4);
        EXPECT_LE(fields["MemFree"], fields["MemTotal"]);
        EXPECT_GT(fields["MemFree"], fields["MemTotal"] / 2);
        EXPECT_LE(fields["MemAvailable"], fields["MemTotal"]);
        EXPECT_EQ(fields["SwapTotal"], 0u);
        EXPECT_GT(fields["Slab"], 0u);
        EXPECT_EQ(fields["Slab"], fields["SReclaimable"] + fields["SUnreclaim"]);
        // tmpfs file pages show as Shmem and Cached.
        auto file = open_file("/tmp/pages", kernel::abi::o_rdwr | kernel::abi::o_creat);
        ASSERT_TRUE(file);
        u64 shmem_before = fields["Shmem"];
        ASSERT_EQ(write_text(*file, std::string(64 * KiB, 'p')).value(), 64 * KiB);
        std::map<std::string, u64> after = parse_meminfo(read_file("/proc/meminfo"));
        EXPECT_EQ(after["Shmem"], shmem_before + 64);
        EXPECT_EQ(after["Cached"], after["Shmem"]);
        EXPECT_EQ(after["Shmem"], tmpfs_total_pages() * 4);
        EXPECT_LT(after["MemFree"], fields["MemFree"]);
        // The host's meminfo has the same layout.
        std::string host = host_file("/proc/meminfo");
        if (!host.empty()) {
            std::map<std::string, u64> host_fields = parse_meminfo(host, true);
            for (const auto& [name, value] : fields) EXPECT_TRUE(host_fields.count(name)) << name << " not on the host";
        }
    });
}

TEST(Procfs, UptimeGrowsAndIdleTimeCountsEveryCpu) {
    run_in_kernel([] {
        static const std::regex format(R"(^(\d+)\.(\d\d) (\d+)\.(\d\d)\n$)");
        auto parse = [](const std::string& text, double& up, double& idle) {
            std::smatch match;
            if (!std::regex_match(text, match, format)) {
                ADD_FAILURE() << "uptime '" << text << "'";
                return;
            }
            up = std::stoul(match[1]) + std::stoul(match[2]) / 100.0;
            idle = std::stoul(match[3]) + std::stoul(match[4]) / 100.0;
        };
        double up1 = 0, idle1 = 0, up2 = 0, idle2 = 0;
        parse(read_file("/proc/uptime"), up1, idle1);
        sleep_ns(60'000'000);
        parse(read_file("/proc/uptime"), up2, idle2);
        EXPECT_GE(up2, up1 + 0.05);
        EXPECT_LT(up2, up1 + 30);
        // CPU 1 idles while this thread sleeps on CPU 0: both add idle time.
        EXPECT_GT(idle2, idle1);
        EXPECT_LE(idle2, up2 * test_machine_cpus() + 0.02);
        u64 idle_ns = 0;
        for (unsigned cpu = 0; cpu < hal::cpu_count(); ++cpu) idle_ns += cpu_stats(cpu).idle_ns;
        EXPECT_GE(idle_ns / 1e9 + 0.011, idle2);
        std::string host = host_file("/proc/uptime");
        if (!host.empty()) { EXPECT_TRUE(std::regex_match(host, format)) << host; }
    });
}

TEST(Procfs, CpuinfoHasOneBlockPerCpuInTheHostsLayout) {
    run_in_kernel([] {
        std::string text = read_file("/proc/cpuinfo");
        hal::CpuDescription cpu;
        hal::describe_cpu(cpu);
        std::vector<std::string> blocks;
        for (size_t start = 0; start < text.size();) {
            size_t end = text.find("\n\n", start);
            ASSERT_NE(end, std::string::npos) << "a block without its blank line:\n" << text;
            blocks.push_back(text.substr(start, end + 1 - start));
            start = end + 2;
        }
        ASSERT_EQ(blocks.size(), hal::cpu_count());
        const std::vector<std::string> labels = {"processor\t: ", "vendor_id\t: ", "cpu family\t: ", "model\t\t: ",
                                                 "model name\t: ", "stepping\t: ", "cpu MHz\t\t: "};
        for (size_t index = 0; index < blocks.size(); ++index) {
            std::vector<std::string> lines = split_lines(blocks[index]);
            ASSERT_EQ(lines.size(), labels.size()) << blocks[index];
            for (size_t i = 0; i < labels.size(); ++i) EXPECT_EQ(lines[i].rfind(labels[i], 0), 0u) << lines[i];
            EXPECT_EQ(lines[0], "processor\t: " + std::to_string(index));
            EXPECT_EQ(lines[1], std::string("vendor_id\t: ") + cpu.vendor);
            EXPECT_EQ(lines[2], "cpu family\t: " + std::to_string(cpu.family));
            EXPECT_EQ(lines[4], std::string("model name\t: ") + cpu.model_name);
            EXPECT_TRUE(std::regex_match(lines[6], std::regex(R"(cpu MHz\t\t: \d+\.\d{3})"))) << lines[6];
        }
        // The host (hosted Newt runs on an x86-64 Linux) labels the same fields the same way.
        std::string host = host_file("/proc/cpuinfo");
        if (host.find("vendor_id") != std::string::npos) {
            for (const std::string& label : labels) EXPECT_NE(host.find("\n" + label), std::string::npos) << label;
            EXPECT_EQ(host.rfind("processor\t: 0\n", 0), 0u);
            // The same processor as Newt saw through CPUID.
            EXPECT_NE(host.find(std::string("vendor_id\t: ") + cpu.vendor + "\n"), std::string::npos);
        }
    });
}

TEST(Procfs, MountsListsEveryMountWithItsType) {
    run_in_kernel([] {
        std::vector<std::string> lines = split_lines(read_file("/proc/mounts"));
        ASSERT_GE(lines.size(), 3u);
        EXPECT_EQ(lines[0], "rootfs / tmpfs rw 0 0");
        EXPECT_EQ(lines[1], "devtmpfs /dev devtmpfs rw 0 0");
        EXPECT_EQ(lines[2], "proc /proc proc rw 0 0");
        // Names with spaces, tabs and backslashes are escaped as Linux does; unmounted ones go.
        VfsContext context = root_context();
        ASSERT_FALSE(vfs_mkdir(context, nullptr, "/tmp/with space\tand\\", 0755).is_error());
        ASSERT_FALSE(vfs_mount(context, "tmpfs", "my source", nullptr, "/tmp/with space\tand\\", "size=1m").is_error());
        lines = split_lines(read_file("/proc/mounts"));
        ASSERT_EQ(lines.size(), 4u);
        EXPECT_EQ(lines[3], "my\\040source /tmp/with\\040space\\011and\\134 tmpfs rw 0 0");
        ASSERT_FALSE(vfs_umount(context, nullptr, "/tmp/with space\tand\\").is_error());
        EXPECT_EQ(split_lines(read_file("/proc/mounts")).size(), 3u);
        // The host's lines have the same six fields.
        std::string host = host_file("/proc/mounts");
        for (const std::string& line : split_lines(host))
            EXPECT_TRUE(std::regex_match(line, std::regex(R"(\S+ \S+ \S+ \S+ \d+ \d+)"))) << line;
    });
}

TEST(Procfs, LoadavgFollowsLinuxFormat) {
    run_in_kernel([] {
        static const std::regex format(R"(^(\d+)\.(\d\d) (\d+)\.(\d\d) (\d+)\.(\d\d) (\d+)/(\d+) (\d+)\n$)");
        std::string text = read_file("/proc/loadavg");
        std::smatch match;
        ASSERT_TRUE(std::regex_match(text, match, format)) << text;
        unsigned running = std::stoul(match[7]), total = std::stoul(match[8]), last = std::stoul(match[9]);
        EXPECT_GE(running, 1u);  // this thread
        EXPECT_LE(running, total);
        EXPECT_GE(total, 3u);  // at least the boot thread, the reaper and this test body
        EXPECT_EQ(total, kernel_thread_count());
        EXPECT_EQ(last, newest_thread_id());
        // A new thread takes the next id and counts while it lives.
        static std::atomic<bool> release;
        release = false;
        auto thread = spawn_thread(
            [](void*) {
                while (!release.load()) sleep_ns(1'000'000);
            },
            nullptr, {.name = "waiting"});
        ASSERT_FALSE(thread.is_error());
        ASSERT_TRUE(std::regex_match(text = read_file("/proc/loadavg"), match, format)) << text;
        EXPECT_EQ(std::stoul(match[8]), total + 1);
        EXPECT_EQ(std::stoul(match[9]), last + 1);
        release = true;
        thread.value()->join();
        std::string host = host_file("/proc/loadavg");
        if (!host.empty()) { EXPECT_TRUE(std::regex_match(host, format)) << host; }
    });
}

TEST(Procfs, VersionFilesystemsAndStat) {
    run_in_kernel([] {
        std::string version = read_file("/proc/version");
        EXPECT_TRUE(std::regex_match(version, std::regex(R"(Newt version 0\.1\.0 \((gcc|clang) version \d+\.\d+\.\d+\) #1 SMP \w{3} [ \d]\d \d{4} \d\d:\d\d:\d\d\n)")))
            << version;

        std::string filesystems = read_file("/proc/filesystems");
        for (const char* line : {"nodev\ttmpfs\n", "nodev\tdevtmpfs\n", "nodev\tproc\n"})
            EXPECT_NE(filesystems.find(line), std::string::npos) << line;
        static const std::regex filesystem_line(R"((nodev)?\t\w+)");
        for (const std::string& line : split_lines(filesystems)) EXPECT_TRUE(std::regex_match(line, filesystem_line)) << line;
        for (const std::string& line : split_lines(host_file("/proc/filesystems")))
            EXPECT_TRUE(std::regex_match(line, filesystem_line)) << "host: " << line;

        std::vector<std::string> stat = split_lines(read_file("/proc/stat"));
        ASSERT_GE(stat.size(), 1 + hal::cpu_count() + 6);
        static const std::regex cpu_line(R"(cpu\d*  ?\d+( \d+){9})");
        EXPECT_EQ(stat[0].rfind("cpu  ", 0), 0u);
        for (unsigned cpu = 0; cpu <= hal::cpu_count(); ++cpu) EXPECT_TRUE(std::regex_match(stat[cpu], cpu_line)) << stat[cpu];
        EXPECT_EQ(stat[1].rfind("cpu0 ", 0), 0u);
        for (const char* key : {"intr ", "ctxt ", "btime ", "processes ", "procs_running ", "procs_blocked "}) {
            bool found = false;
            for (const std::string& line : stat) found |= line.rfind(key, 0) == 0;
            EXPECT_TRUE(found) << key;
        }
        std::string host = host_file("/proc/stat");
        if (!host.empty()) { EXPECT_TRUE(std::regex_match(split_lines(host)[0], cpu_line)) << host; }
    });
}

TEST(Procfs, EachOpenIsASnapshot) {
    run_in_kernel([] {
        auto first = open_file("/proc/uptime", kernel::abi::o_rdonly);
        ASSERT_TRUE(first);
        auto head = read_some(*first, 3);
        sleep_ns(30'000'000);
        std::string rest = read_all(*first);
        auto second = open_file("/proc/uptime", kernel::abi::o_rdonly);
        std::string later = read_all(*second);
        EXPECT_NE(head.value() + rest, later);
        // Reading the first open again gives the same text: it owns its snapshot.
        char data[64];
        IoBuffer buffer = IoBuffer::kernel(data, sizeof data);
        auto again = first->read_at(0, buffer, sizeof data);
        ASSERT_FALSE(again.is_error());
        EXPECT_EQ(std::string(data, again.value()), head.value() + rest);
        // seq_file's seeks: absolute and relative only.
        EXPECT_EQ(first->seek(1, kernel::abi::seek_set).value(), 1u);
        EXPECT_EQ(first->seek(2, kernel::abi::seek_cur).value(), 3u);
        EXPECT_EQ(read_some(*first, 100).value(), rest);
        EXPECT_EQ(first->seek(0, kernel::abi::seek_end).error(), Errno::einval);
        EXPECT_EQ(first->seek(-10, kernel::abi::seek_set).error(), Errno::einval);
        EXPECT_EQ(first->seek(1000, kernel::abi::seek_set).value(), 1000u);
        EXPECT_EQ(read_some(*first, 100).value(), "");
        EXPECT_EQ(first->poll_events(), u32(poll_in | poll_out));
    });
}

TEST(Procfs, WritesCreatesAndRemovalsFailWithLinuxErrnos) {
    run_in_kernel([] {
        VfsContext context = root_context();
        // Root may open a proc file for writing (CAP_DAC_OVERRIDE); the write is EIO.
        auto file = open_file("/proc/version", kernel::abi::o_wronly);
        ASSERT_TRUE(file);
        EXPECT_EQ(write_text(*file, "x").error(), Errno::eio);
        IoBuffer none = IoBuffer::kernel("x", 1);
        EXPECT_EQ(file->write_at(0, none, 1).error(), Errno::eio);
        EXPECT_EQ(read_some(*file, 10).error(), Errno::ebadf);
        EXPECT_TRUE(open_file("/proc/version", kernel::abi::o_wronly | kernel::abi::o_trunc));  // succeeds, changes nothing
        EXPECT_NE(read_file("/proc/version"), "");
        auto read_only = open_file("/proc/version", kernel::abi::o_rdonly);
        EXPECT_EQ(write_text(*read_only, "x").error(), Errno::ebadf);
        // New names: Linux's proc lookup fails first, so every kind of creation is ENOENT.
        EXPECT_EQ(open_error("/proc/new", kernel::abi::o_wronly | kernel::abi::o_creat), Errno::enoent);
        EXPECT_EQ(vfs_mkdir(context, nullptr, "/proc/newdir", 0755).error(), Errno::enoent);
        EXPECT_EQ(vfs_mknod(context, nullptr, "/proc/fifo", kernel::abi::s_ififo | 0600, 0).error(), Errno::enoent);
        EXPECT_EQ(vfs_symlink(context, "version", nullptr, "/proc/link").error(), Errno::enoent);
        EXPECT_EQ(vfs_link(context, nullptr, "/proc/version", nullptr, "/proc/hard", false).error(), Errno::enoent);
        EXPECT_EQ(vfs_rename(context, nullptr, "/proc/version", nullptr, "/proc/v2", 0).error(), Errno::enoent);
        // Existing names: no unlink, rmdir or rename methods, EPERM.
        EXPECT_EQ(vfs_unlink(context, nullptr, "/proc/version").error(), Errno::eperm);
        EXPECT_EQ(vfs_rename(context, nullptr, "/proc/version", nullptr, "/proc/uptime", 0).error(), Errno::eperm);
        EXPECT_EQ(vfs_rmdir(context, nullptr, "/proc/version").error(), Errno::enotdir);
        // O_CREAT of an existing file simply opens it.
        EXPECT_TRUE(open_file("/proc/version", kernel::abi::o_rdonly | kernel::abi::o_creat));

        // The host's /proc as root answers the same (only comparable when we are root).
        if (::geteuid() == 0) {
            auto host_error = [](int result) { return result < 0 ? static_cast<Errno>(errno) : Errno {}; };
            int fd = ::open("/proc/version", O_WRONLY);
            ASSERT_GE(fd, 0);
            EXPECT_EQ(host_error(::write(fd, "x", 1)), Errno::eio);
            ::close(fd);
            EXPECT_EQ(host_error(::open("/proc/new", O_WRONLY | O_CREAT, 0644)), Errno::enoent);
            EXPECT_EQ(host_error(::mkdir("/proc/newdir", 0755)), Errno::enoent);
            EXPECT_EQ(host_error(::mknod("/proc/fifo", S_IFIFO | 0600, 0)), Errno::enoent);
            EXPECT_EQ(host_error(::symlink("version", "/proc/link")), Errno::enoent);
            EXPECT_EQ(host_error(::link("/proc/version", "/proc/hard")), Errno::enoent);
            EXPECT_EQ(host_error(::rename("/proc/version", "/proc/v2")), Errno::enoent);
            EXPECT_EQ(host_error(::unlink("/proc/version")), Errno::eperm);
            EXPECT_EQ(host_error(::rename("/proc/version", "/proc/uptime")), Errno::eperm);
            EXPECT_EQ(host_error(::rmdir("/proc/version")), Errno::enotdir);
        }

        // An unprivileged caller fails the VFS's permission checks first: EACCES (Linux gives
        // ENOENT for new names, whose lookup comes first there).
        VfsContext user = user_context();
        EXPECT_EQ(open_error("/proc/version", kernel::abi::o_wronly, user), Errno::eacces);
        EXPECT_EQ(open_error("/proc/new", kernel::abi::o_wronly | kernel::abi::o_creat, user), Errno::eacces);
        EXPECT_EQ(vfs_mkdir(user, nullptr, "/proc/newdir", 0755).error(), Errno::eacces);
        EXPECT_EQ(vfs_unlink(user, nullptr, "/proc/version").error(), Errno::eacces);
        EXPECT_TRUE(open_file("/proc/meminfo", kernel::abi::o_rdonly, user));
    });
}

TEST(Procfs, ProcCanBeMountedAgainAndUnmounted) {
    run_in_kernel([] {
        VfsContext context = root_context();
        ASSERT_FALSE(vfs_mkdir(context, nullptr, "/tmp/proc2", 0755).is_error());
        ASSERT_FALSE(vfs_mount(context, "proc", "none", nullptr, "/tmp/proc2", "").is_error());
        EXPECT_EQ(split_lines(read_file("/tmp/proc2/version")), split_lines(read_file("/proc/version")));
        EXPECT_NE(read_file("/proc/mounts").find("none /tmp/proc2 proc rw 0 0\n"), std::string::npos);
        {
            auto open = open_file("/tmp/proc2/meminfo", kernel::abi::o_rdonly);
            ASSERT_TRUE(open);
            EXPECT_EQ(vfs_umount(context, nullptr, "/tmp/proc2").error(), Errno::ebusy);
        }
        ASSERT_FALSE(vfs_umount(context, nullptr, "/tmp/proc2").is_error());
        EXPECT_EQ(read_file("/proc/mounts").find("/tmp/proc2"), std::string::npos);
        EXPECT_FALSE(vfs_stat(context, nullptr, "/proc/meminfo", true).is_error());
        EXPECT_EQ(vfs_mount(context, "no-such-type", "x", nullptr, "/tmp/proc2", "").error(), Errno::enodev);
    });
}

}  // namespace
