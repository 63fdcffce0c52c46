#include "script.h"

namespace kernel {

namespace {

// The first script_buffer_size bytes of the file, NUL-padded past its end (as Linux's
// bprm->buf). Positions are indexes; `last` bounds below are inclusive, as in Linux.
class LineBuffer {
public:
    LineBuffer(const u8* buffer, usize length)
        : buffer_(buffer), length_(length < script_buffer_size ? length : script_buffer_size) {}

    char at(usize index) const { return index < length_ ? static_cast<char>(buffer_[index]) : '\0'; }
    usize length() const { return length_; }
    // The text in [start, end), which holds no NUL. A view that starts in the padding past
    // the file is empty and points at a constant rather than past the caller's buffer.
    StringView view(usize start, usize end) const {
        if (start >= length_) return StringView("", 0);
        return StringView(reinterpret_cast<const char*>(buffer_) + start, end - start);
    }

    static bool blank(char c) { return c == ' ' || c == '\t'; }

    // The first position in [first, last] that is not a blank, or none.
    bool next_non_blank(usize first, usize last, usize& found) const {
        for (usize i = first; i <= last; ++i)
            if (!blank(at(i))) return found = i, true;
        return false;
    }
    // The first blank or NUL in [first, last], or none.
    bool next_terminator(usize first, usize last, usize& found) const {
        for (usize i = first; i <= last; ++i)
            if (blank(at(i)) || at(i) == '\0') return found = i, true;
        return false;
    }
    // The first '\n' before any NUL (Linux's strnchr), or none.
    bool newline(usize& found) const {
        for (usize i = 0; i < script_buffer_size && at(i) != '\0'; ++i)
            if (at(i) == '\n') return found = i, true;
        return false;
    }

private:
    const u8* buffer_;
    usize length_;
};

}  // namespace

bool is_script(const u8* buffer, usize length) { return length >= 2 && buffer[0] == '#' && buffer[1] == '!'; }

Result<ScriptInterpreter> parse_script_line(const u8* buffer, usize length) {
    if (!is_script(buffer, length)) return Errno::enoexec;
    LineBuffer line(buffer, length);
    constexpr usize last = script_buffer_size - 1;

    // Where the line ends (exclusive).
    usize end = 0;
    if (!line.newline(end)) {
        // No newline: the interpreter path must be followed by a blank or NUL somewhere in
        // the buffer, or it may have been cut off. The line is then the first 255 bytes.
        usize first = 0, terminator = 0;
        if (!line.next_non_blank(2, last, first)) return Errno::enoexec;
        if (!line.next_terminator(first, last, terminator)) return Errno::enoexec;
        end = last;
    }
    while (LineBuffer::blank(line.at(end - 1))) --end;  // byte 1 is '!', so this stops

    usize name = 0;
    if (!line.next_non_blank(2, end, name) || name == end) return Errno::enoexec;

    usize separator = end;
    bool has_separator = line.next_terminator(name, end, separator);
    usize argument = 0;
    bool has_argument = has_separator && line.at(separator) != '\0' && line.next_non_blank(separator, end, argument);

    ScriptInterpreter result;
    usize name_end = has_separator ? separator : end;
    if (name_end == name) return Errno::eacces;  // the path starts with a NUL
    result.path = line.view(name, name_end);
    if (has_argument) {
        result.has_argument = true;
        usize argument_end = argument;
        while (argument_end < end && line.at(argument_end) != '\0') ++argument_end;
        result.argument = line.view(argument, argument_end);
    }
    return result;
}

}  // namespace kernel
