#include "random_device.h"

#include "../core/random.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "memory_devices.h"

namespace kernel {
namespace {

constexpr usize chunk_size = 512;  // generated on the stack, copied out, erased

class RandomFile final : public OpenFile {
public:
    RandomFile(const Path& path, RefPtr<Inode> inode, int flags, RandomDevice device)
        : OpenFile(path, std::move(inode), flags), device_(device) {}

    Result<usize> read(IoBuffer& buffer, usize count) override {
        if (!is_readable()) return Errno::ebadf;
        u8 chunk[chunk_size];
        usize done = 0;
        Result<void> copied = ok();
        while (done < count) {
            usize length = count - done < chunk_size ? count - done : chunk_size;
            get_random_bytes(chunk, length);
            copied = buffer.write(done, chunk, length);
            if (copied.is_error()) break;
            done += length;
        }
        kstd::memzero_explicit(chunk, sizeof chunk);
        if (done == 0 && copied.is_error()) return copied.error();
        return done;
    }

    Result<usize> write(const IoBuffer& buffer, usize count) override {
        if (!is_writable()) return Errno::ebadf;
        u8 chunk[chunk_size];
        usize done = 0;
        Result<void> copied = ok();
        while (done < count) {
            usize length = count - done < chunk_size ? count - done : chunk_size;
            copied = buffer.read(done, chunk, length);
            if (copied.is_error()) break;
            random_add_entropy(chunk, length);
            done += length;
        }
        kstd::memzero_explicit(chunk, sizeof chunk);
        if (done == 0 && copied.is_error()) return copied.error();
        return done;
    }

    Result<usize> read_at(u64, IoBuffer& buffer, usize count) override { return read(buffer, count); }
    Result<usize> write_at(u64, const IoBuffer& buffer, usize count) override { return write(buffer, count); }
    Result<u64> seek(i64, int whence) override { return seek_without_position(whence); }
    // Linux: /dev/random polls readable once the generator is seeded, never writable;
    // /dev/urandom has no poll method and gets the default, readable and writable.
    u32 poll_events() override { return device_ == RandomDevice::random ? u32(poll_in) : u32(poll_in | poll_out); }

private:
    const RandomDevice device_;
};

}  // namespace

Result<RefPtr<OpenFile>> open_random_device(const Path& path, Inode& node, int flags, RandomDevice device) {
    RefPtr<RandomFile> file = TRY(make_ref<RandomFile>(path, RefPtr<Inode>(&node), flags, device));
    return RefPtr<OpenFile>(file.get());
}

}  // namespace kernel
