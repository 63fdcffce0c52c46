#include "format.h"

#include <cstdint>

#include "string.h"

namespace kstd {
namespace {

class Writer {
public:
    Writer(char* buffer, std::size_t size) : buffer_(buffer), size_(size) {}
    void put(char c) {
        if (length_ + 1 < size_) buffer_[length_] = c;
        ++length_;
    }
    void repeat(char c, int count) {
        while (count-- > 0) put(c);
    }
    std::size_t finish() {
        if (size_) buffer_[length_ < size_ ? length_ : size_ - 1] = '\0';
        return length_;
    }

private:
    char* buffer_;
    std::size_t size_;
    std::size_t length_ = 0;
};

struct Spec {
    bool left = false, zero = false, plus = false, space = false, alternate = false;
    int width = 0;
    int precision = -1;
};

void emit_padded(Writer& out, const Spec& spec, const char* prefix, const char* digits, int digit_count) {
    int prefix_length = static_cast<int>(strlen(prefix));
    int zeros = spec.precision > digit_count ? spec.precision - digit_count : 0;
    int body = prefix_length + zeros + digit_count;
    int pad = spec.width > body ? spec.width - body : 0;
    bool zero_pad = spec.zero && !spec.left && spec.precision < 0;
    if (!spec.left && !zero_pad) out.repeat(' ', pad);
    for (int i = 0; i < prefix_length; ++i) out.put(prefix[i]);
    if (zero_pad) out.repeat('0', pad);
    out.repeat('0', zeros);
    for (int i = 0; i < digit_count; ++i) out.put(digits[i]);
    if (spec.left) out.repeat(' ', pad);
}

void emit_number(Writer& out, Spec spec, std::uint64_t magnitude, bool negative, unsigned base, bool upper,
                 const char* base_prefix) {
    char digits[24];
    int count = 0;
    const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    // "%.0d" of zero prints no digits, as in C.
    if (!(magnitude == 0 && spec.precision == 0)) {
        do {
            digits[count++] = alphabet[magnitude % base];
            magnitude /= base;
        } while (magnitude);
    }
    for (int i = 0; i < count / 2; ++i) {
        char t = digits[i];
        digits[i] = digits[count - 1 - i];
        digits[count - 1 - i] = t;
    }
    char prefix[4] = {};
    int p = 0;
    if (negative) prefix[p++] = '-';
    else if (spec.plus) prefix[p++] = '+';
    else if (spec.space) prefix[p++] = ' ';
    for (const char* b = base_prefix; *b; ++b) prefix[p++] = *b;
    emit_padded(out, spec, prefix, digits, count);
}

}  // namespace

std::size_t vformat(char* buffer, std::size_t size, const char* format, va_list arguments) {
    Writer out(buffer, size);
    for (const char* f = format; *f; ++f) {
        if (*f != '%') {
            out.put(*f);
            continue;
        }
        ++f;
        Spec spec;
        for (;; ++f) {
            if (*f == '-') spec.left = true;
            else if (*f == '0') spec.zero = true;
            else if (*f == '+') spec.plus = true;
            else if (*f == ' ') spec.space = true;
            else if (*f == '#') spec.alternate = true;
            else break;
        }
        if (*f == '*') {
            spec.width = __builtin_va_arg(arguments, int);
            if (spec.width < 0) spec.left = true, spec.width = -spec.width;
            ++f;
        } else {
            while (*f >= '0' && *f <= '9') spec.width = spec.width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            ++f;
            spec.precision = 0;
            if (*f == '*') {
                spec.precision = __builtin_va_arg(arguments, int);
                if (spec.precision < 0) spec.precision = -1;
                ++f;
            } else {
                while (*f >= '0' && *f <= '9') spec.precision = spec.precision * 10 + (*f++ - '0');
            }
        }
        // Length: 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t/ptrdiff_t/intmax_t.
        int length = 0;
        if (*f == 'h') {
            length = -1, ++f;
            if (*f == 'h') length = -2, ++f;
        } else if (*f == 'l') {
            length = 1, ++f;
            if (*f == 'l') length = 2, ++f;
        } else if (*f == 'z' || *f == 't' || *f == 'j') {
            length = 3, ++f;
        }
        switch (*f) {
        case 'd':
        case 'i': {
            std::int64_t value;
            if (length >= 1) value = __builtin_va_arg(arguments, std::int64_t);
            else value = __builtin_va_arg(arguments, int);
            if (length == -1) value = static_cast<short>(value);
            if (length == -2) value = static_cast<signed char>(value);
            std::uint64_t magnitude = value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
            emit_number(out, spec, magnitude, value < 0, 10, false, "");
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            std::uint64_t value;
            if (length >= 1) value = __builtin_va_arg(arguments, std::uint64_t);
            else value = __builtin_va_arg(arguments, unsigned);
            if (length == -1) value = static_cast<unsigned short>(value);
            if (length == -2) value = static_cast<unsigned char>(value);
            unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
            spec.plus = spec.space = false;  // signs are for signed conversions only
            const char* prefix = "";
            if (spec.alternate && value != 0 && (*f == 'x' || *f == 'X')) prefix = *f == 'x' ? "0x" : "0X";
            if (spec.alternate && *f == 'o') {
                // '#' raises the precision just enough to make the first digit a zero.
                int digit_count = 0;
                for (std::uint64_t v = value; v; v /= 8) ++digit_count;
                if (digit_count >= spec.precision) {
                    if (value != 0) prefix = "0";
                    else if (spec.precision == 0) spec.precision = 1;
                }
            }
            emit_number(out, spec, value, false, base, *f == 'X', prefix);
            break;
        }
        case 'p': {
            auto value = reinterpret_cast<std::uintptr_t>(__builtin_va_arg(arguments, void*));
            emit_number(out, spec, value, false, 16, false, "0x");
            break;
        }
        case 's': {
            const char* text = __builtin_va_arg(arguments, const char*);
            if (!text) text = "(null)";
            std::size_t count = spec.precision >= 0 ? strnlen(text, static_cast<std::size_t>(spec.precision)) : strlen(text);
            spec.precision = -1;
            spec.zero = false;
            emit_padded(out, spec, "", text, static_cast<int>(count));
            break;
        }
        case 'c': {
            char c = static_cast<char>(__builtin_va_arg(arguments, int));
            spec.precision = -1;
            spec.zero = false;
            emit_padded(out, spec, "", &c, 1);
            break;
        }
        case '%':
            out.put('%');
            break;
        case '\0':
            --f;  // a lone '%' at the end prints nothing
            break;
        default:
            out.put('%');
            out.put(*f);
            break;
        }
    }
    return out.finish();
}

std::size_t format(char* buffer, std::size_t size, const char* format, ...) {
    va_list arguments;
    __builtin_va_start(arguments, format);
    std::size_t length = vformat(buffer, size, format, arguments);
    __builtin_va_end(arguments);
    return length;
}

}  // namespace kstd
