#include "host_mounts.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "../../kernel/core/boot.h"
#include "../../kernel/core/klog.h"
#include "../../kernel/fs/vfs.h"
#include "../../kernel/mm/kmalloc.h"
#include "hostfs.h"

namespace hosted {
namespace {

// Read by the boot step on a kernel thread: set before the machine starts, then constant.
std::vector<HostMount> boot_mounts;

// mkdir -p in the guest: every missing directory of `path` (absolute), mode 0755.
kernel::Result<void> make_directories(const kernel::VfsContext& context, const char* path) {
    kernel::usize length = kstd::strlen(path);
    if (length >= kernel::abi::path_max) return kernel::Errno::enametoolong;
    auto* prefix = static_cast<char*>(kernel::kmalloc(length + 1));
    if (!prefix) return kernel::Errno::enomem;
    kernel::Result<void> result = kernel::ok();
    for (kernel::usize end = 1; end <= length && result.has_value(); ++end) {
        if (end < length && path[end] != '/') continue;
        if (path[end - 1] == '/') continue;  // "//" or the root
        kstd::memcpy(prefix, path, end);
        prefix[end] = '\0';
        auto made = kernel::vfs_mkdir(context, nullptr, prefix, 0755);
        if (made.is_error() && made.error() != kernel::Errno::eexist) result = made.error();
    }
    kernel::kfree(prefix);
    return result;
}

kernel::Result<void> mount_host_directories() {
    TRY(hostfs::register_hostfs());
    kernel::VfsContext context = kernel::VfsContext::for_kernel();
    for (const HostMount& mount : boot_mounts) {
        const char* host = mount.host_directory.c_str();
        const char* guest = mount.guest_directory.c_str();
        auto made = make_directories(context, guest);
        auto mounted = made.is_error() ? made : kernel::vfs_mount(context, "hostfs", host, nullptr, guest, "");
        if (mounted.is_error()) {
            klog_error("hostfs: cannot mount host directory %s on %s: %s", host, guest,
                       kernel::errno_name(mounted.error()));
            return mounted.error();
        }
        klog_info("hostfs: host directory %s mounted on %s", host, guest);
    }
    return kernel::ok();
}

}  // namespace

std::string parse_host_mount(const std::string& text, HostMount& mount) {
    std::string::size_type colon = text.rfind(':');
    if (colon == std::string::npos) return "expected HOSTDIR:GUESTDIR";
    mount.host_directory = text.substr(0, colon);
    mount.guest_directory = text.substr(colon + 1);
    if (mount.host_directory.empty()) return "the host directory is empty";
    if (mount.guest_directory.empty() || mount.guest_directory[0] != '/')
        return "the guest directory must be an absolute path";
    if (mount.guest_directory.size() >= kernel::abi::path_max) return "the guest directory is too long";
    int fd = open(mount.host_directory.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return mount.host_directory + ": " + std::strerror(errno);
    close(fd);
    return "";
}

void add_hostfs_boot_step(const std::vector<HostMount>& mounts) {
    boot_mounts = mounts;
    // Every hostfs inode in memory holds a host descriptor (and open files one or two more):
    // allow as many as the host lets this process have, not the usual soft limit of 1024.
    rlimit files {};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    kernel::add_boot_step(mount_host_directories);
}

}  // namespace hosted
