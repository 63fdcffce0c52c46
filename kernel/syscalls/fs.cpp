#include "fs.h"

#include "../abi/fcntl.h"
#include "../fs/vfs.h"
#include "../mm/user_memory.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

Process& current_process() { return current_user_thread()->process(); }

// Linux's MAX_RW_COUNT: one read or write moves at most this much.
constexpr usize max_transfer = 0x7ffff000;

}  // namespace

Result<long> sys_read(int fd, UserPtr<u8> buffer, usize count) {
    RefPtr<OpenFile> file = TRY(current_process().files().get(fd));
    if (count > max_transfer) count = max_transfer;
    if (count == 0) {
        IoBuffer empty = IoBuffer::kernel(static_cast<void*>(nullptr), 0);
        return static_cast<long>(TRY(file->read(empty, 0)));
    }
    // Regular files fill the buffer chunk by chunk; anything else (pipes, terminals) gets
    // one chunk, since a second read could block where Linux would have returned.
    bool whole = file->inode() && file->inode()->is_regular();
    usize done = 0;
    while (done < count) {
        PinnedUserRange pinned;
        auto pinning = pinned.pin(current_process().memory(), buffer.address() + done, count - done, hal::access_write);
        if (pinning.is_error()) {
            if (done) break;
            return pinning.error();
        }
        IoBuffer io = pinned.buffer();
        auto got = file->read(io, pinned.length());
        if (got.is_error()) {
            if (done) break;
            return got.error();
        }
        done += got.value();
        if (!whole || got.value() < pinned.length()) break;
    }
    return static_cast<long>(done);
}

Result<long> sys_write(int fd, UserPtr<u8> buffer, usize count) {
    RefPtr<OpenFile> file = TRY(current_process().files().get(fd));
    if (count > max_transfer) count = max_transfer;
    if (count == 0) {
        IoBuffer empty = IoBuffer::kernel(static_cast<const void*>(nullptr), 0);
        return static_cast<long>(TRY(file->write(empty, 0)));
    }
    usize done = 0;
    while (done < count) {
        PinnedUserRange pinned;
        auto pinning = pinned.pin(current_process().memory(), buffer.address() + done, count - done, hal::access_read);
        if (pinning.is_error()) {
            if (done) break;
            return pinning.error();
        }
        IoBuffer io = pinned.buffer();
        auto put = file->write(io, pinned.length());
        if (put.is_error()) {
            if (done) break;
            return put.error();
        }
        done += put.value();
        if (put.value() < pinned.length()) break;
    }
    return static_cast<long>(done);
}

Result<long> sys_close(int fd) {
    TRY(current_process().files().close(fd));
    return 0;
}

}  // namespace kernel
