#include "log_ring.h"

namespace kernel {

void LogRing::drop_oldest_line() {
    std::size_t length = 0;
    while (length < used_ && at(length) != '\n') ++length;
    if (length < used_) ++length;  // the newline itself
    start_ = (start_ + length) % capacity_;
    used_ -= length;
    ++dropped_lines_;
}

void LogRing::push(char c) {
    storage_[(start_ + used_) % capacity_] = c;
    ++used_;
    ++total_;
}

void LogRing::append(const char* text, std::size_t length) {
    if (capacity_ < 2) return;
    bool needs_newline = length == 0 || text[length - 1] != '\n';
    std::size_t line = length + (needs_newline ? 1 : 0);
    if (line > capacity_) {
        length = capacity_ - 1;
        needs_newline = true;
        line = capacity_;
    }
    while (capacity_ - used_ < line) drop_oldest_line();
    for (std::size_t i = 0; i < length; ++i) push(text[i]);
    if (needs_newline) push('\n');
}

std::size_t LogRing::read(char* buffer, std::size_t size, std::size_t skip) const {
    std::size_t copied = 0;
    for (std::size_t i = skip; i < used_ && copied < size; ++i) buffer[copied++] = at(i);
    return copied;
}

}  // namespace kernel
