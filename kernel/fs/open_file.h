// OpenFile: an open file description (Linux's `struct file`): what open() created, shared
// by every descriptor dup()ed or inherited from it. It holds the file offset and the status
// flags. The base class reads and writes its inode; pipes, devices and (later) sockets
// derive from it and override what differs.
#pragma once

#include "../abi/fcntl.h"
#include "../core/mutex.h"
#include "../lib/ref_ptr.h"
#include "ioctl_argument.h"
#include "mount.h"

namespace kernel {

// poll(2) event bits (Linux values).
enum PollEvents : u32 {
    poll_in = 0x001,
    poll_pri = 0x002,
    poll_out = 0x004,
    poll_err = 0x008,
    poll_hup = 0x010,
    poll_nval = 0x020,
    poll_rdnorm = 0x040,  // reported beside poll_in by pipes (as Linux does)
    poll_wrnorm = 0x100,  // reported beside poll_out by pipes
};

// What backs a mapping of an open file (the mmap hook's answer).
struct MappingSource {
    enum class Kind : u8 {
        pages,      // the inode's own pages (Inode::page_for_mapping): files, shared memory
        anonymous,  // fresh zero-filled memory, as if MAP_ANONYMOUS (/dev/zero)
    };
    Kind kind;
    RefPtr<Inode> inode;  // for `pages`
};

class OpenFile : public RefCounted<OpenFile> {
public:
    // `flags`: the open(2) flags (access mode and status flags; creation flags are dropped).
    OpenFile(const Path& path, RefPtr<Inode> inode, int flags);
    virtual ~OpenFile() = default;

    const Path& path() const { return path_; }
    Inode* inode() const { return inode_.get(); }
    int flags() const { return flags_.load(std::memory_order_relaxed); }
    bool is_readable() const;
    bool is_writable() const;
    // O_PATH: the description only names a file (fstat, fchdir, *at() bases); reading,
    // writing, seeking, listing, truncating, ioctl and sync are EBADF, as on Linux.
    bool is_path_only() const { return flags() & abi::o_path; }
    // F_SETFL: only O_APPEND, O_NONBLOCK (and the ignored O_ASYNC/O_DIRECT/O_NOATIME) change.
    void set_status_flags(int flags);

    // read(2)/write(2): at the file offset, which they advance (write with O_APPEND first
    // moves it to the end). EBADF when not open for that access.
    virtual Result<usize> read(IoBuffer& buffer, usize count);
    virtual Result<usize> write(const IoBuffer& buffer, usize count);
    // pread(2)/pwrite(2): at `offset`, leaving the file offset alone (ESPIPE on pipes).
    virtual Result<usize> read_at(u64 offset, IoBuffer& buffer, usize count);
    virtual Result<usize> write_at(u64 offset, const IoBuffer& buffer, usize count);
    // lseek(2); returns the new offset.
    virtual Result<u64> seek(i64 offset, int whence);
    // getdents64: visits entries from the offset on and advances it past each one visited
    // that the visitor accepted. ENOTDIR for non-directories.
    virtual Result<void> read_directory(DirectoryVisitor visitor);
    // ioctl(2) requests of this kind of file (the generic ones, FIONBIO, FIOCLEX, ..., are
    // answered by the syscall before it gets here). ENOTTY for unknown requests.
    virtual Result<long> ioctl(u32 request, const IoctlArgument& argument);
    // The events ready now (poll_in when a read would not block, ...). The base class:
    // always readable and writable, as Linux answers for files without a poll method.
    virtual u32 poll_events();
    // ftruncate(2): EINVAL unless a regular file open for writing.
    virtual Result<void> truncate(u64 size);
    virtual Result<void> sync();
    virtual FileStat stat() const;
    // The mmap hook: what a mapping of this file is made of. ENODEV for files that cannot be
    // mapped (pipes, most devices, directories), EBADF for O_PATH. The caller checks the
    // access mode against the protection (EACCES) as mmap(2) does.
    virtual Result<MappingSource> mmap_source();

    u64 offset() const;

protected:
    Path path_;
    RefPtr<Inode> inode_;
    std::atomic<int> flags_;
    mutable Mutex offset_lock_;  // serializes read/write/seek on this description (POSIX)
    u64 offset_ = 0;
};

}  // namespace kernel
