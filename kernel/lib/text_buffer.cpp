#include "text_buffer.h"

#include "../mm/kmalloc.h"
#include "format.h"
#include "string.h"

namespace kernel {

TextBuffer& TextBuffer::operator=(TextBuffer&& other) {
    if (this != &other) {
        kfree(data_);
        data_ = std::exchange(other.data_, nullptr);
        length_ = std::exchange(other.length_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
        failed_ = std::exchange(other.failed_, false);
    }
    return *this;
}

TextBuffer::~TextBuffer() { kfree(data_); }

bool TextBuffer::reserve(usize extra) {
    if (failed_) return false;
    if (extra > max_size || length_ + extra > max_size) {
        failed_ = true;
        return false;
    }
    usize needed = length_ + extra + 1;
    if (needed <= capacity_) return true;
    usize capacity = capacity_ ? capacity_ : 256;
    while (capacity < needed) capacity *= 2;
    auto* data = static_cast<char*>(kmalloc(capacity));
    if (!data) {
        failed_ = true;
        return false;
    }
    if (length_) kstd::memcpy(data, data_, length_);
    data[length_] = '\0';
    kfree(data_);
    data_ = data;
    capacity_ = capacity;
    return true;
}

void TextBuffer::append(const char* text, usize length) {
    if (!reserve(length)) return;
    kstd::memcpy(data_ + length_, text, length);
    length_ += length;
    data_[length_] = '\0';
}

void TextBuffer::appendf(const char* format, ...) {
    kstd::va_list arguments;
    __builtin_va_start(arguments, format);
    kstd::va_list again;
    __builtin_va_copy(again, arguments);
    // First into whatever room there is; when it did not fit, grow and format again.
    usize room = capacity_ > length_ ? capacity_ - length_ : 0;
    usize length = kstd::vformat(room ? data_ + length_ : nullptr, room, format, arguments);
    if (length < room) {
        length_ += length;
    } else if (reserve(length)) {
        kstd::vformat(data_ + length_, capacity_ - length_, format, again);
        length_ += length;
    }
    __builtin_va_end(again);
    __builtin_va_end(arguments);
}

}  // namespace kernel
