#include "vfs_support.h"

#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

#include "kernel/core/scheduler.h"
#include "kernel/hal/physmem.h"

namespace vfs_test {
namespace {

std::atomic<int> scratch_counter {0};

}  // namespace

ScratchKind default_scratch_kind() {
    static const ScratchKind kind = [] {
        const char* chosen = getenv("NEWT_VFS_SCRATCH");
        return chosen && std::string(chosen) == "hostfs" ? ScratchKind::hostfs : ScratchKind::tmpfs;
    }();
    return kind;
}

Scratch::Scratch(const char* label, ScratchKind kind) : kind(kind) {
    path = std::string("/tmp/") + label + "-" + std::to_string(scratch_counter.fetch_add(1));
    context = VfsContext::for_kernel();
    auto made = vfs_mkdir(context, nullptr, view(path), 0755);
    EXPECT_OK(made) << " making the scratch directory " << path;
    if (kind == ScratchKind::hostfs) {
        char pattern[] = "/dev/shm/newt-hostfs-XXXXXX";
        const char* host = mkdtemp(pattern);
        EXPECT_NE(host, nullptr) << "mkdtemp: " << strerror(errno);
        host_path = host ? host : "/nonexistent";
        ::chmod(host_path.c_str(), 0755);  // as vfs_mkdir made the directory below it
        EXPECT_OK(vfs_mount(context, "hostfs", view(host_path), nullptr, view(path), ""))
            << " mounting " << host_path << " on " << path;
    }
    auto found = resolve_path(context, nullptr, view(path), resolve_follow | resolve_directory);
    EXPECT_OK(found);
    if (found.has_value()) directory = found.value();
    context.cwd = directory;
    context.umask = 022;
}

Scratch::~Scratch() {
    if (kind != ScratchKind::hostfs) return;
    // Only the mount table and this call may use the mount for umount to succeed; a test
    // that keeps files open past its scratch directory leaves the mount behind.
    context = {};
    directory = {};
    VfsContext root = VfsContext::for_kernel();
    (void)vfs_umount(root, nullptr, view(path));
    remove_host_tree(host_path);
}

void remove_host_tree(const std::string& path) {
    nftw(path.c_str(), [](const char* name, const struct stat*, int type, FTW*) {
        if (type == FTW_D || type == FTW_DNR) ::chmod(name, 0700);
        return 0;
    }, 16, FTW_PHYS);
    nftw(path.c_str(), [](const char* name, const struct stat*, int, FTW*) { return ::remove(name); }, 16,
         FTW_DEPTH | FTW_PHYS);
}

VfsContext Scratch::as(const Credentials& credentials) const {
    VfsContext other = context;
    other.credentials = credentials;
    return other;
}

RefPtr<OpenFile> open_file(const VfsContext& context, const std::string& path, int flags, u32 mode) {
    auto file = vfs_open(context, nullptr, view(path), flags, mode);
    EXPECT_OK(file) << " opening " << path;
    return file.has_value() ? file.value() : RefPtr<OpenFile>();
}

void make_file(const VfsContext& context, const std::string& path, const std::string& content, u32 mode) {
    RefPtr<OpenFile> file = open_file(context, path, abi::o_wronly | abi::o_creat | abi::o_trunc, mode);
    if (!file) return;
    EXPECT_OK(vfs_chmod(context, nullptr, view(path), mode, true)) << " setting the mode of " << path;
    if (!content.empty()) {
        auto written = write_text(*file, content);
        EXPECT_OK(written) << " writing " << path;
        if (written.has_value()) {
            EXPECT_EQ(written.value(), content.size());
        }
    }
}

void make_directory(const VfsContext& context, const std::string& path, u32 mode) {
    EXPECT_OK(vfs_mkdir(context, nullptr, view(path), mode)) << " making " << path;
    EXPECT_OK(vfs_chmod(context, nullptr, view(path), mode, true)) << " setting the mode of " << path;
}

std::string file_content(const VfsContext& context, const std::string& path) {
    RefPtr<OpenFile> file = open_file(context, path, abi::o_rdonly);
    return file ? read_all(*file) : std::string();
}

FileStat stat_of(const VfsContext& context, const std::string& path, bool follow) {
    auto stat = vfs_stat(context, nullptr, view(path), follow);
    EXPECT_OK(stat) << " stat of " << path;
    return stat.has_value() ? stat.value() : FileStat {};
}

Path path_of(const VfsContext& context, const std::string& path, unsigned flags) {
    auto found = resolve_path(context, nullptr, view(path), flags);
    EXPECT_OK(found) << " resolving " << path;
    return found.has_value() ? found.value() : Path {};
}

std::string read_link(const VfsContext& context, const std::string& path) {
    char target[abi::path_max];
    IoBuffer buffer = IoBuffer::kernel(target, sizeof target);
    auto length = vfs_readlink(context, nullptr, view(path), buffer, sizeof target);
    EXPECT_OK(length) << " readlink of " << path;
    return length.has_value() ? std::string(target, length.value()) : std::string();
}

std::string read_all(OpenFile& file) {
    std::string content;
    char chunk[1000];
    for (;;) {
        IoBuffer buffer = IoBuffer::kernel(chunk, sizeof chunk);
        auto done = file.read(buffer, sizeof chunk);
        EXPECT_OK(done);
        if (!done.has_value() || done.value() == 0) break;
        content.append(chunk, done.value());
    }
    return content;
}

Result<usize> write_text(OpenFile& file, const std::string& text) {
    IoBuffer buffer = IoBuffer::kernel(text.data(), text.size());
    return file.write(buffer, text.size());
}

Result<usize> write_at(OpenFile& file, u64 offset, const std::string& text) {
    IoBuffer buffer = IoBuffer::kernel(text.data(), text.size());
    return file.write_at(offset, buffer, text.size());
}

Result<std::string> read_at(OpenFile& file, u64 offset, usize count) {
    std::string data(count, '\0');
    IoBuffer buffer = IoBuffer::kernel(data.data(), count);
    usize done = TRY(file.read_at(offset, buffer, count));
    data.resize(done);
    return data;
}

Result<std::string> read_some(OpenFile& file, usize count) {
    std::string data(count, '\0');
    IoBuffer buffer = IoBuffer::kernel(data.data(), count);
    usize done = TRY(file.read(buffer, count));
    data.resize(done);
    return data;
}

std::vector<ListedEntry> list_directory(OpenFile& directory) {
    std::vector<ListedEntry> entries;
    for (;;) {
        usize before = entries.size();
        auto result = directory.read_directory([&](const DirectoryEntry& entry) {
            entries.push_back({std::string(entry.name.data(), entry.name.length()), entry.inode, entry.type,
                               entry.next_cookie});
            return true;
        });
        EXPECT_OK(result);
        if (result.is_error() || entries.size() == before) break;
    }
    return entries;
}

std::vector<ListedEntry> list_directory(const VfsContext& context, const std::string& path) {
    RefPtr<OpenFile> directory = open_file(context, path, abi::o_rdonly | abi::o_directory);
    return directory ? list_directory(*directory) : std::vector<ListedEntry> {};
}

std::vector<std::string> sorted_names(const VfsContext& context, const std::string& path) {
    std::vector<std::string> names;
    for (const ListedEntry& entry : list_directory(context, path))
        if (entry.name != "." && entry.name != "..") names.push_back(entry.name);
    std::sort(names.begin(), names.end());
    return names;
}

void remove_tree(const VfsContext& context, const std::string& path) {
    auto stat = vfs_stat(context, nullptr, view(path), false);
    if (stat.is_error()) return;
    if (abi::s_isdir(stat->mode)) {
        for (const std::string& name : sorted_names(context, path)) remove_tree(context, path + "/" + name);
        EXPECT_OK(vfs_rmdir(context, nullptr, view(path))) << " removing " << path;
    } else {
        EXPECT_OK(vfs_unlink(context, nullptr, view(path))) << " removing " << path;
    }
}

}  // namespace vfs_test
