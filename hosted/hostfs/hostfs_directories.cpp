// hostfs directory operations: names, links and listings, each one *at() call on the
// directory's O_PATH descriptor (hostfs.h).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../kernel/lib/kstring.h"
#include "../../kernel/mm/kmalloc.h"
#include "host_calls.h"
#include "hostfs.h"

namespace hosted::hostfs {

HostfsInode::Identity HostfsInode::lookup_identity(const char* name) {
    struct stat host {};
    Identity identity;
    if (host_call([&] { return fstatat(path_fd_, name, &host, AT_SYMLINK_NOFOLLOW); }).has_value())
        identity = {static_cast<u64>(host.st_dev), static_cast<u64>(host.st_ino), true};
    return identity;
}

void HostfsInode::refresh(const Identity& identity) {
    if (!identity.known) return;
    if (RefPtr<HostfsInode> inode = hostfs().find_inode(identity.device, identity.inode)) inode->refresh_metadata();
}

Result<RefPtr<Inode>> HostfsInode::lookup(StringView name) {
    if (!is_directory()) return Errno::enotdir;
    EntryName entry = TRY(EntryName::from(name));
    int fd = TRY(open_entry(path_fd_, entry.c_str()));
    auto host = stat_host_file(fd);
    if (host.is_error()) {
        close_host_fd(fd);
        return host.error();
    }
    return RefPtr<Inode>(TRY(hostfs().inode_for(fd, host.value())).get());
}

Result<RefPtr<Inode>> HostfsInode::adopt_new_entry(const char* name, u32 uid, u32 gid, u32 permissions) {
    int fd = TRY(open_entry(path_fd_, name));
    auto host = stat_host_file(fd);
    if (host.is_error()) {
        close_host_fd(fd);
        return host.error();
    }
    // The host made the file with its own ids and umask. Give it the guest's owner where
    // the host lets Newt (it runs as root, or the ids are its own); otherwise the file stays
    // the host user's, as with User-Mode Linux's hostfs. Then the exact permission bits
    // (after the chown, which may clear set-user-ID); symlinks have none to set.
    bool changed = false;
    if (host->uid != uid || host->gid != gid)
        changed |= host_call([&] { return fchownat(fd, "", uid, gid, AT_EMPTY_PATH); }).has_value();
    if (!abi::s_islnk(host->mode) && (host->mode & 07777) != permissions) {
        DescriptorPath path(fd);
        changed |= host_call([&] { return fchmodat(AT_FDCWD, path.c_str(), permissions, 0); }).has_value();
    }
    FileStat current = host.value();
    if (changed) {
        auto again = stat_host_file(fd);
        if (again.has_value()) current = again.value();
    }
    refresh_metadata();  // the directory's link count, size and times
    return RefPtr<Inode>(TRY(hostfs().inode_for(fd, current)).get());
}

Result<RefPtr<Inode>> HostfsInode::create(StringView name, u32 mode, u32 uid, u32 gid, u64 rdevice) {
    if (!is_directory()) return Errno::enotdir;
    EntryName entry = TRY(EntryName::from(name));
    u32 permissions = mode & 07777;
    switch (mode & abi::s_ifmt) {
    case abi::s_ifreg: {
        int fd = static_cast<int>(TRY(host_call([&] {
            return openat(path_fd_, entry.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, permissions);
        })));
        close_host_fd(fd);  // the inode opens what it needs when it needs it
        break;
    }
    case abi::s_ifdir: TRY(host_call([&] { return mkdirat(path_fd_, entry.c_str(), permissions); })); break;
    case abi::s_ififo:
    case abi::s_ifsock:
    case abi::s_ifchr:
    case abi::s_ifblk:
        // Devices need the host's CAP_MKNOD: without it the host's EPERM is the answer.
        TRY(host_call([&] { return mknodat(path_fd_, entry.c_str(), mode, static_cast<dev_t>(rdevice)); }));
        break;
    default: return Errno::einval;
    }
    return adopt_new_entry(entry.c_str(), uid, gid, permissions);
}

Result<RefPtr<Inode>> HostfsInode::create_symlink(StringView name, StringView target, u32 uid, u32 gid) {
    if (!is_directory()) return Errno::enotdir;
    EntryName entry = TRY(EntryName::from(name));
    if (target.contains('\0')) return Errno::einval;
    // Stored as given: the guest resolves it in the guest's tree, whatever it says.
    KString text = TRY(KString::copy(target));
    TRY(host_call([&] { return symlinkat(text.c_str(), path_fd_, entry.c_str()); }));
    return adopt_new_entry(entry.c_str(), uid, gid, 0777);
}

Result<void> HostfsInode::link(StringView name, Inode& target) {
    if (!is_directory()) return Errno::enotdir;
    if (&target.file_system() != &file_system()) return Errno::exdev;
    EntryName entry = TRY(EntryName::from(name));
    auto& source = static_cast<HostfsInode&>(target);
    // Through the magic link, which needs no privilege (linkat's AT_EMPTY_PATH needs
    // CAP_DAC_READ_SEARCH) and names the very file, a symlink included.
    DescriptorPath path(source.path_fd());
    TRY(host_call([&] { return linkat(AT_FDCWD, path.c_str(), path_fd_, entry.c_str(), AT_SYMLINK_FOLLOW); }));
    source.refresh_metadata();
    refresh_metadata();
    return ok();
}

Result<void> HostfsInode::unlink(StringView name) {
    if (!is_directory()) return Errno::enotdir;
    EntryName entry = TRY(EntryName::from(name));
    Identity victim = lookup_identity(entry.c_str());
    TRY(host_call([&] { return unlinkat(path_fd_, entry.c_str(), 0); }));
    refresh(victim);  // its link count
    refresh_metadata();
    return ok();
}

Result<void> HostfsInode::remove_directory(StringView name) {
    if (!is_directory()) return Errno::enotdir;
    EntryName entry = TRY(EntryName::from(name));
    Identity victim = lookup_identity(entry.c_str());
    TRY(host_call([&] { return unlinkat(path_fd_, entry.c_str(), AT_REMOVEDIR); }));
    refresh(victim);  // no links left: listing it is ENOENT
    refresh_metadata();
    return ok();
}

Result<void> HostfsInode::rename(StringView old_name, Inode& new_directory_inode, StringView new_name) {
    if (!is_directory() || !new_directory_inode.is_directory()) return Errno::enotdir;
    if (&new_directory_inode.file_system() != &file_system()) return Errno::exdev;
    auto& new_directory = static_cast<HostfsInode&>(new_directory_inode);
    EntryName from = TRY(EntryName::from(old_name));
    EntryName to = TRY(EntryName::from(new_name));
    Identity moving = lookup_identity(from.c_str());
    Identity replaced = new_directory.lookup_identity(to.c_str());
    TRY(host_call([&] { return renameat(path_fd_, from.c_str(), new_directory.path_fd(), to.c_str()); }));
    refresh(moving);
    refresh(replaced);
    refresh_metadata();
    if (&new_directory != this) new_directory.refresh_metadata();
    return ok();
}

namespace {

// One host directory listing from a position (a host d_off), through a descriptor of its
// own: listings of one directory do not share a position.
class HostDirectoryReader {
public:
    // getdents64's record (Linux's struct linux_dirent64; glibc's dirent64 has its layout).
    using linux_dirent64 = ::dirent64;
    static constexpr usize buffer_size = 4096;

    ~HostDirectoryReader() {
        close_host_fd(fd_);
        kfree(buffer_);
    }
    Result<void> open(int directory, u64 position) {
        buffer_ = static_cast<u8*>(kmalloc(buffer_size));
        if (!buffer_) return Errno::enomem;
        fd_ = static_cast<int>(TRY(host_call([&] { return openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); })));
        TRY(host_call([&] { return lseek(fd_, static_cast<off_t>(position), SEEK_SET); }));
        return ok();
    }
    // The next entry, or nullptr at the end.
    Result<const linux_dirent64*> next() {
        if (used_ == filled_) {
            long got = TRY(host_call([&] { return syscall(SYS_getdents64, fd_, buffer_, buffer_size); }));
            if (got == 0) return static_cast<const linux_dirent64*>(nullptr);
            filled_ = static_cast<usize>(got);
            used_ = 0;
        }
        auto* entry = reinterpret_cast<const linux_dirent64*>(buffer_ + used_);
        used_ += entry->d_reclen;
        return entry;
    }

private:
    int fd_ = -1;
    u8* buffer_ = nullptr;
    usize filled_ = 0, used_ = 0;
};

}  // namespace

Result<void> HostfsInode::iterate(u64 cookie, DirectoryVisitor visitor) {
    if (!is_directory()) return Errno::enotdir;
    // Cookies are the host's directory positions (d_off), as stable as the host file system
    // keeps them. The host's "." and ".." come along: "." is this inode, and ".." is the
    // host's parent except at the mount's root, whose host parent is outside (the root's
    // own number, as Linux shows for the root of a file system).
    if (cookie >= (u64(1) << 63)) return ok();  // beyond any off_t: past the end
    HostDirectoryReader reader;
    TRY(reader.open(path_fd_, cookie));
    for (;;) {
        const auto* host = TRY(reader.next());
        if (!host) return ok();
        StringView name(host->d_name);
        u64 inode = host->d_ino;
        if (name == ".") inode = number();
        else if (name == ".." && is_root_) inode = number();
        if (!visitor({name, inode, host->d_type, static_cast<u64>(host->d_off)})) return ok();
    }
}

bool HostfsInode::is_empty_directory() {
    if (!is_directory()) return false;
    bool empty = true;
    auto listed = iterate(0, [&](const DirectoryEntry& entry) {
        empty = entry.name == "." || entry.name == "..";
        return empty;
    });
    return listed.has_value() && empty;
}

Result<usize> HostfsInode::read_link(IoBuffer& buffer, usize size) {
    if (!is_symlink()) return Errno::einval;
    auto* target = static_cast<char*>(kmalloc(abi::path_max));
    if (!target) return Errno::enomem;
    auto length = host_call([&] { return readlinkat(path_fd_, "", target, abi::path_max); });
    Result<usize> result = Errno::eio;
    if (length.is_error()) {
        result = length.error();
    } else {
        usize copied = static_cast<usize>(length.value()) < size ? static_cast<usize>(length.value()) : size;
        auto written = buffer.write(0, target, copied);
        result = written.is_error() ? Result<usize>(written.error()) : Result<usize>(copied);
    }
    kfree(target);
    return result;
}

}  // namespace hosted::hostfs
