#include "console_device.h"

#include "../abi/fcntl.h"
#include "../fs/character_devices.h"
#include "../fs/devtmpfs/devtmpfs.h"
#include "../mm/heap.h"
#include "../proc/user_thread.h"
#include "../tty/console.h"

namespace kernel {
namespace {

constexpr char end_of_file = 4;  // Ctrl-D, the VEOF character

class ConsoleFile final : public OpenFile {
public:
    ConsoleFile(const Path& path, RefPtr<Inode> inode, int flags) : OpenFile(path, std::move(inode), flags) {}

    Result<usize> read(IoBuffer& buffer, usize count) override {
        if (!is_readable()) return Errno::ebadf;
        if (count == 0) return usize(0);
        MutexGuard guard(offset_lock_);  // lines stay whole between readers of this description
        bool nonblocking = flags() & abi::o_nonblock;
        usize done = 0;
        while (done < count) {
            char c;
            if (nonblocking) {
                if (!console_try_read_char(c)) {
                    if (done == 0) return Errno::eagain;
                    break;
                }
            } else if (!console_read_char_unless(c, current_thread_must_stop)) {
                // A kill: what was read so far, else EINTR (the thread exits anyway).
                if (done == 0) return Errno::eintr;
                break;
            }
            if (c == end_of_file) break;
            if (c == '\r') c = '\n';
            TRY(buffer.write(done, &c, 1));
            ++done;
            if (c == '\n') break;
        }
        return done;
    }

    Result<usize> write(const IoBuffer& buffer, usize count) override {
        if (!is_writable()) return Errno::ebadf;
        char chunk[256];
        usize done = 0;
        while (done < count) {
            usize length = count - done < sizeof chunk ? count - done : sizeof chunk;
            if (auto copied = buffer.read(done, chunk, length); copied.is_error()) {
                if (done) break;
                return copied.error();
            }
            console_write(chunk, length);
            done += length;
        }
        return done;
    }

    Result<usize> read_at(u64, IoBuffer&, usize) override { return Errno::espipe; }
    Result<usize> write_at(u64, const IoBuffer&, usize) override { return Errno::espipe; }
    Result<u64> seek(i64, int) override { return Errno::espipe; }
    u32 poll_events() override { return (console_has_input() ? u32(poll_in) : 0u) | poll_out; }
};

Result<RefPtr<OpenFile>> open_console(const Path& path, Inode& node, int flags) {
    RefPtr<ConsoleFile> file = TRY(make_ref<ConsoleFile>(path, RefPtr<Inode>(&node), flags));
    return RefPtr<OpenFile>(file.get());
}

}  // namespace

Result<void> init_console_device() {
    TRY(register_character_device(tty_major, console_minor, 1, open_console));
    return devtmpfs_create_node("console", abi::s_ifchr | 0600, tty_major, console_minor);
}

}  // namespace kernel
