#include "process_directory.h"

#include "../../lib/format.h"
#include "../../mm/heap.h"
#include "../../mm/kmalloc.h"
#include "../../proc/process.h"
#include "../../proc/user_thread.h"
#include "../mount.h"
#include "../pipe.h"
#include "generated_file.h"
#include "proc_files.h"
#include "process_files.h"

namespace kernel {
namespace {

// A process named by pid and serial: looked up afresh each time, so nothing here keeps
// a reaped process alive, and a pid reused by another process is not mistaken for it.
class ProcessHandle {
public:
    explicit ProcessHandle(Process& process) : pid_(process.pid()), serial_(process.serial()) {}

    Pid pid() const { return pid_; }
    RefPtr<Process> get() const {
        RefPtr<Process> process = Process::find(pid_);
        if (!process || process->serial() != serial_) return {};
        return process;
    }

private:
    Pid pid_;
    u64 serial_;
};

// Inode numbers: a block of 2^32 per pid (the directory, then its entries, then fd/N).
u64 process_inode_number(Pid pid, u64 slot) { return (u64(pid) << 32) | slot; }
constexpr u64 fd_slot_base = 1u << 16;

Credentials reader_credentials() {
    if (UserThread* thread = current_user_thread()) return thread->process().credentials();
    return Credentials::root();
}

// Linux's ptrace_may_access(PTRACE_MODE_READ_FSCREDS) for exe, cwd, root, fd and environ:
// the superuser, or a reader whose fs ids match all of the target's real, effective and
// saved ids.
bool may_inspect(const Process& target) {
    Credentials reader = reader_credentials();
    if (reader.fsuid == 0) return true;
    Credentials owner = target.credentials();
    return reader.fsuid == owner.uid && reader.fsuid == owner.euid && reader.fsuid == owner.suid &&
           reader.fsgid == owner.gid && reader.fsgid == owner.egid && reader.fsgid == owner.sgid;
}

// The owner Linux gives /proc/<pid> entries: the process's effective ids.
Credentials owner_of(const Process& process) { return process.credentials(); }

enum class EntryKind : u8 { fd, environ, limits, status, comm, cmdline, stat, statm, maps, cwd, root, exe, mounts };

struct EntrySpec {
    const char* name;
    EntryKind kind;
    u32 mode;  // type and permissions
};

// In Linux's order (tgid_base_stuff), the entries Newt has.
constexpr EntrySpec process_entries[] = {
    {"fd", EntryKind::fd, abi::s_ifdir | 0500},         {"environ", EntryKind::environ, abi::s_ifreg | 0400},
    {"limits", EntryKind::limits, abi::s_ifreg | 0444}, {"status", EntryKind::status, abi::s_ifreg | 0444},
    {"comm", EntryKind::comm, abi::s_ifreg | 0644},     {"cmdline", EntryKind::cmdline, abi::s_ifreg | 0444},
    {"stat", EntryKind::stat, abi::s_ifreg | 0444},     {"statm", EntryKind::statm, abi::s_ifreg | 0444},
    {"maps", EntryKind::maps, abi::s_ifreg | 0444},     {"cwd", EntryKind::cwd, abi::s_iflnk | 0777},
    {"root", EntryKind::root, abi::s_iflnk | 0777},     {"exe", EntryKind::exe, abi::s_iflnk | 0777},
    {"mounts", EntryKind::mounts, abi::s_ifreg | 0444},
};
constexpr usize process_entry_count = sizeof process_entries / sizeof process_entries[0];

// A file in /proc/<pid>: generated from the process at open (ESRCH once it is gone).
class ProcessFileInode final : public GeneratedFileInode {
public:
    ProcessFileInode(FileSystem& file_system, Process& process, usize slot)
        : GeneratedFileInode(file_system, process_inode_number(process.pid(), 1 + slot),
                             process_entries[slot].mode & 07777, owner_of(process).euid, owner_of(process).egid),
          process_(process),
          kind_(process_entries[slot].kind) {}

    bool is_stale() override { return !process_.get(); }
    // comm is writable by its owner (prctl(PR_SET_NAME)'s file form); the name is the
    // first 15 bytes written.
    Result<usize> write(u64 offset, const IoBuffer& buffer, usize count) override {
        if (kind_ != EntryKind::comm) return Errno::eio;
        (void)offset;  // Linux ignores the position: every write renames
        RefPtr<Process> process = process_.get();
        if (!process) return Errno::esrch;
        char name[16] = {};
        usize length = count < sizeof name - 1 ? count : sizeof name - 1;
        TRY(buffer.read(0, name, length));  // a newline stays part of the name, as on Linux
        process->set_name(StringView(name, length));
        return count;
    }

private:
    Result<void> generate(TextBuffer& text) override {
        RefPtr<Process> process = process_.get();
        if (!process) return Errno::esrch;
        switch (kind_) {
        case EntryKind::environ:
            if (!may_inspect(*process)) return Errno::eacces;
            generate_process_environ(*process, text);
            break;
        case EntryKind::limits: generate_process_limits(*process, text); break;
        case EntryKind::status: generate_process_status(*process, text); break;
        case EntryKind::comm: generate_process_comm(*process, text); break;
        case EntryKind::cmdline: generate_process_cmdline(*process, text); break;
        case EntryKind::stat: generate_process_stat(*process, text); break;
        case EntryKind::statm: generate_process_statm(*process, text); break;
        case EntryKind::maps: generate_process_maps(*process, text); break;
        case EntryKind::mounts: generate_mounts(text); break;
        default: return Errno::einval;
        }
        return ok();
    }

    ProcessHandle process_;
    EntryKind kind_;
};

// exe, cwd, root and fd/N: magic links to where the process's file or directory is.
class ProcessLinkInode final : public Inode {
public:
    ProcessLinkInode(FileSystem& file_system, Process& process, u64 number, EntryKind kind, int fd,
                     u32 permissions = 0777)
        : Inode(file_system, number, abi::s_iflnk | permissions, owner_of(process).euid, owner_of(process).egid, 0),
          process_(process),
          kind_(kind),
          fd_(fd) {}

    bool is_magic_link() const override { return true; }
    bool is_stale() override {
        RefPtr<Process> process = process_.get();
        if (!process) return true;
        if (kind_ != EntryKind::fd) return false;
        RefPtr<FileDescriptorTable> files = process->files_ref();
        return !files || files->get(fd_).is_error();
    }

    Result<Path> follow_magic_link() override {
        Target target = TRY(find_target());
        if (target.path.is_valid()) return target.path;
        // A pipe: reopened on the same pipe (FIFO rules); other nameless files cannot be.
        if (target.inode && is_anonymous_pipe(*target.inode)) return anonymous_pipe_path(*target.inode);
        return Errno::enxio;
    }

    Result<usize> read_link(IoBuffer& buffer, usize size) override {
        Target target = TRY(find_target());
        char* text = static_cast<char*>(kmalloc(abi::path_max + 16));
        if (!text) return Errno::enomem;
        Result<usize> length = Errno::enoent;
        if (target.inode && is_anonymous_pipe(*target.inode)) {
            length = kstd::format(text, abi::path_max, "pipe:[%llu]",
                                  static_cast<unsigned long long>(target.inode->number()));
        } else if (target.path.is_valid()) {
            length = absolute_path(target.path, reader_root(), text, abi::path_max);
            if (length.has_value() && target.path.dentry->is_detached()) {
                kstd::memcpy(text + length.value(), " (deleted)", sizeof " (deleted)" - 1);
                length = length.value() + sizeof " (deleted)" - 1;
            }
        } else if (target.inode) {
            // Other files without a name: Linux's "anon_inode:[...]" form.
            length = kstd::format(text, abi::path_max, "anon_inode:[%llu]",
                                  static_cast<unsigned long long>(target.inode->number()));
        }
        Result<usize> result = length;
        if (length.has_value()) {
            usize count = length.value() < size ? length.value() : size;
            auto written = buffer.write(0, text, count);
            result = written.is_error() ? Result<usize>(written.error()) : Result<usize>(count);
        }
        kfree(text);
        return result;
    }

private:
    struct Target {
        Path path;
        RefPtr<Inode> inode;
    };

    Result<Target> find_target() {
        RefPtr<Process> process = process_.get();
        if (!process) return Errno::enoent;
        if (!may_inspect(*process)) return Errno::eacces;
        switch (kind_) {
        case EntryKind::exe: {
            Path path = process->executable();
            if (!path.is_valid()) return Errno::enoent;
            return Target {path, nullptr};
        }
        case EntryKind::cwd:
        case EntryKind::root: {
            if (process->state() != ProcessState::alive) return Errno::enoent;
            VfsContext context = process->vfs_context();
            Path path = kind_ == EntryKind::cwd ? context.cwd : context.root;
            if (!path.is_valid()) return Errno::enoent;
            return Target {path, nullptr};
        }
        case EntryKind::fd: {
            RefPtr<FileDescriptorTable> files = process->files_ref();
            if (!files) return Errno::enoent;
            auto file = files->get(fd_);
            if (file.is_error()) return Errno::enoent;
            return Target {file.value()->path(), RefPtr<Inode>(file.value()->inode())};
        }
        default: return Errno::einval;
        }
    }

    ProcessHandle process_;
    EntryKind kind_;
    int fd_;
};

// A read-only directory whose entries the kernel makes: creating or removing anything in
// it fails as in Linux's proc directories.
class ProcessDirectoryBase : public Inode {
public:
    using Inode::Inode;
    Result<RefPtr<Inode>> create(StringView, u32, u32, u32, u64) override { return Errno::enoent; }
    Result<RefPtr<Inode>> create_symlink(StringView, StringView, u32, u32) override { return Errno::enoent; }
    Result<void> link(StringView, Inode&) override { return Errno::enoent; }
    Result<void> unlink(StringView name) override { return lookup(name).has_value() ? Errno::eperm : Errno::enoent; }
    Result<void> remove_directory(StringView name) override {
        return lookup(name).has_value() ? Errno::eperm : Errno::enoent;
    }
    Result<void> rename(StringView old_name, Inode&, StringView) override {
        return lookup(old_name).has_value() ? Errno::eperm : Errno::enoent;
    }
    bool is_empty_directory() override { return false; }
};

// /proc/<pid>/fd: one magic link per open descriptor.
class FdDirectoryInode final : public ProcessDirectoryBase {
public:
    FdDirectoryInode(FileSystem& file_system, Process& process, usize slot)
        : ProcessDirectoryBase(file_system, process_inode_number(process.pid(), 1 + slot), abi::s_ifdir | 0500,
                               owner_of(process).euid, owner_of(process).egid, 0),
          process_(process) {
        set_link_count(2);
    }

    bool is_stale() override { return !process_.get(); }

    Result<RefPtr<Inode>> lookup(StringView name) override {
        RefPtr<Process> process = process_.get();
        if (!process) return Errno::enoent;
        if (!may_inspect(*process)) return Errno::eacces;
        u64 fd;
        if (!parse_proc_number(name, FileDescriptorTable::max_descriptors, fd)) return Errno::enoent;
        RefPtr<FileDescriptorTable> files = process->files_ref();
        if (!files) return Errno::enoent;
        auto found = files->get(static_cast<int>(fd));
        if (found.is_error()) return Errno::enoent;
        RefPtr<OpenFile> file = found.release_value();
        // The link's mode shows the access of the open file (Linux: r-x, -wx or rwx).
        u32 permissions = (file->is_readable() ? 0500u : 0u) | (file->is_writable() ? 0300u : 0u);
        RefPtr<ProcessLinkInode> link = TRY(make_ref<ProcessLinkInode>(
            file_system(), *process, process_inode_number(process->pid(), fd_slot_base + fd), EntryKind::fd,
            static_cast<int>(fd), permissions));
        return RefPtr<Inode>(link.get());
    }

    Result<void> iterate(u64 cookie, DirectoryVisitor visitor) override {
        RefPtr<Process> process = process_.get();
        if (!process) return Errno::enoent;
        if (!may_inspect(*process)) return Errno::eacces;
        if (cookie == 0 && !visitor({StringView(".", 1), number(), abi::dt_dir, 1})) return ok();
        if (cookie <= 1 && !visitor({StringView("..", 2), number(), abi::dt_dir, 2})) return ok();
        RefPtr<FileDescriptorTable> files = process->files_ref();
        if (!files) return ok();
        // Cookie 3 + fd resumes after descriptor fd.
        for (int fd = files->next_open_at_or_after(cookie > 2 ? static_cast<int>(cookie - 2) : 0); fd >= 0;
             fd = files->next_open_at_or_after(fd + 1)) {
            char name[16];
            usize length = kstd::format(name, sizeof name, "%d", fd);
            if (!visitor({StringView(name, length), process_inode_number(process->pid(), fd_slot_base + u64(fd)),
                          abi::dt_lnk, u64(fd) + 3}))
                break;
        }
        return ok();
    }

private:
    ProcessHandle process_;
};

class ProcessDirectoryInode final : public ProcessDirectoryBase {
public:
    ProcessDirectoryInode(FileSystem& file_system, Process& process)
        : ProcessDirectoryBase(file_system, process_inode_number(process.pid(), 0), abi::s_ifdir | 0555,
                               owner_of(process).euid, owner_of(process).egid, 0),
          process_(process),
          owner_uid_(owner_of(process).euid) {
        set_link_count(3);  // ".", the name in /proc and fd's ".."
    }

    // Gone with its process; also remade when the owner changed (setuid), so the entries
    // show the process's current ids as Linux's pid_revalidate does.
    bool is_stale() override {
        RefPtr<Process> process = process_.get();
        return !process || process->credentials().euid != owner_uid_;
    }

    Result<RefPtr<Inode>> lookup(StringView name) override {
        RefPtr<Process> process = process_.get();
        if (!process) return Errno::enoent;
        for (usize slot = 0; slot < process_entry_count; ++slot) {
            if (StringView(process_entries[slot].name) != name) continue;
            return make_entry(*process, slot);
        }
        return Errno::enoent;
    }

    Result<void> iterate(u64 cookie, DirectoryVisitor visitor) override {
        if (!process_.get()) return Errno::enoent;
        if (cookie == 0 && !visitor({StringView(".", 1), number(), abi::dt_dir, 1})) return ok();
        if (cookie <= 1 && !visitor({StringView("..", 2), number(), abi::dt_dir, 2})) return ok();
        for (usize slot = cookie > 2 ? static_cast<usize>(cookie - 2) : 0; slot < process_entry_count; ++slot) {
            const EntrySpec& entry = process_entries[slot];
            if (!visitor({StringView(entry.name), process_inode_number(process_.pid(), 1 + slot),
                          abi::dirent_type(entry.mode), slot + 3}))
                break;
        }
        return ok();
    }

private:
    Result<RefPtr<Inode>> make_entry(Process& process, usize slot) {
        const EntrySpec& entry = process_entries[slot];
        if (entry.kind == EntryKind::fd) {
            RefPtr<FdDirectoryInode> directory = TRY(make_ref<FdDirectoryInode>(file_system(), process, slot));
            return RefPtr<Inode>(directory.get());
        }
        if ((entry.mode & abi::s_ifmt) == abi::s_iflnk) {
            RefPtr<ProcessLinkInode> link = TRY(make_ref<ProcessLinkInode>(
                file_system(), process, process_inode_number(process.pid(), 1 + slot), entry.kind, -1));
            return RefPtr<Inode>(link.get());
        }
        RefPtr<ProcessFileInode> file = TRY(make_ref<ProcessFileInode>(file_system(), process, slot));
        return RefPtr<Inode>(file.get());
    }

    ProcessHandle process_;
    u32 owner_uid_;
};

// /proc/self: its text is the reader's pid (ENOENT for kernel threads, as Linux's
// proc_self_get_link answers a task outside any pid namespace).
class SelfLinkInode final : public Inode {
public:
    explicit SelfLinkInode(FileSystem& file_system) : Inode(file_system, abi::s_iflnk | 0777, 0u, 0u) {}

    Result<usize> read_link(IoBuffer& buffer, usize size) override {
        UserThread* thread = current_user_thread();
        if (!thread) return Errno::enoent;
        char text[16];
        usize length = kstd::format(text, sizeof text, "%d", thread->process().pid());
        if (length > size) length = size;
        TRY(buffer.write(0, text, length));
        return length;
    }
};

}  // namespace

bool parse_proc_number(StringView name, u64 limit, u64& value) {
    if (name.length() == 0 || name.length() > 10 || (name[0] == '0' && name.length() > 1)) return false;
    value = 0;
    for (usize i = 0; i < name.length(); ++i) {
        if (name[i] < '0' || name[i] > '9') return false;
        value = value * 10 + u64(name[i] - '0');
    }
    return value < limit;
}

Result<RefPtr<Inode>> make_process_directory(FileSystem& file_system, Process& process) {
    RefPtr<ProcessDirectoryInode> directory = TRY(make_ref<ProcessDirectoryInode>(file_system, process));
    return RefPtr<Inode>(directory.get());
}

Result<RefPtr<Inode>> make_self_link(FileSystem& file_system) {
    RefPtr<SelfLinkInode> link = TRY(make_ref<SelfLinkInode>(file_system));
    return RefPtr<Inode>(link.get());
}

}  // namespace kernel
