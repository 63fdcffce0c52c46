#include "host_calls.h"

#include "../../kernel/lib/string.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace hosted::hostfs {

kernel::Result<EntryName> EntryName::from(kernel::StringView name) {
    if (name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0'))
        return kernel::Errno::einval;
    if (name.length() > kernel::abi::name_max) return kernel::Errno::enametoolong;
    EntryName entry;
    kstd::memcpy(entry.text_, name.data(), name.length());
    entry.text_[name.length()] = '\0';
    return entry;
}

void close_host_fd(int fd) {
    if (fd < 0) return;
    hal::InterruptGuard interrupts;
    close(fd);
}

DescriptorPath::DescriptorPath(int fd) { std::snprintf(text_, sizeof text_, "/proc/self/fd/%d", fd); }

kernel::Result<kernel::FileStat> stat_host_file(int fd) {
    struct statx host {};
    TRY(host_call([&] {
        return statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &host);
    }));
    auto time = [](const statx_timestamp& stamp) { return kernel::Timespec {stamp.tv_sec, stamp.tv_nsec}; };
    kernel::FileStat stat;
    stat.device = makedev(host.stx_dev_major, host.stx_dev_minor);
    stat.inode = host.stx_ino;
    stat.mode = host.stx_mode;
    stat.link_count = host.stx_nlink;
    stat.uid = host.stx_uid;
    stat.gid = host.stx_gid;
    stat.rdevice = makedev(host.stx_rdev_major, host.stx_rdev_minor);
    stat.size = host.stx_size;
    stat.block_size = host.stx_blksize;
    stat.blocks = host.stx_blocks;
    stat.access_time = time(host.stx_atime);
    stat.modify_time = time(host.stx_mtime);
    stat.change_time = time(host.stx_ctime);
    if (host.stx_mask & STATX_BTIME) stat.birth_time = time(host.stx_btime);
    return stat;
}

namespace {

std::atomic<bool> host_lacks_openat2 {false};

}  // namespace

kernel::Result<int> open_entry(int directory, const char* name) {
    constexpr int flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
    if (!host_lacks_openat2.load(std::memory_order_relaxed)) {
        open_how how {};
        how.flags = flags;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
        auto fd = host_call([&] { return syscall(SYS_openat2, directory, name, &how, sizeof how); });
        if (fd.has_value() || fd.error() != kernel::Errno::enosys) {
            if (fd.is_error()) return fd.error();
            return static_cast<int>(fd.value());
        }
        host_lacks_openat2.store(true, std::memory_order_relaxed);
    }
    return static_cast<int>(TRY(host_call([&] { return openat(directory, name, flags); })));
}

}  // namespace hosted::hostfs
