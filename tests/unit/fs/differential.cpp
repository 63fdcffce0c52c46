#include "differential.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>

#include "kernel/core/scheduler.h"

namespace vfs_test {
namespace {

std::string host_outcome(long result) {
    if (result >= 0) return "OK";
    const char* name = strerrorname_np(errno);
    return name ? name : "E" + std::to_string(errno);
}

const char* type_name(u32 mode) {
    switch (mode & abi::s_ifmt) {
    case abi::s_ifreg: return "file";
    case abi::s_ifdir: return "dir";
    case abi::s_iflnk: return "symlink";
    case abi::s_ifchr: return "chr";
    case abi::s_ifblk: return "blk";
    case abi::s_ififo: return "fifo";
    case abi::s_ifsock: return "sock";
    default: return "?";
    }
}

// The stat fields both systems must agree on (not inode or device numbers, not times).
std::string describe(u32 mode, u64 link_count, u64 size, u32 uid, u32 gid) {
    std::ostringstream text;
    text << type_name(mode) << " mode=0" << std::oct << (mode & 07777) << std::dec << " nlink=" << link_count;
    // A symlink's size is its target's length, which differs by the directory prefix.
    if (!abi::s_islnk(mode)) text << " size=" << size;
    text << " uid=" << uid << " gid=" << gid;
    return text.str();
}

std::string describe(const struct stat& st) {
    return describe(st.st_mode, st.st_nlink, static_cast<u64>(st.st_size), st.st_uid, st.st_gid);
}
std::string describe(const FileStat& st) { return describe(st.mode, st.link_count, st.size, st.uid, st.gid); }

// Printable, with runs of NUL bytes (holes) shown as \0*count; long texts shortened.
std::string quote(const std::string& text) {
    std::string shown;
    for (usize i = 0; i < text.size();) {
        if (text[i] == '\0') {
            usize run = i;
            while (run < text.size() && text[run] == '\0') ++run;
            shown += "\\0*" + std::to_string(run - i);
            i = run;
        } else {
            shown += (text[i] >= ' ' && text[i] < 127) ? text[i] : '?';
            ++i;
        }
    }
    if (shown.size() > 80) shown = shown.substr(0, 40) + "..." + shown.substr(shown.size() - 20);
    return "\"" + shown + "\" (" + std::to_string(text.size()) + " bytes)";
}

std::string strip_prefix(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0 ? text.substr(prefix.size()) : text;
}

i64 to_ns(const timespec& time) { return i64(time.tv_sec) * 1'000'000'000 + time.tv_nsec; }
i64 to_ns(const Timespec& time) { return time.seconds * 1'000'000'000 + time.nanoseconds; }

// Longer than a host clock tick (file times come from the coarse clock).
void pause_for_clock() { sleep_ns(12'000'000); }

}  // namespace

Differential::Differential(const char* label, ScratchKind kind) : scratch_(label, kind) {
    char pattern[] = "/dev/shm/newt-vfs-XXXXXX";
    const char* made = mkdtemp(pattern);
    EXPECT_NE(made, nullptr) << "mkdtemp: " << strerror(errno);
    host_path_ = made ? made : "/nonexistent";
    ::chmod(host_path_.c_str(), 0755);
    host_directory_fd_ = ::open(host_path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    EXPECT_GE(host_directory_fd_, 0);
    old_umask_ = ::umask(022);
}

Differential::~Differential() {
    for (int fd : host_files_)
        if (fd >= 0) ::close(fd);
    ::umask(old_umask_);
    if (host_directory_fd_ >= 0) ::close(host_directory_fd_);
    remove_host_tree(host_path_);
    if (::testing::Test::HasFailure()) std::printf("differential steps (host | Newt):\n%s", transcript_.c_str());
}

std::string Differential::host_path(const std::string& path) const {
    return !path.empty() && path[0] == '/' ? host_path_ + path : path;
}

std::string Differential::newt_path(const std::string& path) const {
    return !path.empty() && path[0] == '/' ? scratch_.path + path : path;
}

std::string Differential::step(const std::string& description, const std::string& host, const std::string& newt) {
    transcript_ += "  " + description + ": " + host + (host == newt ? "" : " | " + newt + "   <-- differs") + "\n";
    EXPECT_EQ(newt, host) << description << " (left: Newt, right: the host's Linux)";
    std::string::size_type space = host.find(' ');
    return space == std::string::npos ? host : host.substr(0, space);
}

std::string Differential::mkdir(const std::string& path, u32 mode) {
    std::string host = host_outcome(::mkdirat(host_directory_fd_, host_path(path).c_str(), mode));
    std::string newt = outcome(vfs_mkdir(scratch_.context, nullptr, view(newt_path(path)), mode));
    return step("mkdir " + quote(path), host, newt);
}

std::string Differential::mknod(const std::string& path, u32 mode) {
    std::string host = host_outcome(::mknodat(host_directory_fd_, host_path(path).c_str(), mode, 0));
    std::string newt = outcome(vfs_mknod(scratch_.context, nullptr, view(newt_path(path)), mode, 0));
    return step("mknod " + quote(path), host, newt);
}

std::string Differential::unlink(const std::string& path) {
    std::string host = host_outcome(::unlinkat(host_directory_fd_, host_path(path).c_str(), 0));
    std::string newt = outcome(vfs_unlink(scratch_.context, nullptr, view(newt_path(path))));
    return step("unlink " + quote(path), host, newt);
}

std::string Differential::rmdir(const std::string& path) {
    std::string host = host_outcome(::unlinkat(host_directory_fd_, host_path(path).c_str(), AT_REMOVEDIR));
    std::string newt = outcome(vfs_rmdir(scratch_.context, nullptr, view(newt_path(path))));
    return step("rmdir " + quote(path), host, newt);
}

std::string Differential::symlink(const std::string& target, const std::string& path) {
    std::string host = host_outcome(::symlinkat(host_path(target).c_str(), host_directory_fd_, host_path(path).c_str()));
    std::string newt = outcome(vfs_symlink(scratch_.context, view(newt_path(target)), nullptr, view(newt_path(path))));
    return step("symlink " + quote(target) + " " + quote(path), host, newt);
}

std::string Differential::readlink(const std::string& path) {
    char host_target[8192];
    long host_length = ::readlinkat(host_directory_fd_, host_path(path).c_str(), host_target, sizeof host_target);
    std::string host = host_outcome(host_length);
    if (host_length >= 0) host += " " + quote(strip_prefix(std::string(host_target, host_length), host_path_));
    char newt_target[8192];
    IoBuffer buffer = IoBuffer::kernel(newt_target, sizeof newt_target);
    auto newt_length = vfs_readlink(scratch_.context, nullptr, view(newt_path(path)), buffer, sizeof newt_target);
    std::string newt = outcome(newt_length);
    if (newt_length.has_value())
        newt += " " + quote(strip_prefix(std::string(newt_target, newt_length.value()), scratch_.path));
    return step("readlink " + quote(path), host, newt);
}

std::string Differential::link(const std::string& old_path, const std::string& new_path, bool follow) {
    std::string host = host_outcome(::linkat(host_directory_fd_, host_path(old_path).c_str(), host_directory_fd_,
                                             host_path(new_path).c_str(), follow ? AT_SYMLINK_FOLLOW : 0));
    std::string newt = outcome(
        vfs_link(scratch_.context, nullptr, view(newt_path(old_path)), nullptr, view(newt_path(new_path)), follow));
    return step(std::string("link") + (follow ? " (follow) " : " ") + quote(old_path) + " " + quote(new_path), host,
                newt);
}

std::string Differential::rename(const std::string& old_path, const std::string& new_path, unsigned flags) {
    std::string host = host_outcome(::renameat2(host_directory_fd_, host_path(old_path).c_str(), host_directory_fd_,
                                                host_path(new_path).c_str(), flags));
    std::string newt = outcome(
        vfs_rename(scratch_.context, nullptr, view(newt_path(old_path)), nullptr, view(newt_path(new_path)), flags));
    return step("rename " + quote(old_path) + " " + quote(new_path) + (flags ? " flags=" + std::to_string(flags) : ""),
                host, newt);
}

std::string Differential::stat(const std::string& path, bool follow) {
    struct stat host_stat {};
    long host_result =
        ::fstatat(host_directory_fd_, host_path(path).c_str(), &host_stat, follow ? 0 : AT_SYMLINK_NOFOLLOW);
    std::string host = host_outcome(host_result);
    if (host_result == 0) host += " " + describe(host_stat);
    auto newt_stat = vfs_stat(scratch_.context, nullptr, view(newt_path(path)), follow);
    std::string newt = outcome(newt_stat);
    if (newt_stat.has_value()) newt += " " + describe(newt_stat.value());
    return step((follow ? "stat " : "lstat ") + quote(path), host, newt);
}

std::string Differential::chmod(const std::string& path, u32 mode, bool follow) {
    // fchmodat2 (Linux 6.6) is the only way to pass AT_SYMLINK_NOFOLLOW to the kernel.
    long host_result = follow ? ::fchmodat(host_directory_fd_, host_path(path).c_str(), mode, 0)
                              : ::syscall(452 /* fchmodat2 */, host_directory_fd_, host_path(path).c_str(), mode,
                                          AT_SYMLINK_NOFOLLOW);
    std::string host = host_outcome(host_result);
    std::string newt = outcome(vfs_chmod(scratch_.context, nullptr, view(newt_path(path)), mode, follow));
    char mode_text[16];
    std::snprintf(mode_text, sizeof mode_text, "0%o", mode);
    return step(std::string(follow ? "chmod " : "lchmod ") + quote(path) + " " + mode_text, host, newt);
}

std::string Differential::chown(const std::string& path, u32 uid, u32 gid, bool follow) {
    std::string host = host_outcome(
        ::fchownat(host_directory_fd_, host_path(path).c_str(), uid, gid, follow ? 0 : AT_SYMLINK_NOFOLLOW));
    std::string newt = outcome(vfs_chown(scratch_.context, nullptr, view(newt_path(path)), uid, gid, follow));
    return step("chown " + quote(path) + " " + std::to_string(i32(uid)) + ":" + std::to_string(i32(gid)), host, newt);
}

std::string Differential::truncate(const std::string& path, i64 length) {
    std::string absolute = path[0] == '/' ? host_path_ + path : host_path_ + "/" + path;
    std::string host = host_outcome(::truncate(absolute.c_str(), length));
    std::string newt = outcome(vfs_truncate(scratch_.context, nullptr, view(newt_path(path)), length));
    return step("truncate " + quote(path) + " " + std::to_string(length), host, newt);
}

std::string Differential::access(const std::string& path, int mode) {
    std::string host = host_outcome(::faccessat(host_directory_fd_, host_path(path).c_str(), mode, 0));
    std::string newt = outcome(vfs_access(scratch_.context, nullptr, view(newt_path(path)), mode, false, true));
    return step("access " + quote(path) + " " + std::to_string(mode), host, newt);
}

std::string Differential::utimens(const std::string& path, i64 access_ns, i64 modify_ns) {
    struct stat host_before {}, host_after {};
    ::fstatat(host_directory_fd_, host_path(path).c_str(), &host_before, 0);
    auto newt_before = vfs_stat(scratch_.context, nullptr, view(newt_path(path)), true);
    pause_for_clock();
    constexpr i64 fixed_seconds = 1'000'000'000;  // a time in 2001 for explicit values
    timespec host_times[2] = {{fixed_seconds, access_ns}, {fixed_seconds, modify_ns}};
    std::string host = host_outcome(::utimensat(host_directory_fd_, host_path(path).c_str(), host_times, 0));
    Timespec newt_times[2] = {{fixed_seconds, access_ns}, {fixed_seconds, modify_ns}};
    std::string newt = outcome(vfs_utimens(scratch_.context, nullptr, view(newt_path(path)), newt_times, true));
    bool host_exists = ::fstatat(host_directory_fd_, host_path(path).c_str(), &host_after, 0) == 0;
    auto newt_after = vfs_stat(scratch_.context, nullptr, view(newt_path(path)), true);
    auto change = [](i64 before, i64 after, i64 requested) {
        if (after == before) return std::string("same");
        if (after == fixed_seconds * 1'000'000'000 + requested) return std::string("set");
        return std::string(after > before ? "now" : "earlier");
    };
    if (host_exists)
        host += " atime:" + change(to_ns(host_before.st_atim), to_ns(host_after.st_atim), access_ns) +
                " mtime:" + change(to_ns(host_before.st_mtim), to_ns(host_after.st_mtim), modify_ns) +
                " ctime:" + change(to_ns(host_before.st_ctim), to_ns(host_after.st_ctim), -1);
    if (newt_before.has_value() && newt_after.has_value())
        newt += " atime:" + change(to_ns(newt_before->access_time), to_ns(newt_after->access_time), access_ns) +
                " mtime:" + change(to_ns(newt_before->modify_time), to_ns(newt_after->modify_time), modify_ns) +
                " ctime:" + change(to_ns(newt_before->change_time), to_ns(newt_after->change_time), -1);
    auto describe_ns = [](i64 ns) {
        return ns == utime_now ? std::string("NOW") : ns == utime_omit ? std::string("OMIT") : std::to_string(ns);
    };
    return step("utimensat " + quote(path) + " " + describe_ns(access_ns) + " " + describe_ns(modify_ns), host, newt);
}

void Differential::expect_same_time_changes(const std::string& path, const std::string& what,
                                            const std::function<void()>& operation) {
    struct stat host_before {}, host_after {};
    ::fstatat(host_directory_fd_, host_path(path).c_str(), &host_before, AT_SYMLINK_NOFOLLOW);
    FileStat newt_before = stat_of(scratch_.context, newt_path(path), false);
    pause_for_clock();
    operation();
    ::fstatat(host_directory_fd_, host_path(path).c_str(), &host_after, AT_SYMLINK_NOFOLLOW);
    FileStat newt_after = stat_of(scratch_.context, newt_path(path), false);
    auto changes = [](bool mtime, bool ctime) {
        return std::string("mtime ") + (mtime ? "changed" : "same") + ", ctime " + (ctime ? "changed" : "same");
    };
    std::string host = changes(to_ns(host_after.st_mtim) != to_ns(host_before.st_mtim),
                               to_ns(host_after.st_ctim) != to_ns(host_before.st_ctim));
    std::string newt = changes(to_ns(newt_after.modify_time) != to_ns(newt_before.modify_time),
                               to_ns(newt_after.change_time) != to_ns(newt_before.change_time));
    step("times of " + quote(path) + " after " + what, host, newt);
}

std::string Differential::open(const std::string& path, int flags, u32 mode, int* handle) {
    int fd = ::openat(host_directory_fd_, host_path(path).c_str(), flags | O_CLOEXEC, mode);
    std::string host = host_outcome(fd);
    auto file = vfs_open(scratch_.context, nullptr, view(newt_path(path)), flags, mode);
    std::string newt = outcome(file);
    char flags_text[32];
    std::snprintf(flags_text, sizeof flags_text, "0%o", flags);
    std::string result = step("open " + quote(path) + " " + flags_text, host, newt);
    if (handle) *handle = -1;
    if (fd >= 0 && file.has_value()) {
        host_files_.push_back(fd);
        newt_files_.push_back(file.value());
        if (handle) *handle = int(host_files_.size() - 1);
    } else if (fd >= 0) {
        ::close(fd);
    }
    return result;
}

std::string Differential::close(int handle) {
    if (handle < 0 || host_files_[handle] < 0) {
        ADD_FAILURE() << "close of a bad handle";
        return "EBADF";
    }
    std::string host = host_outcome(::close(host_files_[handle]));
    host_files_[handle] = -1;
    newt_files_[handle] = nullptr;
    return step("close #" + std::to_string(handle), host, "OK");
}

std::string Differential::write(int handle, const std::string& data) {
    if (handle < 0) return "EBADF";
    long host_done = ::write(host_files_[handle], data.data(), data.size());
    std::string host = host_outcome(host_done);
    if (host_done >= 0) host += " " + std::to_string(host_done);
    auto newt_done = write_text(*newt_files_[handle], data);
    std::string newt = outcome(newt_done);
    if (newt_done.has_value()) newt += " " + std::to_string(newt_done.value());
    return step("write #" + std::to_string(handle) + " " + quote(data), host, newt);
}

std::string Differential::read(int handle, usize count) {
    if (handle < 0) return "EBADF";
    std::string host_data(count, '\0');
    long host_done = ::read(host_files_[handle], host_data.data(), count);
    std::string host = host_outcome(host_done);
    if (host_done >= 0) host += " " + quote(host_data.substr(0, host_done));
    auto newt_data = read_some(*newt_files_[handle], count);
    std::string newt = outcome(newt_data);
    if (newt_data.has_value()) newt += " " + quote(newt_data.value());
    return step("read #" + std::to_string(handle) + " " + std::to_string(count), host, newt);
}

std::string Differential::pwrite(int handle, u64 offset, const std::string& data) {
    if (handle < 0) return "EBADF";
    long host_done = ::pwrite(host_files_[handle], data.data(), data.size(), off_t(offset));
    std::string host = host_outcome(host_done);
    if (host_done >= 0) host += " " + std::to_string(host_done);
    auto newt_done = write_at(*newt_files_[handle], offset, data);
    std::string newt = outcome(newt_done);
    if (newt_done.has_value()) newt += " " + std::to_string(newt_done.value());
    return step("pwrite #" + std::to_string(handle) + " @" + std::to_string(offset) + " " + quote(data), host, newt);
}

std::string Differential::pread(int handle, u64 offset, usize count) {
    if (handle < 0) return "EBADF";
    std::string host_data(count, '\0');
    long host_done = ::pread(host_files_[handle], host_data.data(), count, off_t(offset));
    std::string host = host_outcome(host_done);
    if (host_done >= 0) host += " " + quote(host_data.substr(0, host_done));
    auto newt_data = read_at(*newt_files_[handle], offset, count);
    std::string newt = outcome(newt_data);
    if (newt_data.has_value()) newt += " " + quote(newt_data.value());
    return step("pread #" + std::to_string(handle) + " @" + std::to_string(offset), host, newt);
}

std::string Differential::lseek(int handle, i64 offset, int whence) {
    if (handle < 0) return "EBADF";
    off_t host_offset = ::lseek(host_files_[handle], offset, whence);
    std::string host = host_outcome(host_offset);
    if (host_offset >= 0) host += " " + std::to_string(host_offset);
    auto newt_offset = newt_files_[handle]->seek(offset, whence);
    std::string newt = outcome(newt_offset);
    if (newt_offset.has_value()) newt += " " + std::to_string(newt_offset.value());
    return step("lseek #" + std::to_string(handle) + " " + std::to_string(offset) + " whence=" + std::to_string(whence),
                host, newt);
}

std::string Differential::ftruncate(int handle, i64 length) {
    if (handle < 0) return "EBADF";
    std::string host = host_outcome(::ftruncate(host_files_[handle], length));
    std::string newt =
        length < 0 ? std::string("EINVAL") : outcome(newt_files_[handle]->truncate(static_cast<u64>(length)));
    return step("ftruncate #" + std::to_string(handle) + " " + std::to_string(length), host, newt);
}

std::string Differential::fstat(int handle) {
    if (handle < 0) return "EBADF";
    struct stat host_stat {};
    std::string host = host_outcome(::fstat(host_files_[handle], &host_stat));
    host += " " + describe(host_stat);
    std::string newt = "OK " + describe(newt_files_[handle]->stat());
    return step("fstat #" + std::to_string(handle), host, newt);
}

std::string Differential::readdir(const std::string& path) {
    std::string host;
    int fd = ::openat(host_directory_fd_, host_path(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        host = host_outcome(fd);
    } else {
        DIR* directory = fdopendir(fd);
        std::vector<std::string> entries;
        while (dirent* entry = ::readdir(directory))
            entries.push_back(std::string(entry->d_name) + ":" + std::to_string(entry->d_type));
        closedir(directory);
        std::sort(entries.begin(), entries.end());
        host = "OK";
        for (const std::string& entry : entries) host += " " + entry;
    }
    std::string newt;
    auto file = vfs_open(scratch_.context, nullptr, view(newt_path(path)), abi::o_rdonly | abi::o_directory, 0);
    if (file.is_error()) {
        newt = outcome(file);
    } else {
        std::vector<std::string> entries;
        for (const ListedEntry& entry : list_directory(*file.value()))
            entries.push_back(entry.name + ":" + std::to_string(entry.type));
        std::sort(entries.begin(), entries.end());
        newt = "OK";
        for (const std::string& entry : entries) newt += " " + entry;
    }
    return step("readdir " + quote(path), host, newt);
}

void Differential::expect_same_tree() { compare_tree(""); }

void Differential::compare_tree(const std::string& relative) {
    std::string path = relative.empty() ? "." : relative;
    if (readdir(path) != "OK") return;
    std::vector<std::string> names = sorted_names(scratch_.context, path);
    for (const std::string& name : names) {
        std::string child = relative.empty() ? name : relative + "/" + name;
        stat(child, false);
        auto newt_stat = vfs_stat(scratch_.context, nullptr, view(child), false);
        if (newt_stat.is_error()) continue;
        if (abi::s_isdir(newt_stat->mode)) {
            compare_tree(child);
        } else if (abi::s_islnk(newt_stat->mode)) {
            readlink(child);
        } else if (abi::s_isreg(newt_stat->mode)) {
            int handle;
            if (open(child, abi::o_rdonly, 0, &handle) == "OK") {
                read(handle, newt_stat->size + 1);
                close(handle);
            }
        }
    }
}

}  // namespace vfs_test
