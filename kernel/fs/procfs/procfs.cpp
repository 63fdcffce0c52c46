#include "procfs.h"

#include "../../abi/fcntl.h"
#include "../../mm/heap.h"
#include "../file_system_type.h"
#include "../inode.h"
#include "../open_file.h"
#include "proc_files.h"

namespace kernel {
namespace {

// An open generated file: the text made at open, read like a regular file.
class ProcFile final : public OpenFile {
public:
    ProcFile(const Path& path, RefPtr<Inode> inode, int flags, TextBuffer text)
        : OpenFile(path, std::move(inode), flags), text_(std::move(text)) {}

    Result<usize> read(IoBuffer& buffer, usize count) override {
        if (!is_readable()) return Errno::ebadf;
        MutexGuard guard(offset_lock_);
        usize done = TRY(copy_out(offset_, buffer, count));
        offset_ += done;
        return done;
    }
    Result<usize> read_at(u64 offset, IoBuffer& buffer, usize count) override {
        if (!is_readable()) return Errno::ebadf;
        return copy_out(offset, buffer, count);
    }
    // Linux: a proc file without a write method fails writes with EIO.
    Result<usize> write(const IoBuffer&, usize) override { return is_writable() ? Errno::eio : Errno::ebadf; }
    Result<usize> write_at(u64, const IoBuffer&, usize) override { return is_writable() ? Errno::eio : Errno::ebadf; }
    // As seq_lseek: absolute and relative moves only.
    Result<u64> seek(i64 offset, int whence) override {
        MutexGuard guard(offset_lock_);
        i64 base;
        switch (whence) {
        case abi::seek_set: base = 0; break;
        case abi::seek_cur: base = static_cast<i64>(offset_); break;
        default: return Errno::einval;
        }
        i64 result;
        if (__builtin_add_overflow(base, offset, &result) || result < 0) return Errno::einval;
        offset_ = static_cast<u64>(result);
        return offset_;
    }
    // Linux's default poll mask for files without a poll method.
    u32 poll_events() override { return poll_in | poll_out; }

private:
    Result<usize> copy_out(u64 offset, IoBuffer& buffer, usize count) {
        if (offset >= text_.length()) return usize(0);
        usize available = text_.length() - static_cast<usize>(offset);
        if (count > available) count = available;
        TRY(buffer.write(0, text_.data() + offset, count));
        return count;
    }

    const TextBuffer text_;
};

class ProcFileInode final : public Inode {
public:
    ProcFileInode(FileSystem& file_system, const ProcFileEntry& entry)
        : Inode(file_system, abi::s_ifreg | 0444, 0u, 0u), entry_(entry) {}

    Result<RefPtr<OpenFile>> open(const Path& path, int flags) override {
        TextBuffer text;
        entry_.generate(text);
        TRY(text.status());
        RefPtr<ProcFile> file = TRY(make_ref<ProcFile>(path, RefPtr<Inode>(this), flags, std::move(text)));
        return RefPtr<OpenFile>(file.get());
    }
    Result<usize> write(u64, const IoBuffer&, usize) override { return Errno::eio; }
    // open(O_TRUNC) by root succeeds and changes nothing, as on Linux.
    Result<void> truncate(u64) override { return ok(); }

private:
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
        return ok();
    }

    Result<RefPtr<Inode>> lookup(StringView name) override {
        Inode* file = find(name);
        if (!file) return Errno::enoent;
        return RefPtr<Inode>(file);
    }
    // Linux's proc lookups fail for unknown names, so creating one ends there: ENOENT.
    Result<RefPtr<Inode>> create(StringView, u32, u32, u32, u64) override { return Errno::enoent; }
    Result<RefPtr<Inode>> create_symlink(StringView, StringView, u32, u32) override { return Errno::enoent; }
    Result<void> link(StringView, Inode&) override { return Errno::enoent; }
    // The directory has no unlink, rmdir or rename methods: EPERM (for names that exist).
    Result<void> unlink(StringView name) override { return find(name) ? Errno::eperm : Errno::enoent; }
    Result<void> remove_directory(StringView name) override { return find(name) ? Errno::eperm : Errno::enoent; }
    Result<void> rename(StringView old_name, Inode&, StringView new_name) override {
        return find(old_name) && find(new_name) ? Errno::eperm : Errno::enoent;
    }
    Result<void> iterate(u64 cookie, DirectoryVisitor visitor) override {
        if (cookie == 0 && !visitor({StringView(".", 1), number(), abi::dt_dir, 1})) return ok();
        if (cookie <= 1 && !visitor({StringView("..", 2), number(), abi::dt_dir, 2})) return ok();
        for (usize i = cookie > 2 ? static_cast<usize>(cookie - 2) : 0; i < proc_root_file_count; ++i) {
            if (!visitor({StringView(proc_root_files[i].name), files_[i]->number(), abi::dt_reg, i + 3})) break;
        }
        return ok();
    }
    bool is_empty_directory() override { return false; }

private:
    Inode* find(StringView name) const {
        for (usize i = 0; i < proc_root_file_count; ++i)
            if (StringView(proc_root_files[i].name) == name) return files_[i].get();
        return nullptr;
    }

    RefPtr<ProcFileInode> files_[proc_root_file_count];
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
