// KString: an owned, NUL-terminated, immutable string on the kernel heap (names of
// directory entries, symlink targets). Creation can fail (ENOMEM), so it goes through
// KString::copy; moving is free.
#pragma once

#include <utility>

#include "../mm/kmalloc.h"
#include "result.h"
#include "string_view.h"

namespace kernel {

class KString {
public:
    KString() = default;
    static Result<KString> copy(StringView text) {
        auto* data = static_cast<char*>(kmalloc(text.length() + 1));
        if (!data) return Errno::enomem;
        if (text.length()) kstd::memcpy(data, text.data(), text.length());
        data[text.length()] = '\0';
        KString result;
        result.data_ = data;
        result.length_ = text.length();
        return result;
    }
    KString(KString&& other) : data_(std::exchange(other.data_, nullptr)), length_(std::exchange(other.length_, 0)) {}
    KString& operator=(KString&& other) {
        if (this != &other) {
            kfree(data_);
            data_ = std::exchange(other.data_, nullptr);
            length_ = std::exchange(other.length_, 0);
        }
        return *this;
    }
    KString(const KString&) = delete;
    KString& operator=(const KString&) = delete;
    ~KString() { kfree(data_); }

    const char* c_str() const { return data_ ? data_ : ""; }
    usize length() const { return length_; }
    StringView view() const { return {c_str(), length_}; }

private:
    char* data_ = nullptr;
    usize length_ = 0;
};

}  // namespace kernel
