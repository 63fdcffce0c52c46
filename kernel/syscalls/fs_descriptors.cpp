#include "fs_descriptors.h"

#include "../abi/fcntl.h"
#include "../abi/io.h"
#include "../fs/pipe.h"
#include "fs_support.h"

namespace kernel {
namespace {

FileDescriptorTable& files() { return calling_process().files(); }

Result<long> open_at(int dirfd, UserPtr<char> path, int flags, u32 mode) {
    UserPath name;
    TRY(name.copy(path));
    // x86-64 opens every file large-file style (Linux's force_o_largefile); F_GETFL shows it.
    flags |= abi::o_largefile;
    constexpr int tmpfile_mask = abi::o_tmpfile | abi::o_creat;  // __O_TMPFILE | O_DIRECTORY | O_CREAT
    constexpr int tmpfile_bit = abi::o_tmpfile & ~abi::o_directory;
    if (flags & tmpfile_bit) {
        if ((flags & tmpfile_mask) != abi::o_tmpfile) return Errno::einval;
        if ((flags & abi::o_accmode) == abi::o_rdonly) return Errno::einval;
    }
    // The mode matters only when a file may be created; its type bits are never the caller's.
    mode = (flags & (abi::o_creat | tmpfile_bit)) ? mode & 07777 : 0;
    // Linux reserves the descriptor before it looks at the path: a full table is EMFILE
    // whatever the path is.
    int limit = descriptor_limit();
    if (files().is_full(limit)) return Errno::emfile;
    AtBase base = TRY(AtBase::for_path(dirfd, name.view()));
    RefPtr<OpenFile> file = TRY(vfs_open(calling_process().vfs_context(), base.get(), name.view(), flags, mode));
    return TRY(files().allocate(file, flags & abi::o_cloexec, 0, limit));
}

// The record lock arguments of fcntl: F_GETLK reports every range unlocked, F_SETLK and
// F_SETLKW succeed at once. Locks are not recorded, so processes do not exclude each
// other (docs/syscalls.md); the checks on the arguments are Linux's.
Result<long> record_lock(OpenFile& file, int command, u64 argument) {
    UserPtr<abi::Flock> pointer(argument);
    abi::Flock lock = TRY(copy_value_from_user(pointer));
    bool ofd = command == abi::f_ofd_getlk || command == abi::f_ofd_setlk || command == abi::f_ofd_setlkw;
    if (ofd && lock.l_pid != 0) return Errno::einval;
    if (lock.l_whence != abi::seek_set && lock.l_whence != abi::seek_cur && lock.l_whence != abi::seek_end)
        return Errno::einval;
    if (command == abi::f_getlk || command == abi::f_ofd_getlk) {
        if (lock.l_type != abi::f_rdlck && lock.l_type != abi::f_wrlck) return Errno::einval;
        lock.l_type = abi::f_unlck;
        TRY(copy_value_to_user(pointer, lock));
        return 0;
    }
    switch (lock.l_type) {
    case abi::f_rdlck: return file.is_readable() ? Result<long>(0) : Result<long>(Errno::ebadf);
    case abi::f_wrlck: return file.is_writable() ? Result<long>(0) : Result<long>(Errno::ebadf);
    case abi::f_unlck: return 0;
    default: return Errno::einval;
    }
}

bool is_pipe(const OpenFile& file) { return file.inode() && file.inode()->type() == abi::s_ififo; }

}  // namespace

Result<long> sys_open(UserPtr<char> path, int flags, u32 mode) { return open_at(abi::at_fdcwd, path, flags, mode); }

Result<long> sys_openat(int dirfd, UserPtr<char> path, int flags, u32 mode) { return open_at(dirfd, path, flags, mode); }

Result<long> sys_creat(UserPtr<char> path, u32 mode) {
    return open_at(abi::at_fdcwd, path, abi::o_creat | abi::o_wronly | abi::o_trunc, mode);
}

Result<long> sys_close(int fd) {
    TRY(files().close(fd));
    return 0;
}

// close_range(2). CLOSE_RANGE_UNSHARE is accepted but does not unshare a table shared by
// CLONE_FILES (Newt cannot unshare one yet): the range is closed in the shared table.
Result<long> sys_close_range(u32 first, u32 last, u32 flags) {
    if (flags & ~(abi::close_range_unshare | abi::close_range_cloexec)) return Errno::einval;
    if (first > last) return Errno::einval;
    u32 end = last < FileDescriptorTable::max_descriptors - 1u ? last : FileDescriptorTable::max_descriptors - 1u;
    for (u32 fd = first; fd <= end && first < static_cast<u32>(FileDescriptorTable::max_descriptors); ++fd) {
        if (flags & abi::close_range_cloexec) (void)files().set_close_on_exec(static_cast<int>(fd), true);
        else (void)files().close(static_cast<int>(fd));
    }
    return 0;
}

Result<long> sys_dup(int fd) {
    RefPtr<OpenFile> file = TRY(file_or_path(fd));
    return TRY(files().allocate(file, false, 0, descriptor_limit()));
}

Result<long> sys_dup2(int old_fd, int new_fd) {
    // Onto itself: nothing changes (not even close-on-exec), only the check that it is open.
    if (old_fd == new_fd) {
        TRY(file_or_path(old_fd));
        return new_fd;
    }
    return sys_dup3(old_fd, new_fd, 0);
}

Result<long> sys_dup3(int old_fd, int new_fd, int flags) {
    if (flags & ~abi::o_cloexec) return Errno::einval;
    if (old_fd == new_fd) return Errno::einval;
    if (new_fd < 0 || new_fd >= descriptor_limit()) return Errno::ebadf;
    RefPtr<OpenFile> file = TRY(file_or_path(old_fd));
    TRY(files().install_at(new_fd, file, flags & abi::o_cloexec));
    return new_fd;
}

Result<long> sys_fcntl(int fd, int command, u64 argument) {
    RefPtr<OpenFile> file = TRY(file_or_path(fd));
    // An O_PATH descriptor answers only these (Linux's check_fcntl_cmd).
    if (file->is_path_only() && command != abi::f_dupfd && command != abi::f_dupfd_cloexec &&
        command != abi::f_getfd && command != abi::f_setfd && command != abi::f_getfl)
        return Errno::ebadf;
    switch (command) {
    case abi::f_dupfd:
    case abi::f_dupfd_cloexec: {
        int limit = descriptor_limit();
        if (argument >= static_cast<u64>(limit)) return Errno::einval;
        return TRY(files().allocate(file, command == abi::f_dupfd_cloexec, static_cast<int>(argument), limit));
    }
    case abi::f_getfd: return TRY(files().close_on_exec(fd)) ? abi::fd_cloexec : 0;
    case abi::f_setfd:
        TRY(files().set_close_on_exec(fd, argument & abi::fd_cloexec));
        return 0;
    case abi::f_getfl: return file->flags();
    case abi::f_setfl:
        file->set_status_flags(static_cast<int>(argument));
        return 0;
    case abi::f_getlk:
    case abi::f_setlk:
    case abi::f_setlkw:
    case abi::f_ofd_getlk:
    case abi::f_ofd_setlk:
    case abi::f_ofd_setlkw: return record_lock(*file, command, argument);
    // No SIGIO yet: the owner and signal are accepted and reported as none.
    case abi::f_getown:
    case abi::f_setown:
    case abi::f_getsig: return 0;
    case abi::f_setsig: return argument > static_cast<u64>(abi::signal_count) ? Result<long>(Errno::einval) : Result<long>(0);
    // Pipes have a fixed 64 KiB ring: a smaller size is granted as 64 KiB, a larger one is
    // refused as Linux refuses one beyond pipe-max-size.
    case abi::f_getpipe_sz:
        if (!is_pipe(*file)) return Errno::ebadf;
        return static_cast<long>(Pipe::capacity);
    case abi::f_setpipe_sz:
        if (!is_pipe(*file)) return Errno::ebadf;
        if (argument > Pipe::capacity) return Errno::eperm;
        return static_cast<long>(Pipe::capacity);
    default: return Errno::einval;
    }
}

// flock(2): checked and accepted, not recorded (as fcntl's record locks: docs/syscalls.md).
Result<long> sys_flock(int fd, u32 operation) {
    constexpr u32 lock_mand = 32;  // Samba's old mandatory locks: Linux ignores the call (0)
    if (operation & lock_mand) return 0;
    u32 command = operation & ~static_cast<u32>(abi::lock_nb);
    if (command != static_cast<u32>(abi::lock_sh) && command != static_cast<u32>(abi::lock_ex) &&
        command != static_cast<u32>(abi::lock_un))
        return Errno::einval;
    TRY(file_for_io(fd));
    return 0;
}

Result<long> sys_pipe(UserPtr<i32> fds) { return sys_pipe2(fds, 0); }

Result<long> sys_pipe2(UserPtr<i32> fds, int flags) {
    RefPtr<OpenFile> read_end, write_end;
    TRY(create_pipe(read_end, write_end, flags, calling_process().credentials()));
    bool close_on_exec = flags & abi::o_cloexec;
    int limit = descriptor_limit();
    i32 numbers[2];
    numbers[0] = TRY(files().allocate(read_end, close_on_exec, 0, limit));
    auto second = files().allocate(write_end, close_on_exec, 0, limit);
    if (second.is_error()) {
        (void)files().close(numbers[0]);
        return second.error();
    }
    numbers[1] = second.value();
    auto copied = copy_to_user(calling_memory(), fds.address(), numbers, sizeof numbers);
    if (copied.is_error()) {
        (void)files().close(numbers[0]);
        (void)files().close(numbers[1]);
        return copied.error();
    }
    return 0;
}

// ioctl(2): the requests every file answers (Linux's do_vfs_ioctl), then the file's own.
// There is no terminal layer yet, so TCGETS, TIOCGWINSZ and the like are ENOTTY everywhere.
Result<long> sys_ioctl(int fd, u32 request, u64 argument) {
    RefPtr<OpenFile> file = TRY(file_for_io(fd));
    IoctlArgument user_argument = IoctlArgument::user(calling_memory(), argument);
    Inode* inode = file->inode();
    switch (request) {
    case abi::fioclex:
    case abi::fionclex:
        TRY(files().set_close_on_exec(fd, request == abi::fioclex));
        return 0;
    case abi::fionbio:
    case abi::fioasync: {
        int on = TRY(user_argument.read<int>());
        int bit = request == abi::fionbio ? abi::o_nonblock : 020000 /* O_ASYNC */;
        file->set_status_flags(on ? file->flags() | bit : file->flags() & ~bit);
        return 0;
    }
    case abi::fionread:
        if (inode && inode->is_regular()) {
            TRY(user_argument.write(static_cast<int>(inode->size() - file->offset())));
            return 0;
        }
        break;
    default: break;
    }
    return file->ioctl(request, user_argument);
}

}  // namespace kernel
