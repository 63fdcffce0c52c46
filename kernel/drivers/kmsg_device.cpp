#include "kmsg_device.h"

#include "../abi/fcntl.h"
#include "../core/klog.h"
#include "../lib/format.h"
#include "../mm/heap.h"

namespace kernel {
namespace {

constexpr u32 default_message_level = 4;  // Linux's CONFIG_MESSAGE_LOGLEVEL_DEFAULT

bool needs_escape(u8 c) { return c < ' ' || c >= 127 || c == '\\'; }

class KmsgFile final : public OpenFile {
public:
    KmsgFile(const Path& path, RefPtr<Inode> inode, int flags)
        : OpenFile(path, std::move(inode), flags), sequence_(kernel_log_first_sequence()) {}

    Result<usize> read(IoBuffer& buffer, usize count) override;
    Result<usize> write(const IoBuffer& buffer, usize count) override;
    // Linux reads and writes /dev/kmsg at pread/pwrite too, ignoring the offset.
    Result<usize> read_at(u64, IoBuffer& buffer, usize count) override { return read(buffer, count); }
    Result<usize> write_at(u64, const IoBuffer& buffer, usize count) override { return write(buffer, count); }
    Result<u64> seek(i64 offset, int whence) override;
    u32 poll_events() override;

private:
    // Copies the formatted record to `buffer`; the caller checked that it fits.
    Result<void> copy_record(IoBuffer& buffer, const char* header, usize header_length, usize text_length);

    // The next record this reader gets. Atomic so that lseek and poll need not wait for a
    // reader blocked with offset_lock_ held.
    std::atomic<u64> sequence_;
    char text_[LogRing::max_text];  // the record being read, under offset_lock_
};

Result<usize> KmsgFile::read(IoBuffer& buffer, usize count) {
    if (!is_readable()) return Errno::ebadf;
    MutexGuard guard(offset_lock_);  // one reader of this description at a time, as Linux's user->lock
    LogRecord record;
    for (;;) {
        u64 sequence = sequence_.load(std::memory_order_relaxed);
        if (read_kernel_log_record(sequence, record, text_, sizeof text_)) {
            if (record.sequence != sequence) {
                // Overwritten before we read it: report the loss once, go on from the oldest.
                sequence_.store(record.sequence, std::memory_order_relaxed);
                return Errno::epipe;
            }
            break;
        }
        if (flags() & abi::o_nonblock) return Errno::eagain;
        wait_for_kernel_log_record(sequence);
    }
    char header[64];
    usize header_length = kstd::format(header, sizeof header, "%u,%llu,%llu,-;",
                                       static_cast<unsigned>(record.facility) * 8 + record.level,
                                       static_cast<unsigned long long>(record.sequence),
                                       static_cast<unsigned long long>(record.timestamp_ns / 1000));
    usize text_length = record.text_length < sizeof text_ ? record.text_length : sizeof text_;
    usize length = header_length + 1;
    for (usize i = 0; i < text_length; ++i) length += needs_escape(static_cast<u8>(text_[i])) ? 4 : 1;
    if (length > count) return Errno::einval;
    TRY(copy_record(buffer, header, header_length, text_length));
    sequence_.store(record.sequence + 1, std::memory_order_relaxed);
    return length;
}

Result<void> KmsgFile::copy_record(IoBuffer& buffer, const char* header, usize header_length, usize text_length) {
    TRY(buffer.write(0, header, header_length));
    usize position = header_length;
    char staging[256];
    usize staged = 0;
    const char* hex = "0123456789abcdef";
    for (usize i = 0; i <= text_length; ++i) {
        if (staged > sizeof staging - 4 || i == text_length) {
            TRY(buffer.write(position, staging, staged));
            position += staged;
            staged = 0;
        }
        if (i == text_length) break;
        u8 c = static_cast<u8>(text_[i]);
        if (needs_escape(c)) {
            staging[staged++] = '\\';
            staging[staged++] = 'x';
            staging[staged++] = hex[c >> 4];
            staging[staged++] = hex[c & 15];
        } else {
            staging[staged++] = static_cast<char>(c);
        }
    }
    return buffer.write(position, "\n", 1);
}

Result<usize> KmsgFile::write(const IoBuffer& buffer, usize count) {
    if (!is_writable()) return Errno::ebadf;
    if (count > LogRing::max_text) return Errno::einval;
    if (count == 0) return usize(0);
    char text[LogRing::max_text];
    TRY(buffer.read(0, text, count));
    u32 level = default_message_level;
    u8 facility = log_facility_user;
    usize start = 0;
    if (text[0] == '<') {
        // "<N>": decimal, as simple_strtoul parses it (wrapping on overflow).
        u32 value = 0;
        usize i = 1;
        while (i < count && text[i] >= '0' && text[i] <= '9') value = value * 10 + static_cast<u32>(text[i++] - '0');
        if (i < count && text[i] == '>') {
            level = value & 7;
            if ((value & 0x3f8) >> 3) facility = static_cast<u8>((value & 0x3f8) >> 3);
            start = i + 1;
        }
    }
    usize end = count;
    if (end > start && text[end - 1] == '\n') --end;
    klog_write(facility, static_cast<LogLevel>(level), text + start, end - start);
    return count;
}

Result<u64> KmsgFile::seek(i64 offset, int whence) {
    if (offset) return Errno::espipe;
    switch (whence) {
    case abi::seek_set:
    case abi::seek_data: sequence_.store(kernel_log_first_sequence(), std::memory_order_relaxed); break;
    case abi::seek_end: sequence_.store(kernel_log_next_sequence(), std::memory_order_relaxed); break;
    default: return Errno::einval;
    }
    return u64(0);
}

u32 KmsgFile::poll_events() {
    if (!is_readable()) return poll_err | poll_nval;
    u64 sequence = sequence_.load(std::memory_order_relaxed);
    if (sequence >= kernel_log_next_sequence()) return 0;
    if (sequence < kernel_log_first_sequence()) return poll_in | poll_err | poll_pri;
    return poll_in;
}

}  // namespace

Result<RefPtr<OpenFile>> open_kmsg_device(const Path& path, Inode& node, int flags) {
    RefPtr<KmsgFile> file = TRY(make_ref<KmsgFile>(path, RefPtr<Inode>(&node), flags));
    return RefPtr<OpenFile>(file.get());
}

}  // namespace kernel
