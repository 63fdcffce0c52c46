// A ring of log records: the kernel log keeps its most recent messages here. Each record
// has a sequence number (consecutive from 0, never reused), a timestamp, a syslog level and
// facility, the CPU and thread that logged it, and its text (one message, no trailing
// newline). It is Linux's printk ring buffer simplified: one writer at a time, readers
// under the same lock. When the ring is full the oldest whole records are dropped; a reader
// asking for a dropped number gets the oldest kept record instead and sees the gap in the
// numbers (/dev/kmsg turns it into EPIPE).
//
// Not synchronized: the owner locks around it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kernel {

struct LogRecord {
    static constexpr std::size_t caller_capacity = 32;  // a thread name, NUL-terminated

    std::uint64_t sequence = 0;
    std::uint64_t timestamp_ns = 0;
    std::uint8_t level = 0;       // 0 (emergency) .. 7 (debug)
    std::uint8_t facility = 0;    // syslog facility: 0 kernel, 1 user (written to /dev/kmsg)
    std::uint16_t cpu = 0;
    char caller[caller_capacity] = {};
    std::size_t text_length = 0;  // of the stored text (a read may copy less)
};

class LogRing {
public:
    // Longer texts are cut to this (Linux's PRINTKRB_RECORD_MAX).
    static constexpr std::size_t max_text = 1024;
    // Bytes a record takes besides its caller name and text.
    static constexpr std::size_t record_overhead = 24;

    LogRing(char* storage, std::size_t capacity) : storage_(storage), capacity_(capacity) {}

    // Appends a record with `metadata` (all but its sequence, which the ring assigns) and
    // `text`; returns its sequence number. A text that does not fit in the whole ring is
    // cut; a ring too small for even a header keeps nothing (the number is still used).
    std::uint64_t append(const LogRecord& metadata, const char* text, std::size_t length);

    // The oldest kept record numbered `sequence` or later: its metadata into `record`, its
    // text (at most `text_capacity` bytes, not terminated) into `text`. False when there is
    // none (yet).
    bool read(std::uint64_t sequence, LogRecord& record, char* text, std::size_t text_capacity) const;

    std::uint64_t first_sequence() const { return first_sequence_; }  // next_sequence() when empty
    std::uint64_t next_sequence() const { return next_sequence_; }
    std::size_t record_count() const { return static_cast<std::size_t>(next_sequence_ - first_sequence_); }
    std::size_t used() const { return used_; }  // bytes, headers included
    std::uint64_t records_dropped() const { return first_sequence_; }

private:
    struct Header;
    void copy_in(std::size_t offset_from_oldest, const void* source, std::size_t count);
    void copy_out(std::size_t offset_from_oldest, void* destination, std::size_t count) const;
    Header header_at(std::size_t offset_from_oldest) const;
    void drop_oldest();

    char* storage_;
    std::size_t capacity_;
    std::size_t start_ = 0;  // where the oldest record begins
    std::size_t used_ = 0;
    std::uint64_t first_sequence_ = 0;
    std::uint64_t next_sequence_ = 0;
};

}  // namespace kernel
