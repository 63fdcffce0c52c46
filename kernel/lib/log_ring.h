// A ring of text lines: the kernel log keeps its most recent lines here. When full, the
// oldest whole lines are dropped. Not synchronized: the owner locks around it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kernel {

class LogRing {
public:
    LogRing(char* storage, std::size_t capacity) : storage_(storage), capacity_(capacity) {}

    // Appends `text` (a '\n' is added when missing). Lines longer than the ring are cut.
    void append(const char* text, std::size_t length);

    // Copies the kept text, oldest first, into `buffer`; returns the bytes copied.
    // `skip` bytes of the oldest text are skipped first.
    std::size_t read(char* buffer, std::size_t size, std::size_t skip = 0) const;

    std::size_t used() const { return used_; }
    std::uint64_t total_appended() const { return total_; }
    std::uint64_t lines_dropped() const { return dropped_lines_; }

private:
    char at(std::size_t offset_from_oldest) const { return storage_[(start_ + offset_from_oldest) % capacity_]; }
    void drop_oldest_line();
    void push(char c);

    char* storage_;
    std::size_t capacity_;
    std::size_t start_ = 0;
    std::size_t used_ = 0;
    std::uint64_t total_ = 0;
    std::uint64_t dropped_lines_ = 0;
};

}  // namespace kernel
