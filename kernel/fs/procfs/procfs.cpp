#include "procfs.h"

#include "../../abi/fcntl.h"
#include "../../lib/format.h"
#include "../../mm/heap.h"
#include "../../proc/process.h"
#include "../file_system_type.h"
#include "../inode.h"
#include "../open_file.h"
#include "generated_file.h"
#include "proc_files.h"
#include "process_directory.h"

namespace kernel {
namespace {

class ProcFileInode final : public GeneratedFileInode {
public:
    ProcFileInode(FileSystem& file_system, const ProcFileEntry& entry)
        : GeneratedFileInode(file_system, 0444), entry_(entry) {}

private:
    Result<void> generate(TextBuffer& text) override {
        entry_.generate(text);
        return ok();
    }

    const ProcFileEntry& entry_;
};

class ProcRootInode final : public Inode {
public:
    explicit ProcRootInode(FileSystem& file_system) : Inode(file_system, abi::s_ifdir | 0555, 0u, 0u) {
        set_link_count(2);
    }

    Result<void> make_files() {
        for (usize i = 0; i < proc_root_file_count; ++i)
            files_[i] = TRY(make_ref<ProcFileInode>(file_system(), proc_root_files[i]));
        self_ = TRY(make_self_link(file_system()));
        return ok();
    }

    Result<RefPtr<Inode>> lookup(StringView name) override {
        if (Inode* file = find(name)) return RefPtr<Inode>(file);
        Pid pid = parse_pid(name);
        if (!pid) return Errno::enoent;
        RefPtr<Process> process = Process::find(pid);
        if (!process) return Errno::enoent;
        return make_process_directory(file_system(), *process);
    }
    // Linux's proc lookups fail for unknown names, so creating one ends there: ENOENT.
    Result<RefPtr<Inode>> create(StringView, u32, u32, u32, u64) override { return Errno::enoent; }
    Result<RefPtr<Inode>> create_symlink(StringView, StringView, u32, u32) override { return Errno::enoent; }
    Result<void> link(StringView, Inode&) override { return Errno::enoent; }
    // The directory has no unlink, rmdir or rename methods: EPERM (for names that exist).
    Result<void> unlink(StringView name) override { return exists(name) ? Errno::eperm : Errno::enoent; }
    Result<void> remove_directory(StringView name) override { return exists(name) ? Errno::eperm : Errno::enoent; }
    Result<void> rename(StringView old_name, Inode&, StringView new_name) override {
        return exists(old_name) && exists(new_name) ? Errno::eperm : Errno::enoent;
    }
    // ".", "..", the files, "self", then one directory per process in pid order (cookie
    // self_cookie + 1 + pid resumes after that pid).
    Result<void> iterate(u64 cookie, DirectoryVisitor visitor) override {
        if (cookie == 0 && !visitor({StringView(".", 1), number(), abi::dt_dir, 1})) return ok();
        if (cookie <= 1 && !visitor({StringView("..", 2), number(), abi::dt_dir, 2})) return ok();
        for (usize i = cookie > 2 ? static_cast<usize>(cookie - 2) : 0; i < proc_root_file_count; ++i) {
            if (!visitor({StringView(proc_root_files[i].name), files_[i]->number(), abi::dt_reg, i + 3})) return ok();
        }
        constexpr u64 self_cookie = proc_root_file_count + 3;
        if (cookie < self_cookie && !visitor({StringView("self", 4), self_->number(), abi::dt_lnk, self_cookie}))
            return ok();
        Pid after = cookie > self_cookie ? static_cast<Pid>(cookie - self_cookie) : 0;
        for (Pid pid = Process::next_pid_at_or_after(after + 1); pid; pid = Process::next_pid_at_or_after(pid + 1)) {
            char name[16];
            usize length = kstd::format(name, sizeof name, "%d", pid);
            if (!visitor({StringView(name, length), u64(pid) << 32, abi::dt_dir, self_cookie + u64(pid)})) break;
        }
        return ok();
    }
    bool is_empty_directory() override { return false; }
    bool has_volatile_children() const override { return true; }

private:
    Inode* find(StringView name) const {
        for (usize i = 0; i < proc_root_file_count; ++i)
            if (StringView(proc_root_files[i].name) == name) return files_[i].get();
        if (name == StringView("self", 4)) return self_.get();
        return nullptr;
    }
    bool exists(StringView name) const {
        if (find(name)) return true;
        Pid pid = parse_pid(name);
        return pid && Process::find(pid);
    }
    static Pid parse_pid(StringView name) {
        u64 pid;
        return parse_proc_number(name, max_pid, pid) && pid > 0 ? static_cast<Pid>(pid) : 0;
    }

    RefPtr<ProcFileInode> files_[proc_root_file_count];
    RefPtr<Inode> self_;
};

class ProcFileSystem final : public FileSystem {
public:
    static Result<RefPtr<FileSystem>> create(StringView, StringView) {
        RefPtr<ProcFileSystem> file_system = TRY(make_ref<ProcFileSystem>());
        // The root first: inode number 1, the files after it in table order.
        file_system->root_ = TRY(make_ref<ProcRootInode>(*file_system));
        TRY(file_system->root_->make_files());
        return RefPtr<FileSystem>(file_system.get());
    }

    const char* type_name() const override { return "proc"; }
    FileSystemStatistics statistics() const override {
        FileSystemStatistics statistics;
        statistics.magic = abi::proc_super_magic;
        return statistics;
    }
    RefPtr<Inode> root() override { return RefPtr<Inode>(root_.get()); }
    // Inodes reference their file system: dropping the root breaks the cycle, so the
    // inodes and the file system go with the last dentry and open file that use them.
    void unmounted() override { root_ = nullptr; }

private:
    RefPtr<ProcRootInode> root_;
};

}  // namespace

Result<void> register_procfs() { return register_file_system_type("proc", ProcFileSystem::create); }

}  // namespace kernel
