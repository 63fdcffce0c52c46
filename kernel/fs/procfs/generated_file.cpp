#include "generated_file.h"

#include "../../abi/fcntl.h"
#include "../../mm/heap.h"
#include "../open_file.h"

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
    // Writes go to the inode (EIO for files without a write method, as on Linux).
    Result<usize> write(const IoBuffer& buffer, usize count) override {
        if (!is_writable()) return Errno::ebadf;
        MutexGuard guard(offset_lock_);
        usize done = TRY(inode()->write(offset_, buffer, count));
        offset_ += done;
        return done;
    }
    Result<usize> write_at(u64 offset, const IoBuffer& buffer, usize count) override {
        if (!is_writable()) return Errno::ebadf;
        return inode()->write(offset, buffer, count);
    }
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

}  // namespace

Result<RefPtr<OpenFile>> GeneratedFileInode::open(const Path& path, int flags) {
    TextBuffer text;
    TRY(generate(text));
    TRY(text.status());
    RefPtr<ProcFile> file = TRY(make_ref<ProcFile>(path, RefPtr<Inode>(this), flags, std::move(text)));
    return RefPtr<OpenFile>(file.get());
}

}  // namespace kernel
