// StringView: a non-owning (pointer, length) view of characters; not NUL-terminated.
#pragma once

#include "string.h"
#include "types.h"

namespace kernel {

class StringView {
public:
    constexpr StringView() = default;
    constexpr StringView(const char* data, usize length) : data_(data), length_(length) {}
    StringView(const char* text) : data_(text), length_(text ? kstd::strlen(text) : 0) {}

    constexpr const char* data() const { return data_; }
    constexpr usize length() const { return length_; }
    constexpr bool is_empty() const { return length_ == 0; }
    constexpr char operator[](usize index) const { return data_[index]; }

    bool operator==(StringView other) const {
        return length_ == other.length_ && (length_ == 0 || kstd::memcmp(data_, other.data_, length_) == 0);
    }
    bool starts_with(StringView prefix) const {
        return prefix.length_ <= length_ && StringView(data_, prefix.length_) == prefix;
    }
    constexpr StringView substring(usize start, usize count) const { return {data_ + start, count}; }
    constexpr StringView substring(usize start) const { return {data_ + start, length_ - start}; }
    bool contains(char character) const {
        for (usize i = 0; i < length_; ++i)
            if (data_[i] == character) return true;
        return false;
    }

private:
    const char* data_ = nullptr;
    usize length_ = 0;
};

}  // namespace kernel
