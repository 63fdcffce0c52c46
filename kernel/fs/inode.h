// Inode: a file of any type in a mounted file system. The base class holds the metadata
// (mode, owner, link count, size, timestamps) under a spinlock; file systems derive from it
// and override the operations their files support. Every operation has a default that
// gives the errno Linux gives for a file of the wrong type.
//
// Locking: the metadata spinlock is a leaf lock. File systems protect their content with
// their own locks (tmpfs: a mutex per inode). The VFS holds a directory's directory_lock()
// across a lookup, its checks and the change of an entry (order: kernel/fs/vfs.h).
#pragma once

#include "../abi/stat.h"
#include "../core/mutex.h"
#include "../lib/function_ref.h"
#include "../lib/ref_ptr.h"
#include "../lib/result.h"
#include "../lib/spinlock.h"
#include "../lib/string_view.h"
#include "file_stat.h"
#include "file_system.h"
#include "io_buffer.h"

namespace kernel {

class OpenFile;
struct Path;

struct DirectoryEntry {
    StringView name;
    u64 inode = 0;
    u8 type = abi::dt_unknown;  // abi::dirent_type(mode)
    u64 next_cookie = 0;        // where iteration resumes after this entry (getdents d_off)
};
// Called for each entry in order; returns false to stop before the next one.
using DirectoryVisitor = FunctionRef<bool(const DirectoryEntry&)>;

// A metadata change the VFS makes after its checks (chmod, chown, utimensat): the fields
// whose `set_` flag is on change, the others stay.
struct MetadataChange {
    bool set_mode = false;
    u32 mode = 0;  // the low 12 bits
    bool set_owner = false;
    u32 uid = 0, gid = 0;
    bool set_times = false;
    // Each a time, or utime_now / utime_omit in `nanoseconds` (not both omitted).
    Timespec access, modify;
};

class Inode : public RefCounted<Inode> {
public:
    Inode(FileSystem& file_system, u32 mode, u32 uid, u32 gid, u64 rdevice = 0);
    virtual ~Inode() = default;

    FileSystem& file_system() const { return *file_system_; }
    u64 number() const { return number_; }
    u32 type() const { return type_; }  // fixed for the inode's life: read without the lock
    bool is_directory() const { return type() == abi::s_ifdir; }
    bool is_regular() const { return type() == abi::s_ifreg; }
    bool is_symlink() const { return type() == abi::s_iflnk; }
    u64 rdevice() const { return rdevice_; }

    // Held by the VFS while it changes this directory's entries (kernel/fs/vfs.h).
    Mutex& directory_lock() { return directory_lock_; }

    // Metadata.
    FileStat stat() const;
    u32 mode() const;
    u32 uid() const;
    u32 gid() const;
    u32 link_count() const;
    u64 size() const;
    void set_permissions(u32 mode);           // the low 12 bits; ctime
    void set_owner(u32 uid, u32 gid);         // ctime
    // Sets atime/mtime (nullptr: leave), updates ctime.
    void set_times(const Timespec* access, const Timespec* modify);
    void touch_access();
    void touch_modify();                      // mtime and ctime
    void touch_change();                      // ctime

    // Changes mode, owner and/or times and ctime. The default changes the inode's own
    // metadata; a file system that keeps its metadata elsewhere (hostfs: the host's file)
    // stores it there, and its error (EPERM...) cancels the change.
    virtual Result<void> change_metadata(const MetadataChange& change);
    // Reloads the metadata from where the file system keeps it, before the VFS reports it
    // (stat, fstat). A no-op unless files can change behind the kernel's back (hostfs).
    virtual void refresh_metadata() {}

    // Directory operations (ENOTDIR on other types). Names are single components, checked
    // by the VFS (not "." or "..", no '/', at most NAME_MAX bytes).
    virtual Result<RefPtr<Inode>> lookup(StringView name);
    // Creates a regular file, directory, device, FIFO or socket node; `mode` has the type.
    virtual Result<RefPtr<Inode>> create(StringView name, u32 mode, u32 uid, u32 gid, u64 rdevice);
    virtual Result<RefPtr<Inode>> create_symlink(StringView name, StringView target, u32 uid, u32 gid);
    virtual Result<void> link(StringView name, Inode& target);
    // Removes a non-directory entry (the VFS checks the types).
    virtual Result<void> unlink(StringView name);
    // Removes an empty directory entry (ENOTEMPTY otherwise).
    virtual Result<void> remove_directory(StringView name);
    // Moves entry `old_name` to `new_directory`/`new_name` (same file system), replacing an
    // existing entry atomically (the VFS checked the Linux rules before).
    virtual Result<void> rename(StringView old_name, Inode& new_directory, StringView new_name);
    // Visits the entries from `cookie` on (0 = start, "." and ".." first).
    virtual Result<void> iterate(u64 cookie, DirectoryVisitor visitor);
    virtual bool is_empty_directory();

    // Symlinks: copies the target (not NUL-terminated), at most `size` bytes.
    virtual Result<usize> read_link(IoBuffer& buffer, usize size);
    // "Magic" symlinks (procfs's exe, cwd, root, fd/N): following one leads straight to the
    // place it stands for, not to the text read_link shows, so a deleted file, a pipe or a
    // directory outside the caller's root is still reached (Linux's nd_jump_link).
    virtual bool is_magic_link() const { return false; }
    virtual Result<Path> follow_magic_link();

    // Dynamic file systems (procfs): whether the entry this inode was looked up as is gone
    // (its process exited). The VFS then forgets the cached dentry and asks the directory
    // again (Linux's d_revalidate).
    virtual bool is_stale() { return false; }
    // Directories whose entries go stale (/proc): each lookup in them first drops the
    // cached entries that are, so dead processes' dentries do not pile up.
    virtual bool has_volatile_children() const { return false; }

    // File contents.
    virtual Result<usize> read(u64 offset, IoBuffer& buffer, usize count);
    virtual Result<usize> write(u64 offset, const IoBuffer& buffer, usize count);
    // O_APPEND: writes at the end of file as one step (no other write can move the end
    // between choosing the position and writing); `end` is where the written data ends.
    // The default is size() then write(), which is atomic only for single writers: file
    // systems with concurrent writers override it.
    virtual Result<usize> append(const IoBuffer& buffer, usize count, u64& end);
    virtual Result<void> truncate(u64 size);
    virtual Result<void> sync() { return ok(); }
    // The storage the file holds, in 512-byte units (stat's st_blocks).
    virtual u64 allocated_blocks() const { return 0; }

    // Mapping (the mmap hook's file-system half): the frame holding page `index` of the
    // file, with a reference for the caller (mm::put_page when unmapped); a hole gets a
    // zeroed page first. EFAULT past the end of the file (the mapping's SIGBUS), ENOMEM or
    // ENOSPC when no page can be had, ENODEV for files whose pages cannot be mapped (the
    // default). Writes through a shared mapping go straight to the page the file reads.
    virtual Result<PhysAddr> page_for_mapping(u64 index);
    virtual bool can_map_pages() const { return false; }

    // Makes the open file for `path` (which names this inode). The default is a plain
    // OpenFile on the inode; devices and FIFOs return their own kinds.
    virtual Result<RefPtr<OpenFile>> open(const Path& path, int flags);

    // For file systems: the link count and size as the content changes.
    void set_link_count(u32 count);
    void increment_link_count();
    void decrement_link_count();
    void set_size(u64 size);

protected:
    // For file systems whose files have numbers of their own (hostfs: the host's st_ino).
    Inode(FileSystem& file_system, u64 number, u32 mode, u32 uid, u32 gid, u64 rdevice);
    // Replaces the cached permissions, owner, link count, size and times with `stat`'s
    // (not the type, number or device numbers), in one step.
    void load_metadata(const FileStat& stat);

private:
    RefPtr<FileSystem> file_system_;
    const u64 number_;
    const u64 rdevice_;
    const u32 type_;  // mode_'s type bits, apart: mode_ changes under the lock (chmod, hostfs reloads)

    Mutex directory_lock_;
    mutable Spinlock metadata_lock_;
    u32 mode_;
    u32 uid_, gid_;
    u32 link_count_ = 1;
    u64 size_ = 0;
    Timespec access_time_, modify_time_, change_time_, birth_time_;
};

}  // namespace kernel
