// FileDescriptorTable: a process's file descriptors, each an OpenFile plus its close-on-exec
// flag. New descriptors take the lowest free number, as POSIX requires.
#pragma once

#include "../lib/ref_ptr.h"
#include "../lib/spinlock.h"
#include "open_file.h"

namespace kernel {

class FileDescriptorTable : public RefCounted<FileDescriptorTable> {
public:
    static constexpr int max_descriptors = 1024;  // RLIMIT_NOFILE's usual soft limit

    FileDescriptorTable() = default;
    ~FileDescriptorTable();
    FileDescriptorTable(const FileDescriptorTable&) = delete;
    FileDescriptorTable& operator=(const FileDescriptorTable&) = delete;

    // The lowest free descriptor >= `minimum` and below `limit` (the caller's RLIMIT_NOFILE,
    // at most max_descriptors): EMFILE when none, EINVAL for a minimum outside the limit.
    Result<int> allocate(RefPtr<OpenFile> file, bool close_on_exec, int minimum = 0, int limit = max_descriptors);
    // Whether allocate(..., 0, limit) would find no descriptor now (open(2) reports EMFILE
    // before it looks at the path, as Linux reserves the descriptor first).
    bool is_full(int limit = max_descriptors) const;
    // dup2/dup3: puts `file` at `fd`, closing what was there (EBADF for a bad number).
    Result<void> install_at(int fd, RefPtr<OpenFile> file, bool close_on_exec);
    Result<RefPtr<OpenFile>> get(int fd) const;           // EBADF
    Result<void> close(int fd);                           // EBADF
    Result<bool> close_on_exec(int fd) const;
    Result<void> set_close_on_exec(int fd, bool value);
    // fork: a table with the same descriptors (sharing the open file descriptions).
    Result<void> copy_from(const FileDescriptorTable& other);
    // execve: closes the close-on-exec descriptors.
    void close_on_exec_now();
    int count() const;
    // The lowest open descriptor >= `fd`, or -1 (/proc/<pid>/fd's listing).
    int next_open_at_or_after(int fd) const;
    // The number of slots (/proc/<pid>/status's FDSize).
    int capacity() const;

private:
    struct Slot {
        OpenFile* file = nullptr;  // holds a reference
        bool close_on_exec = false;
    };
    Result<void> grow(int needed);  // with lock_ held

    mutable Spinlock lock_;
    Slot* slots_ = nullptr;
    int capacity_ = 0;
};

}  // namespace kernel
