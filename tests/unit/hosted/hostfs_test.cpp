// hostfs: a host directory mounted in Newt. What the host has, Newt sees; what Newt does,
// the host sees (checked with host calls on the mounted directory, and against the same
// operations done by the host itself in another directory: differential.h); guest paths
// stay inside the mounted directory; mapped pages hold the file's bytes and shared-mapping
// stores reach the host; unmounting gives every page and inode back.
//
// (The VFS rules on hostfs are checked by vfs_tests.on_hostfs: every VFS test but those
// about tmpfs itself, run with the scratch directories on hostfs.)
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "hosted/hostfs/host_mounts.h"
#include "hosted/hostfs/hostfs.h"
#include "kernel/core/scheduler.h"
#include "kernel/hal/physmem.h"
#include "kernel/hal/timer.h"
#include "kernel/mm/page.h"
#include "tests/unit/fs/differential.h"

namespace {

using namespace vfs_test;
using newt_test::run_in_kernel;

// A fresh host directory in /dev/shm, deleted with everything in it at the end.
struct HostDirectory {
    std::string path;
    HostDirectory() {
        char pattern[] = "/dev/shm/newt-hostfs-test-XXXXXX";
        const char* made = mkdtemp(pattern);
        EXPECT_NE(made, nullptr) << strerror(errno);
        path = made ? made : "/nonexistent";
        ::chmod(path.c_str(), 0755);
    }
    ~HostDirectory() { remove_host_tree(path); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

void host_write(const std::string& path, const std::string& content) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << content;
    EXPECT_TRUE(file.good()) << path;
}

std::string host_read(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

struct stat host_lstat(const std::string& path) {
    struct stat status {};
    EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path << ": " << strerror(errno);
    return status;
}

// Every entry below `root`, sorted, one line each: path, type, permissions, link count,
// owner, and the size and content of files or the target of symlinks. Directory sizes are
// left out (they depend on the order of creations and removals on some file systems).
std::string describe_host_tree(const std::string& root) {
    namespace fs = std::filesystem;
    std::vector<std::string> lines;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        std::string relative = fs::relative(entry.path(), root).string();
        struct stat status = host_lstat(entry.path().string());
        std::ostringstream line;
        line << relative << " " << std::oct << status.st_mode << std::dec << " nlink=" << status.st_nlink
             << " owner=" << status.st_uid << ":" << status.st_gid;
        if (S_ISREG(status.st_mode)) line << " size=" << status.st_size << " \"" << host_read(entry.path()) << "\"";
        if (S_ISLNK(status.st_mode)) line << " -> " << fs::read_symlink(entry.path()).string();
        lines.push_back(line.str());
    }
    std::sort(lines.begin(), lines.end());
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return text;
}

// A host directory mounted with hostfs on a scratch directory's "m".
struct HostfsMount {
    Scratch scratch;
    HostDirectory host;
    explicit HostfsMount(const char* label) : scratch(label, ScratchKind::tmpfs) {
        make_directory(scratch.context, "m");
        EXPECT_OK(vfs_mount(scratch.context, "hostfs", view(host.path), nullptr, "m", ""));
    }
    ~HostfsMount() {
        if (vfs_umount(scratch.context, nullptr, "m").is_error()) ADD_FAILURE() << "hostfs stayed busy";
    }
    const VfsContext& context() const { return scratch.context; }
};

hosted::hostfs::HostfsInode& hostfs_inode(const VfsContext& context, const std::string& path) {
    Path found = path_of(context, path, 0);
    EXPECT_EQ(StringView(found.inode().file_system().type_name()), StringView("hostfs")) << path;
    return static_cast<hosted::hostfs::HostfsInode&>(found.inode());
}

std::string page_text(PhysAddr frame, usize length = hal::page_size) {
    return std::string(static_cast<const char*>(hal::phys_to_virt(frame)), length);
}

// The page of the file a mapping would get, copied out, with the mapping's reference dropped.
Result<std::string> mapped_page(OpenFile& file, u64 index) {
    MappingSource source = TRY(file.mmap_source());
    EXPECT_TRUE(source.kind == MappingSource::Kind::pages);
    PhysAddr frame = TRY(source.inode->page_for_mapping(index));
    std::string content = page_text(frame);
    mm::put_page(frame);
    return content;
}

std::string pattern(usize length, char seed) {
    std::string text(length, '\0');
    for (usize i = 0; i < length; ++i) text[i] = char(seed + i % 23);
    return text;
}

TEST(Hostfs, NewtSeesTheHostsFilesAsTheHostHasThem) {
    run_in_kernel([] {
        HostDirectory host;
        host_write(host / "file", "hello from the host\n");
        ASSERT_EQ(::mkdir((host / "directory").c_str(), 0750), 0);
        host_write(host / "directory/inner", "inner");
        ASSERT_EQ(::symlink("directory/inner", (host / "link").c_str()), 0);
        ASSERT_EQ(::mkfifo((host / "fifo").c_str(), 0640), 0);
        ASSERT_EQ(::chown((host / "file").c_str(), 1234, 5678), 0);
        Scratch scratch("hostfs-sees", ScratchKind::tmpfs);
        make_directory(scratch.context, "m");
        ASSERT_OK(vfs_mount(scratch.context, "hostfs", view(host.path), nullptr, "m", ""));

        EXPECT_EQ(sorted_names(scratch.context, "m"),
                  (std::vector<std::string> {"directory", "fifo", "file", "link"}));
        EXPECT_EQ(file_content(scratch.context, "m/file"), "hello from the host\n");
        EXPECT_EQ(file_content(scratch.context, "m/link"), "inner");  // followed by the VFS
        EXPECT_EQ(read_link(scratch.context, "m/link"), "directory/inner");
        for (const char* name : {"", "file", "directory", "directory/inner", "link", "fifo"}) {
            struct stat expected = host_lstat(host / name);
            FileStat seen = stat_of(scratch.context, std::string("m/") + name, false);
            EXPECT_EQ(seen.mode, expected.st_mode) << name;
            EXPECT_EQ(seen.link_count, expected.st_nlink) << name;
            EXPECT_EQ(seen.uid, expected.st_uid) << name;
            EXPECT_EQ(seen.gid, expected.st_gid) << name;
            EXPECT_EQ(seen.size, u64(expected.st_size)) << name;
            EXPECT_EQ(seen.inode, expected.st_ino) << name;
            EXPECT_EQ(seen.modify_time.seconds, expected.st_mtim.tv_sec) << name;
            EXPECT_EQ(seen.modify_time.nanoseconds, expected.st_mtim.tv_nsec) << name;
            EXPECT_EQ(seen.change_time.nanoseconds, expected.st_ctim.tv_nsec) << name;
            // Newt's own device number for the mount, as for any file system it mounts.
            EXPECT_EQ(abi::device_major(seen.device), 0u) << name;
        }
        // Changes the host makes later show in the next stat and read.
        host_write(host / "file", "rewritten by the host, longer than before\n");
        ASSERT_EQ(::chmod((host / "file").c_str(), 0600), 0);
        FileStat changed = stat_of(scratch.context, "m/file");
        EXPECT_EQ(changed.mode & 07777, 0600u);
        EXPECT_EQ(changed.size, 42u);
        EXPECT_EQ(file_content(scratch.context, "m/file"), "rewritten by the host, longer than before\n");
        host_write(host / "directory/new", "new");
        EXPECT_EQ(file_content(scratch.context, "m/directory/new"), "new");
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
    });
}

TEST(Hostfs, TheHostSeesWhatNewtDoesAsIfTheHostHadDoneIt) {
    run_in_kernel([] {
        Differential fs("hostfs-differential", ScratchKind::hostfs);
        EXPECT_EQ(fs.mkdir("d", 0750), "OK");
        EXPECT_EQ(fs.mkdir("d/sub"), "OK");
        int handle;
        EXPECT_EQ(fs.open("d/file", abi::o_rdwr | abi::o_creat | abi::o_excl, 0640, &handle), "OK");
        EXPECT_EQ(fs.write(handle, "some data for the host"), "OK");
        EXPECT_EQ(fs.pwrite(handle, 10000, "after a hole"), "OK");
        EXPECT_EQ(fs.ftruncate(handle, 9000), "OK");
        EXPECT_EQ(fs.close(handle), "OK");
        int appender;
        EXPECT_EQ(fs.open("d/log", abi::o_wronly | abi::o_creat | abi::o_append, 0600, &appender), "OK");
        EXPECT_EQ(fs.write(appender, "first line\n"), "OK");
        EXPECT_EQ(fs.pwrite(appender, 0, "second line\n"), "OK");  // O_APPEND wins, as on Linux
        EXPECT_EQ(fs.fstat(appender), "OK");
        EXPECT_EQ(fs.symlink("file", "d/symlink"), "OK");
        EXPECT_EQ(fs.readlink("d/symlink"), "OK");
        EXPECT_EQ(fs.link("d/file", "d/hardlink"), "OK");
        EXPECT_EQ(fs.link("d/symlink", "d/symlink-link"), "OK");  // links the symlink itself
        EXPECT_EQ(fs.mknod("d/fifo", abi::s_ififo | 0620), "OK");
        EXPECT_EQ(fs.mknod("d/socket", abi::s_ifsock | 0600), "OK");
        EXPECT_EQ(fs.rename("d/sub", "d/moved"), "OK");
        EXPECT_EQ(fs.rename("d/hardlink", "d/moved/hardlink"), "OK");
        EXPECT_EQ(fs.mkdir("d/gone"), "OK");
        EXPECT_EQ(fs.rmdir("d/gone"), "OK");
        EXPECT_EQ(fs.mkdir("d/moved/full"), "OK");
        EXPECT_EQ(fs.rmdir("d/moved"), "ENOTEMPTY");
        EXPECT_EQ(fs.open("d/doomed", abi::o_wronly | abi::o_creat, 0644), "OK");
        EXPECT_EQ(fs.unlink("d/doomed"), "OK");
        EXPECT_EQ(fs.rename("d/fifo", "d/moved/full"), "EISDIR");
        EXPECT_EQ(fs.chmod("d/file", 04755), "OK");
        EXPECT_EQ(fs.chown("d/file", 1000, 1000), "OK");  // and the set-user-ID bit goes
        EXPECT_EQ(fs.chown("d/symlink", 1001, 1001, false), "OK");
        EXPECT_EQ(fs.truncate("d/moved/hardlink", 3), "OK");
        EXPECT_EQ(fs.utimens("d/file", utime_omit, 123456789), "OK");
        EXPECT_EQ(fs.utimens("d/log", utime_now, utime_now), "OK");
        EXPECT_EQ(fs.stat("d/file"), "OK");
        EXPECT_EQ(fs.readdir("d"), "OK");
        EXPECT_EQ(fs.readdir("d/moved"), "OK");
        fs.expect_same_tree();
        // What the host has in the mounted directory is what it made itself.
        EXPECT_EQ(describe_host_tree(fs.newt().host_path), describe_host_tree(fs.host_directory()));
        // Times set from Newt are the host file's times, to the nanosecond.
        struct stat file = host_lstat(fs.newt().host_path + "/d/file");
        EXPECT_EQ(file.st_mtim.tv_sec, 1'000'000'000);
        EXPECT_EQ(file.st_mtim.tv_nsec, 123456789);
    });
}

TEST(Hostfs, ListingsHaveTheHostsCookiesAndInodeNumbers) {
    run_in_kernel([] {
        HostfsMount mount("hostfs-cookies");
        for (int i = 0; i < 40; ++i) host_write(mount.host / ("f" + std::to_string(i)), "x");
        ASSERT_EQ(::mkdir((mount.host / "sub").c_str(), 0755), 0);
        // The host's own listing: name -> (d_ino, d_off).
        auto host_listing = [](const std::string& path) {
            std::vector<std::pair<std::string, std::pair<u64, u64>>> entries;
            int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            EXPECT_GE(fd, 0);
            char buffer[8192];
            for (long got; (got = syscall(SYS_getdents64, fd, buffer, sizeof buffer)) > 0;) {
                for (long at = 0; at < got;) {
                    auto* entry = reinterpret_cast<dirent64*>(buffer + at);
                    entries.push_back({entry->d_name, {entry->d_ino, u64(entry->d_off)}});
                    at += entry->d_reclen;
                }
            }
            ::close(fd);
            return entries;
        };
        for (const char* directory : {"", "sub"}) {
            auto host = host_listing(mount.host / directory);
            std::vector<ListedEntry> newt = list_directory(mount.context(), std::string("m/") + directory);
            ASSERT_EQ(newt.size(), host.size()) << directory;
            u64 self = stat_of(mount.context(), std::string("m/") + directory).inode;
            for (usize i = 0; i < host.size(); ++i) {
                EXPECT_EQ(newt[i].name, host[i].first);
                EXPECT_EQ(newt[i].next_cookie, host[i].second.second) << newt[i].name;
                // ".." of the mount's root is the root itself (its host parent is outside).
                u64 expected = newt[i].name == "." || (newt[i].name == ".." && directory[0] == '\0')
                                   ? self
                                   : host[i].second.first;
                EXPECT_EQ(newt[i].inode, expected) << directory << "/" << newt[i].name;
            }
        }
        // A listing resumed from any entry's cookie continues with the next entry.
        std::vector<ListedEntry> all = list_directory(mount.context(), "m");
        RefPtr<OpenFile> resumed = open_file(mount.context(), "m", abi::o_rdonly | abi::o_directory);
        ASSERT_TRUE(resumed);
        ASSERT_OK(resumed->seek(i64(all[20].next_cookie), abi::seek_set));
        std::vector<ListedEntry> rest = list_directory(*resumed);
        ASSERT_EQ(rest.size(), all.size() - 21);
        EXPECT_EQ(rest[0].name, all[21].name);
    });
}

TEST(Hostfs, GuestPathsNeverLeaveTheMountedDirectory) {
    run_in_kernel([] {
        HostfsMount mount("hostfs-escape");
        HostDirectory outside;  // a host directory beside the mounted one
        host_write(outside / "secret", "the host's secret");
        // Symlinks made on the host that point out of the mounted directory, absolutely or
        // with "..": the guest resolves them in its own tree.
        ASSERT_EQ(::symlink((outside / "secret").c_str(), (mount.host / "absolute").c_str()), 0);
        ASSERT_EQ(::symlink(outside.path.c_str(), (mount.host / "absolute-directory").c_str()), 0);
        std::string climb = "../../../../../../../.." + outside.path;
        ASSERT_EQ(::symlink((climb + "/secret").c_str(), (mount.host / "climbing").c_str()), 0);
        ASSERT_EQ(::symlink("..", (mount.host / "parent").c_str()), 0);
        for (const char* name : {"absolute", "climbing", "absolute-directory/secret"}) {
            EXPECT_ERRNO(vfs_open(mount.context(), nullptr, view(std::string("m/") + name), abi::o_rdonly, 0), enoent)
                << name;
        }
        EXPECT_ERRNO(vfs_mkdir(mount.context(), nullptr, "m/absolute-directory/made", 0755), enoent);
        EXPECT_ERRNO(vfs_open(mount.context(), nullptr, "m/absolute-directory/made", abi::o_wronly | abi::o_creat, 0644),
                     enoent);
        EXPECT_FALSE(std::filesystem::exists(outside / "made"));
        // The guest's tree is what those names reach: a file the guest puts where the
        // absolute target points is what it reads.
        std::string guest_target = outside.path;  // the same path, in the guest's tree
        VfsContext root = VfsContext::for_kernel();
        std::string prefix;
        for (std::string::size_type slash = 1; slash != std::string::npos;) {
            slash = guest_target.find('/', slash + 1);
            prefix = guest_target.substr(0, slash);
            auto made = vfs_mkdir(root, nullptr, view(prefix), 0755);
            EXPECT_TRUE(made.has_value() || made.error() == Errno::eexist) << prefix;
        }
        make_file(root, guest_target + "/secret", "the guest's own file");
        EXPECT_EQ(file_content(mount.context(), "m/absolute"), "the guest's own file");
        EXPECT_EQ(file_content(mount.context(), "m/climbing"), "the guest's own file");
        EXPECT_EQ(host_read(outside / "secret"), "the host's secret");
        remove_tree(root, guest_target);
        // ".." from the mounted root, by name or through a symlink, is the guest's parent.
        for (const char* name : {"m/..", "m/parent", "m/parent/m/.."}) {
            Path found = path_of(mount.context(), name);
            EXPECT_EQ(StringView(found.inode().file_system().type_name()), StringView("tmpfs")) << name;
            EXPECT_EQ(found.dentry, mount.scratch.directory.dentry) << name;
        }
        // hostfs itself refuses names that are not one component staying in the directory.
        Inode& root_inode = path_of(mount.context(), "m").inode();
        for (const char* name : {"..", ".", "", "a/b", "../x"})
            EXPECT_ERRNO(root_inode.lookup(name), einval) << name;
        EXPECT_ERRNO(root_inode.create("../escaped", abi::s_ifreg | 0644, 0, 0, 0), einval);
        EXPECT_ERRNO(root_inode.create_symlink("a/b", "x", 0, 0), einval);
        EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(mount.host.path).parent_path() / "escaped"));
    });
}

TEST(Hostfs, HardLinksAreOneInodeAsOnTheHost) {
    run_in_kernel([] {
        HostfsMount mount("hostfs-links");
        host_write(mount.host / "original", "shared");
        ASSERT_EQ(::link((mount.host / "original").c_str(), (mount.host / "host-link").c_str()), 0);
        make_file(mount.context(), "m/newt-file", "x");
        ASSERT_OK(vfs_link(mount.context(), nullptr, "m/newt-file", nullptr, "m/newt-link", false));
        for (auto [first, second] : {std::pair {"original", "host-link"}, std::pair {"newt-file", "newt-link"}}) {
            Path a = path_of(mount.context(), std::string("m/") + first);
            Path b = path_of(mount.context(), std::string("m/") + second);
            EXPECT_EQ(&a.inode(), &b.inode()) << first;
            EXPECT_EQ(a.inode().number(), host_lstat(mount.host / first).st_ino);
            EXPECT_EQ(stat_of(mount.context(), std::string("m/") + second).link_count, 2u);
            EXPECT_EQ(host_lstat(mount.host / second).st_nlink, 2u);
        }
        // Renaming one name over the other is nothing, as on Linux.
        EXPECT_OK(vfs_rename(mount.context(), nullptr, "m/original", nullptr, "m/host-link", 0));
        EXPECT_TRUE(std::filesystem::exists(mount.host / "original"));
        EXPECT_OK(vfs_unlink(mount.context(), nullptr, "m/newt-link"));
        EXPECT_EQ(stat_of(mount.context(), "m/newt-file").link_count, 1u);
    });
}

TEST(Hostfs, SpecialFilesAreNewtsOwnDevicesAndFifos) {
    run_in_kernel([] {
        HostfsMount mount("hostfs-special");
        ASSERT_OK(vfs_mknod(mount.context(), nullptr, "m/fifo", abi::s_ififo | 0666, 0));
        EXPECT_TRUE(S_ISFIFO(host_lstat(mount.host / "fifo").st_mode));
        // A FIFO on hostfs is a Newt pipe: a non-blocking reader opens at once.
        RefPtr<OpenFile> reader = open_file(mount.context(), "m/fifo", abi::o_rdonly | abi::o_nonblock);
        ASSERT_TRUE(reader);
        RefPtr<OpenFile> writer = open_file(mount.context(), "m/fifo", abi::o_wronly);
        ASSERT_TRUE(writer);
        EXPECT_OK(write_text(*writer, "through the pipe"));
        EXPECT_EQ(read_some(*reader, 100).value_or("?"), "through the pipe");
        // Devices: the host decides whether Newt may make one (CAP_MKNOD); a device node
        // opens Newt's device with those numbers (1:3 is null).
        auto made = vfs_mknod(mount.context(), nullptr, "m/null", abi::s_ifchr | 0666, abi::make_device(1, 3));
        if (geteuid() == 0) {
            ASSERT_OK(made);
            struct stat node = host_lstat(mount.host / "null");
            EXPECT_TRUE(S_ISCHR(node.st_mode));
            EXPECT_EQ(major(node.st_rdev), 1u);
            EXPECT_EQ(minor(node.st_rdev), 3u);
            RefPtr<OpenFile> null = open_file(mount.context(), "m/null", abi::o_rdwr);
            ASSERT_TRUE(null);
            EXPECT_EQ(write_text(*null, "gone").value_or(0), 4u);
            EXPECT_EQ(read_some(*null, 10).value_or("?"), "");
        } else {
            EXPECT_ERRNO(made, eperm);
        }
        ASSERT_OK(vfs_mknod(mount.context(), nullptr, "m/socket", abi::s_ifsock | 0600, 0));
        EXPECT_TRUE(S_ISSOCK(host_lstat(mount.host / "socket").st_mode));
        EXPECT_ERRNO(vfs_open(mount.context(), nullptr, "m/socket", abi::o_rdonly, 0), enxio);
    });
}

TEST(Hostfs, ThousandsOfFilesInMemoryAtOnce) {
    run_in_kernel([] {
        // Each inode in memory holds a host descriptor: more than the usual soft limit of
        // 1024 (newt raises it to the hard limit).
        HostfsMount mount("hostfs-many");
        constexpr int count = 3000;
        for (int i = 0; i < count; ++i) host_write(mount.host / ("f" + std::to_string(i)), std::to_string(i));
        EXPECT_EQ(sorted_names(mount.context(), "m").size(), usize(count));
        std::vector<std::string> names;
        for (int i = 0; i < count; ++i) names.push_back("m/f" + std::to_string(i));
        std::vector<Path> held;
        u64 start = hal::monotonic_ns();
        for (const std::string& name : names) held.push_back(path_of(mount.context(), name));
        u64 first = hal::monotonic_ns() - start;
        start = hal::monotonic_ns();
        for (const std::string& name : names) stat_of(mount.context(), name);
        u64 stats = hal::monotonic_ns() - start;
        for (int i = 0; i < count; i += 500) EXPECT_EQ(file_content(mount.context(), names[i]), std::to_string(i));
        held.clear();
        // The same stats on tmpfs, for comparison: what the VFS costs without hostfs.
        make_directory(mount.context(), "t");
        for (int i = 0; i < count; ++i) make_file(mount.context(), "t/f" + std::to_string(i));
        start = hal::monotonic_ns();
        for (int i = 0; i < count; ++i) stat_of(mount.context(), "t/f" + std::to_string(i));
        u64 tmpfs_stats = hal::monotonic_ns() - start;
        std::printf("hostfs: first lookup %.1f us, stat of a cached name %.1f us (tmpfs: %.1f us), %d files in a "
                    "directory\n",
                    double(first) / count / 1000, double(stats) / count / 1000, double(tmpfs_stats) / count / 1000,
                    count);
    });
}

TEST(Hostfs, PrintsThroughput) {
    run_in_kernel([] {
        // Figures, not assertions (docs/testing.md): data through write/read and pages
        // filled for mappings.
        HostfsMount mount("hostfs-throughput");
        constexpr usize total = 16 << 20, chunk = 64 << 10;
        std::string data = pattern(chunk, 'a');
        RefPtr<OpenFile> file = open_file(mount.context(), "m/big", abi::o_rdwr | abi::o_creat, 0644);
        ASSERT_TRUE(file);
        u64 start = hal::monotonic_ns();
        for (usize done = 0; done < total; done += chunk) ASSERT_OK(write_at(*file, done, data));
        u64 writing = hal::monotonic_ns() - start;
        start = hal::monotonic_ns();
        for (usize done = 0; done < total; done += chunk) ASSERT_EQ(read_at(*file, done, chunk).value_or(""), data);
        u64 reading = hal::monotonic_ns() - start;
        MappingSource source = file->mmap_source().value();
        start = hal::monotonic_ns();
        for (u64 page = 0; page < total / hal::page_size; ++page) mm::put_page(source.inode->page_for_mapping(page).value());
        u64 filling = hal::monotonic_ns() - start;
        start = hal::monotonic_ns();
        for (u64 page = 0; page < total / hal::page_size; ++page) mm::put_page(source.inode->page_for_mapping(page).value());
        u64 cached = hal::monotonic_ns() - start;
        auto rate = [](u64 ns) { return double(total) / (1 << 20) / (double(ns) / 1e9); };
        std::printf("hostfs: write %.0f MiB/s, read %.0f MiB/s (64 KiB calls); mapping: %.1f us per page filled "
                    "(%.0f MiB/s), %.1f us per cached page\n",
                    rate(writing), rate(reading), double(filling) / (total / hal::page_size) / 1000, rate(filling),
                    double(cached) / (total / hal::page_size) / 1000);
        EXPECT_EQ(hostfs_inode(mount.context(), "m/big").cached_pages(), total / hal::page_size);
    });
}

TEST(Hostfs, MountNeedsAnExistingHostDirectoryAndNoOptions) {
    run_in_kernel([] {
        Scratch scratch("hostfs-mount-errors", ScratchKind::tmpfs);
        HostDirectory host;
        host_write(host / "file", "x");
        make_directory(scratch.context, "m");
        EXPECT_ERRNO(vfs_mount(scratch.context, "hostfs", view(host / "missing"), nullptr, "m", ""), enoent);
        EXPECT_ERRNO(vfs_mount(scratch.context, "hostfs", view(host / "file"), nullptr, "m", ""), enotdir);
        EXPECT_ERRNO(vfs_mount(scratch.context, "hostfs", "", nullptr, "m", ""), einval);
        EXPECT_ERRNO(vfs_mount(scratch.context, "hostfs", view(host.path), nullptr, "m", "ro"), einval);
        EXPECT_ERRNO(vfs_mount(scratch.as_user(1000, 1000), "hostfs", view(host.path), nullptr, "m", ""), eperm);
        ASSERT_OK(vfs_mount(scratch.context, "hostfs", view(host.path), nullptr, "m", ""));
        bool listed = false;
        for_each_mount([&](const Mount& mount) {
            listed |= mount.source() == view(host.path) && StringView(mount.file_system().type_name()) == "hostfs";
        });
        EXPECT_TRUE(listed);
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
    });
}

TEST(Hostfs, MappedPagesHoldTheFilesBytesAndEndWithTheFile) {
    run_in_kernel([] {
        HostfsMount mount("hostfs-pages");
        std::string content = pattern(2 * hal::page_size + 100, 'a');
        host_write(mount.host / "program", content);
        RefPtr<OpenFile> file = open_file(mount.context(), "m/program", abi::o_rdwr);
        ASSERT_TRUE(file);
        EXPECT_EQ(mapped_page(*file, 0).value_or("?"), content.substr(0, hal::page_size));
        EXPECT_EQ(mapped_page(*file, 1).value_or("?"), content.substr(hal::page_size, hal::page_size));
        // The last page: the file's tail, then zeros.
        EXPECT_EQ(mapped_page(*file, 2).value_or("?"), content.substr(2 * hal::page_size) + std::string(hal::page_size - 100, '\0'));
        EXPECT_ERRNO(mapped_page(*file, 3), efault);  // past the end: the mapping's SIGBUS
        EXPECT_ERRNO(mapped_page(*file, 1u << 30), efault);
        // One page for every mapping of it, and write() changes that very page.
        MappingSource source = file->mmap_source().value();
        PhysAddr frame = source.inode->page_for_mapping(1).value();
        EXPECT_EQ(source.inode->page_for_mapping(1).value(), frame);
        mm::put_page(frame);
        EXPECT_OK(write_at(*file, hal::page_size + 10, "WRITTEN"));
        EXPECT_EQ(page_text(frame).substr(10, 7), "WRITTEN");
        EXPECT_EQ(host_read(mount.host / "program").substr(hal::page_size + 10, 7), "WRITTEN");
        EXPECT_EQ(hostfs_inode(mount.context(), "m/program").cached_pages(), 3u);
        // Truncation: pages past the new end are gone for new mappings (the frame held
        // here stays alive with its contents); the tail of the last page reads as zeros.
        EXPECT_OK(file->truncate(hal::page_size + 12));
        EXPECT_ERRNO(mapped_page(*file, 2), efault);
        EXPECT_EQ(mapped_page(*file, 1).value_or("?"), content.substr(hal::page_size, 10) + "WR" + std::string(hal::page_size - 12, '\0'));
        EXPECT_EQ(page_text(frame).substr(10, 2), "WR");
        mm::put_page(frame);
        // Directories, FIFOs and O_PATH descriptors cannot be mapped.
        RefPtr<OpenFile> directory = open_file(mount.context(), "m", abi::o_rdonly);
        EXPECT_ERRNO(directory->mmap_source(), enodev);
        RefPtr<OpenFile> path_only = open_file(mount.context(), "m/program", abi::o_path);
        EXPECT_ERRNO(path_only->mmap_source(), ebadf);
        EXPECT_ERRNO(path_of(mount.context(), "m").inode().page_for_mapping(0), enodev);
    });
}

TEST(Hostfs, MappedPagesFollowChangesTheHostMakes) {
    run_in_kernel([] {
        HostfsMount mount("hostfs-revalidate");
        host_write(mount.host / "file", pattern(hal::page_size, 'a'));
        RefPtr<OpenFile> file = open_file(mount.context(), "m/file", abi::o_rdonly);
        ASSERT_TRUE(file);
        MappingSource source = file->mmap_source().value();
        PhysAddr old_frame = source.inode->page_for_mapping(0).value();
        sleep_ns(12'000'000);  // past the host's clock tick, so the change moves mtime
        host_write(mount.host / "file", pattern(hal::page_size, 'b'));
        // A new mapping gets the new bytes; the old mapping keeps its page, as a mapping of a
        // file truncated away does.
        PhysAddr new_frame = source.inode->page_for_mapping(0).value();
        EXPECT_NE(new_frame, old_frame);
        EXPECT_EQ(page_text(new_frame), pattern(hal::page_size, 'b'));
        EXPECT_EQ(page_text(old_frame), pattern(hal::page_size, 'a'));
        mm::put_page(old_frame);
        mm::put_page(new_frame);
        // The host shrinks the file: the page is past the end now.
        ASSERT_EQ(::truncate((mount.host / "file").c_str(), 0), 0);
        EXPECT_ERRNO(source.inode->page_for_mapping(0), efault);
    });
}

TEST(Hostfs, StoresThroughSharedMappingsReachTheHost) {
    run_in_kernel([] {
        Scratch scratch("hostfs-writeback", ScratchKind::tmpfs);
        HostDirectory host;
        host_write(host / "data", pattern(3 * hal::page_size, 'a'));
        make_directory(scratch.context, "m");
        ASSERT_OK(vfs_mount(scratch.context, "hostfs", view(host.path), nullptr, "m", ""));
        std::string expected = pattern(3 * hal::page_size, 'a');
        {
            RefPtr<OpenFile> file = open_file(scratch.context, "m/data", abi::o_rdwr);
            ASSERT_TRUE(file);
            MappingSource source = file->mmap_source().value();
            PhysAddr pages[3];
            for (u64 i = 0; i < 3; ++i) pages[i] = source.inode->page_for_mapping(i).value();
            auto store = [&](u64 page, usize offset, const std::string& text) {
                kstd::memcpy(static_cast<char*>(hal::phys_to_virt(pages[page])) + offset, text.data(), text.size());
                expected.replace(page * hal::page_size + offset, text.size(), text);
            };
            // fsync writes dirty pages back (and only those).
            store(0, 5, "STORED-0");
            EXPECT_EQ(host_read(host / "data"), pattern(3 * hal::page_size, 'a'));
            EXPECT_OK(file->sync());
            EXPECT_EQ(host_read(host / "data"), expected);
            // read() and write() see stores first (as on Linux, where they share the pages).
            store(1, 100, "STORED-1");
            EXPECT_EQ(read_at(*file, hal::page_size + 100, 8).value_or("?"), "STORED-1");
            store(2, 0, "STORED-2");
            EXPECT_OK(write_at(*file, 2 * hal::page_size + 50, "written"));
            expected.replace(2 * hal::page_size + 50, 7, "written");
            EXPECT_EQ(host_read(host / "data"), expected);
            // The last stores go home when the inode is released (here: at unmount).
            store(1, 200, "AT-RELEASE");
            for (PhysAddr page : pages) mm::put_page(page);
        }
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
        EXPECT_EQ(host_read(host / "data"), expected);
    });
}

TEST(Hostfs, UnmountingGivesEveryInodeAndPageBack) {
    run_in_kernel([] {
        Scratch scratch("hostfs-memory", ScratchKind::tmpfs);
        HostDirectory host;
        host_write(host / "file", pattern(5 * hal::page_size, 'q'));
        make_directory(scratch.context, "m");
        auto round = [&] {
            ASSERT_OK(vfs_mount(scratch.context, "hostfs", view(host.path), nullptr, "m", ""));
            make_directory(scratch.context, "m/dir");
            make_file(scratch.context, "m/dir/new", "content");
            ASSERT_OK(vfs_symlink(scratch.context, "dir/new", nullptr, "m/link"));
            EXPECT_EQ(file_content(scratch.context, "m/link"), "content");
            RefPtr<OpenFile> file = open_file(scratch.context, "m/file", abi::o_rdwr);
            ASSERT_TRUE(file);
            for (u64 i = 0; i < 5; ++i) EXPECT_OK(mapped_page(*file, i));
            EXPECT_OK(write_at(*file, 10, "changed"));
            file = nullptr;
            ASSERT_OK(vfs_umount(scratch.context, nullptr, "m"));
            remove_host_tree(host / "dir");
            ::unlink((host / "link").c_str());
        };
        round();  // warms up whatever is allocated once
        MemorySnapshot before = memory_snapshot();
        for (int i = 0; i < 3; ++i) round();
        EXPECT_TRUE(memory_returns_to(before));
    });
}

// Two threads look up the two names of each of many host files (hard links made on the
// host) at the same time, so that first lookups of one file race in the inode table; then
// both create, link, stat, rename and remove files in one directory at once.
struct Race {
    const VfsContext* context;
    static constexpr int files = 200;
    Path found[2][files];
    std::atomic<int> ready {0};
    std::atomic<long> rounds {0};
    std::atomic<long> failures {0};
    std::atomic<bool> stop {false};
};

struct RaceThread {
    Race* race;
    int index;
};

// "m/<letter><number>" without host formatting (a thread spawned by a test must not call
// host code of its own).
StringView race_name(char* buffer, char letter, char tag, int number) {
    usize length = 0;
    buffer[length++] = 'm';
    buffer[length++] = '/';
    buffer[length++] = letter;
    if (tag) buffer[length++] = tag;
    char digits[8];
    usize count = 0;
    do digits[count++] = char('0' + number % 10), number /= 10;
    while (number);
    while (count) buffer[length++] = digits[--count];
    return {buffer, length};
}

void race_thread(void* argument) {
    auto [race, index] = *static_cast<RaceThread*>(argument);
    char name[16], link[16], moved[16];
    // Both start together. Yielding, not spinning: under TSan nothing preempts a busy loop,
    // and the test body on this CPU has yet to start the other thread.
    race->ready.fetch_add(1);
    while (race->ready.load() < 2) yield();
    for (int i = 0; i < Race::files; ++i) {
        auto path = resolve_path(*race->context, nullptr, race_name(name, index ? 'g' : 'h', 0, i), 0);
        if (path.is_error()) race->failures.fetch_add(1);
        else race->found[index][i] = path.value();
    }
    char tag = char('a' + index);
    for (int i = 0; !race->stop.load(); i = (i + 1) % 8) {
        StringView file_path = race_name(name, 'f', tag, i);
        StringView link_path = race_name(link, 'l', tag, i);
        StringView moved_path = race_name(moved, 'r', tag, i);
        auto opened = vfs_open(*race->context, nullptr, file_path, abi::o_wronly | abi::o_creat | abi::o_excl, 0644);
        bool good = opened.has_value() && vfs_link(*race->context, nullptr, file_path, nullptr, link_path, false).has_value();
        auto a = resolve_path(*race->context, nullptr, file_path, 0);
        auto b = resolve_path(*race->context, nullptr, link_path, 0);
        good = good && a.has_value() && b.has_value() && &a->inode() == &b->inode() && a->inode().link_count() == 2;
        good = good && vfs_rename(*race->context, nullptr, link_path, nullptr, moved_path, 0).has_value();
        good = good && vfs_unlink(*race->context, nullptr, moved_path).has_value();
        good = good && vfs_unlink(*race->context, nullptr, file_path).has_value();
        if (!good) race->failures.fetch_add(1);
        race->rounds.fetch_add(1);
    }
}

TEST(Hostfs, ConcurrentLookupsOfOneFileFindOneInode) {
    run_in_kernel([] {
        HostfsMount mount("hostfs-race");
        for (int i = 0; i < Race::files; ++i) {
            std::string name = mount.host / ("h" + std::to_string(i));
            host_write(name, "x");
            ASSERT_EQ(::link(name.c_str(), (mount.host / ("g" + std::to_string(i))).c_str()), 0);
        }
        auto race = std::make_unique<Race>();
        race->context = &mount.context();
        RaceThread arguments[2] = {{race.get(), 0}, {race.get(), 1}};
        RefPtr<Thread> threads[2];
        for (int i = 0; i < 2; ++i) {
            auto thread = spawn_thread(race_thread, &arguments[i], {.name = "hostfs-race", .pinned_cpu = i});
            ASSERT_OK(thread);
            threads[i] = thread.value();
        }
        while (race->rounds.load() < 200) sleep_ns(1'000'000);
        race->stop = true;
        for (auto& thread : threads) thread->join();
        EXPECT_EQ(race->failures.load(), 0);
        for (int i = 0; i < Race::files; ++i) {
            ASSERT_TRUE(race->found[0][i].is_valid() && race->found[1][i].is_valid()) << i;
            EXPECT_EQ(&race->found[0][i].inode(), &race->found[1][i].inode()) << "h" << i << " and g" << i;
        }
        race = nullptr;
        EXPECT_EQ(sorted_names(mount.context(), "m").size(), 2u * Race::files);
    });
}

TEST(HostMountOption, ParsesHostDirectoryColonGuestDirectory) {
    hosted::HostMount mount;
    HostDirectory host;
    EXPECT_EQ(hosted::parse_host_mount(host.path + ":/mnt/host", mount), "");
    EXPECT_EQ(mount.host_directory, host.path);
    EXPECT_EQ(mount.guest_directory, "/mnt/host");
    // The last colon splits: host paths may hold colons.
    ASSERT_EQ(::mkdir((host / "a:b").c_str(), 0755), 0);
    EXPECT_EQ(hosted::parse_host_mount(host / "a:b" + ":/x", mount), "");
    EXPECT_EQ(mount.host_directory, host / "a:b");
    EXPECT_EQ(mount.guest_directory, "/x");
    EXPECT_EQ(hosted::parse_host_mount("no-colon", mount), "expected HOSTDIR:GUESTDIR");
    EXPECT_EQ(hosted::parse_host_mount(":/x", mount), "the host directory is empty");
    EXPECT_EQ(hosted::parse_host_mount(host.path + ":relative", mount), "the guest directory must be an absolute path");
    EXPECT_EQ(hosted::parse_host_mount(host.path + ":", mount), "the guest directory must be an absolute path");
    EXPECT_EQ(hosted::parse_host_mount(host / "missing" + ":/x", mount), host / "missing" + ": No such file or directory");
    host_write(host / "file", "");
    EXPECT_EQ(hosted::parse_host_mount(host / "file" + ":/x", mount), host / "file" + ": Not a directory");
}

}  // namespace
