// What the file syscalls share: the calling process, descriptors looked up as Linux's
// fdget/fdget_raw do, path arguments copied from user memory, the *at() syscalls' base
// directory (dirfd), and struct stat/statx from a FileStat.
#pragma once

#include "../abi/stat.h"
#include "../fs/vfs.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"
#include "../mm/user_memory.h"
#include "../proc/process.h"

namespace kernel {

Process& calling_process();
inline AddressSpace& calling_memory() { return calling_process().memory(); }

// The caller's RLIMIT_NOFILE, at most FileDescriptorTable::max_descriptors.
int descriptor_limit();

// The open file behind `fd` for an operation on its contents: EBADF for a bad descriptor
// and for O_PATH descriptors (Linux's fdget).
Result<RefPtr<OpenFile>> file_for_io(int fd);
// Any open file, O_PATH included (Linux's fdget_raw: fstat, fchdir, dup, fcntl, dirfd).
Result<RefPtr<OpenFile>> file_or_path(int fd);

template <typename T>
Result<void> copy_value_to_user(UserPtr<T> destination, const T& value) {
    return copy_to_user(calling_memory(), destination.address(), &value, sizeof value);
}
template <typename T>
Result<T> copy_value_from_user(UserPtr<T> source) {
    T value {};
    TRY(copy_from_user(calling_memory(), &value, source.address(), sizeof value));
    return value;
}

// A path argument, copied from user memory into PATH_MAX bytes of kernel heap.
class UserPath {
public:
    UserPath() = default;
    ~UserPath();
    UserPath(const UserPath&) = delete;
    UserPath& operator=(const UserPath&) = delete;

    // Linux's getname: EFAULT for a bad pointer, ENAMETOOLONG when no NUL comes within
    // PATH_MAX bytes, ENOENT for "" unless `allow_empty` (AT_EMPTY_PATH).
    Result<void> copy(UserPtr<char> path, bool allow_empty = false);
    StringView view() const { return {text_, length_}; }
    bool is_empty() const { return length_ == 0; }

private:
    char* text_ = nullptr;
    usize length_ = 0;
};

// Where an *at() syscall's relative path starts, checked as Linux's path_init does: an
// absolute path ignores dirfd entirely; AT_FDCWD is the working directory; otherwise EBADF
// for a bad descriptor and ENOTDIR for one that is not a directory (O_PATH descriptors
// count). Holds the directory while the syscall runs.
class AtBase {
public:
    static Result<AtBase> for_path(int dirfd, StringView path);
    // nullptr for "the working directory" (what the vfs_* functions take).
    const Path* get() const { return has_path_ ? &path_ : nullptr; }

private:
    Path path_;
    bool has_path_ = false;
};

// AT_EMPTY_PATH: the file dirfd itself (the working directory for AT_FDCWD). `file` is
// null for the working directory.
struct EmptyPathTarget {
    RefPtr<OpenFile> file;
    Path path;
    Inode* inode() const { return file ? file->inode() : &path.inode(); }
    FileStat stat() const { return file ? file->stat() : path.inode().stat(); }
};
Result<EmptyPathTarget> empty_path_target(int dirfd);

abi::Stat to_stat(const FileStat& stat);
// statx fills every field it knows whatever the mask asks (Linux may too); stx_mask says
// which: the basic stats and the birth time.
abi::Statx to_statx(const FileStat& stat);

}  // namespace kernel
