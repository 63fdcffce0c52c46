// TextBuffer: text built piece by piece on the kernel heap (the contents of /proc files).
// Appending never fails on the spot: when the heap cannot grow the buffer, or it would
// pass max_size, the buffer remembers it and status() reports ENOMEM, so generators
// append freely and check once at the end.
#pragma once

#include <utility>

#include "result.h"
#include "string_view.h"
#include "types.h"

namespace kernel {

class TextBuffer {
public:
    static constexpr usize max_size = 4 * MiB;

    TextBuffer() = default;
    TextBuffer(TextBuffer&& other)
        : data_(std::exchange(other.data_, nullptr)), length_(std::exchange(other.length_, 0)),
          capacity_(std::exchange(other.capacity_, 0)), failed_(std::exchange(other.failed_, false)) {}
    TextBuffer& operator=(TextBuffer&& other);
    TextBuffer(const TextBuffer&) = delete;
    TextBuffer& operator=(const TextBuffer&) = delete;
    ~TextBuffer();

    void append(const char* text, usize length);
    void append(StringView text) { append(text.data(), text.length()); }
    [[gnu::format(printf, 2, 3)]] void appendf(const char* format, ...);

    const char* data() const { return data_ ? data_ : ""; }
    usize length() const { return length_; }
    StringView view() const { return {data(), length_}; }
    Result<void> status() const { return failed_ ? Result<void>(Errno::enomem) : ok(); }
    // Records that a generator could not get what it needed (status() gives ENOMEM).
    void fail() { failed_ = true; }

private:
    // Room for `extra` more bytes and a terminating NUL; false (and failed_) when impossible.
    bool reserve(usize extra);

    char* data_ = nullptr;
    usize length_ = 0;
    usize capacity_ = 0;
    bool failed_ = false;
};

}  // namespace kernel
