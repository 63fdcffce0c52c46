#include "log_ring.h"

#include "string.h"

namespace kernel {

// What the ring stores before each record's caller name and text.
struct LogRing::Header {
    std::uint64_t sequence;
    std::uint64_t timestamp_ns;
    std::uint16_t text_length;
    std::uint16_t cpu;
    std::uint8_t level;
    std::uint8_t facility;
    std::uint8_t caller_length;
    std::uint8_t reserved;

    std::size_t record_size() const { return sizeof(Header) + caller_length + text_length; }
};

void LogRing::copy_in(std::size_t offset, const void* source, std::size_t count) {
    std::size_t position = (start_ + offset) % capacity_;
    std::size_t first = capacity_ - position < count ? capacity_ - position : count;
    kstd::memcpy(storage_ + position, source, first);
    if (count > first) kstd::memcpy(storage_, static_cast<const char*>(source) + first, count - first);
}

void LogRing::copy_out(std::size_t offset, void* destination, std::size_t count) const {
    std::size_t position = (start_ + offset) % capacity_;
    std::size_t first = capacity_ - position < count ? capacity_ - position : count;
    kstd::memcpy(destination, storage_ + position, first);
    if (count > first) kstd::memcpy(static_cast<char*>(destination) + first, storage_, count - first);
}

LogRing::Header LogRing::header_at(std::size_t offset) const {
    static_assert(sizeof(Header) == record_overhead);
    Header header;
    copy_out(offset, &header, sizeof header);
    return header;
}

void LogRing::drop_oldest() {
    std::size_t size = header_at(0).record_size();
    start_ = (start_ + size) % capacity_;
    used_ -= size;
    ++first_sequence_;
}

std::uint64_t LogRing::append(const LogRecord& metadata, const char* text, std::size_t length) {
    std::uint64_t sequence = next_sequence_++;
    std::size_t caller_length = kstd::strnlen(metadata.caller, LogRecord::caller_capacity - 1);
    if (capacity_ < sizeof(Header) + caller_length) {
        // Nothing fits: the record is lost as soon as it is made.
        while (used_) drop_oldest();
        first_sequence_ = next_sequence_;
        return sequence;
    }
    if (length > max_text) length = max_text;
    if (length > capacity_ - sizeof(Header) - caller_length) length = capacity_ - sizeof(Header) - caller_length;
    Header header {sequence,
                   metadata.timestamp_ns,
                   static_cast<std::uint16_t>(length),
                   metadata.cpu,
                   metadata.level,
                   metadata.facility,
                   static_cast<std::uint8_t>(caller_length),
                   0};
    std::size_t size = header.record_size();
    while (capacity_ - used_ < size) drop_oldest();
    copy_in(used_, &header, sizeof header);
    copy_in(used_ + sizeof header, metadata.caller, caller_length);
    copy_in(used_ + sizeof header + caller_length, text, length);
    used_ += size;
    return sequence;
}

bool LogRing::read(std::uint64_t sequence, LogRecord& record, char* text, std::size_t text_capacity) const {
    if (sequence < first_sequence_) sequence = first_sequence_;
    if (sequence >= next_sequence_) return false;
    // Records are consecutive: skip the older ones by their sizes.
    std::size_t offset = 0;
    for (std::uint64_t skip = sequence - first_sequence_; skip; --skip) offset += header_at(offset).record_size();
    Header header = header_at(offset);
    record.sequence = header.sequence;
    record.timestamp_ns = header.timestamp_ns;
    record.level = header.level;
    record.facility = header.facility;
    record.cpu = header.cpu;
    copy_out(offset + sizeof header, record.caller, header.caller_length);
    record.caller[header.caller_length] = '\0';
    record.text_length = header.text_length;
    std::size_t copied = header.text_length < text_capacity ? header.text_length : text_capacity;
    copy_out(offset + sizeof header + header.caller_length, text, copied);
    return true;
}

}  // namespace kernel
