#include "monitor_file_commands.h"

#include "../abi/fcntl.h"
#include "../fs/mount_listing.h"
#include "../fs/vfs.h"
#include "../lib/format.h"
#include "../mm/kmalloc.h"
#include "../tty/console.h"

namespace kernel {
namespace {

char type_letter(u32 mode) {
    switch (mode & abi::s_ifmt) {
    case abi::s_ifdir: return 'd';
    case abi::s_iflnk: return 'l';
    case abi::s_ifchr: return 'c';
    case abi::s_ifblk: return 'b';
    case abi::s_ififo: return 'p';
    case abi::s_ifsock: return 's';
    default: return '-';
    }
}

// "drwxr-xr-x" as ls -l shows it, set-id and sticky bits included.
void format_mode(u32 mode, char* text) {
    const char* rwx = "rwxrwxrwx";
    text[0] = type_letter(mode);
    for (int i = 0; i < 9; ++i) text[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
    if (mode & abi::s_isuid) text[3] = (mode & 0100) ? 's' : 'S';
    if (mode & abi::s_isgid) text[6] = (mode & 0010) ? 's' : 'S';
    if (mode & abi::s_isvtx) text[9] = (mode & 0001) ? 't' : 'T';
    text[10] = '\0';
}

void print_error(const char* command, const char* path, Errno error) {
    kprintf("%s: %s: %s\n", command, path, errno_name(error));
}

void print_entry(const VfsContext& context, const Path& directory, StringView name) {
    char mode[11];
    auto stat = vfs_stat(context, &directory, name, false);
    char name_text[abi::name_max + 1];
    kstd::memcpy(name_text, name.data(), name.length());
    name_text[name.length()] = '\0';
    if (stat.is_error()) {
        kprintf("?????????? %s (%s)\n", name_text, errno_name(stat.error()));
        return;
    }
    format_mode(stat->mode, mode);
    char size[24];
    if (abi::s_ischr(stat->mode) || abi::s_isblk(stat->mode))
        kstd::format(size, sizeof size, "%u, %u", abi::device_major(stat->rdevice), abi::device_minor(stat->rdevice));
    else
        kstd::format(size, sizeof size, "%llu", static_cast<unsigned long long>(stat->size));
    kprintf("%s %3u %5u %5u %10s %s", mode, stat->link_count, stat->uid, stat->gid, size, name_text);
    if (abi::s_islnk(stat->mode)) {
        char target[abi::path_max];
        IoBuffer buffer = IoBuffer::kernel(target, sizeof target - 1);
        if (auto length = vfs_readlink(context, &directory, name, buffer, sizeof target - 1); length.has_value()) {
            target[length.value()] = '\0';
            kprintf(" -> %s", target);
        }
    }
    kprintf("\n");
}

}  // namespace

void monitor_ls(const char* arguments) {
    const char* path = *arguments ? arguments : "/";
    VfsContext context = VfsContext::for_kernel();
    auto file = vfs_open(context, nullptr, path, abi::o_rdonly, 0);
    if (file.is_error()) {
        // Not a directory (or unreadable): list the single name, as ls does.
        if (file.error() != Errno::enotdir && file.error() != Errno::eacces) return print_error("ls", path, file.error());
        print_entry(context, context.cwd, path);
        return;
    }
    RefPtr<OpenFile> directory = file.release_value();
    if (!directory->inode()->is_directory()) {
        print_entry(context, context.cwd, path);
        return;
    }
    Path where = directory->path();
    // Collect a batch of names, then stat them outside the iteration (which holds the
    // directory's lock).
    for (;;) {
        constexpr usize batch = 16;
        char names[batch][abi::name_max + 1];
        usize lengths[batch];
        usize count = 0;
        auto result = directory->read_directory([&](const DirectoryEntry& entry) {
            if (count == batch) return false;
            kstd::memcpy(names[count], entry.name.data(), entry.name.length());
            lengths[count++] = entry.name.length();
            return true;
        });
        if (result.is_error()) return print_error("ls", path, result.error());
        for (usize i = 0; i < count; ++i) print_entry(context, where, StringView(names[i], lengths[i]));
        if (count < batch) break;
    }
}

void monitor_cat(const char* arguments) {
    if (!*arguments) {
        kprintf("usage: cat FILE\n");
        return;
    }
    VfsContext context = VfsContext::for_kernel();
    // Non-blocking: `cat /dev/kmsg` prints the kept log and stops instead of waiting for
    // more (the monitor cannot interrupt a running command).
    auto file = vfs_open(context, nullptr, arguments, abi::o_rdonly | abi::o_nonblock, 0);
    if (file.is_error()) return print_error("cat", arguments, file.error());
    // Large enough for any /dev/kmsg record (1024 bytes of text, escaped).
    constexpr usize chunk_size = 8 * KiB;
    char* chunk = static_cast<char*>(kmalloc(chunk_size));
    if (!chunk) return print_error("cat", arguments, Errno::enomem);
    for (;;) {
        IoBuffer buffer = IoBuffer::kernel(chunk, chunk_size);
        auto got = file.value()->read(buffer, chunk_size);
        if (got.is_error() && got.error() == Errno::eagain) break;
        if (got.is_error()) {
            print_error("cat", arguments, got.error());
            break;
        }
        if (got.value() == 0) break;
        console_write(chunk, got.value());
    }
    kfree(chunk);
}

void monitor_mounts(const char*) {
    auto listed = for_each_mount_line(root_path(), [](const char* line, usize length) { console_write(line, length); });
    if (listed.is_error()) print_error("mounts", "", listed.error());
}

}  // namespace kernel
