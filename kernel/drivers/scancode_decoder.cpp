#include "scancode_decoder.h"

namespace kernel {
namespace {

constexpr char escape = 0x1b;
constexpr char del = 0x7f;

// Set 1 make codes 0x00-0x39 of the US layout; 0 where a key has no character.
constexpr char plain[0x3a] = {
    0,   escape, '1', '2', '3',  '4', '5', '6', '7', '8', '9', '0', '-', '=', del, '\t',
    'q', 'w',    'e', 'r', 't',  'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0,  'a', 's',
    'd', 'f',    'g', 'h', 'j',  'k', 'l', ';', '\'', '`', 0,  '\\', 'z', 'x', 'c', 'v',
    'b', 'n',    'm', ',', '.',  '/', 0,   '*', 0,   ' ',
};
constexpr char shifted[0x3a] = {
    0,   escape, '!', '@', '#',  '$', '%', '^', '&', '*', '(', ')', '_', '+', del, '\t',
    'Q', 'W',    'E', 'R', 'T',  'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0,  'A', 'S',
    'D', 'F',    'G', 'H', 'J',  'K', 'L', ':', '"', '~', 0,   '|', 'Z', 'X', 'C', 'V',
    'B', 'N',    'M', '<', '>',  '?', 0,   '*', 0,   ' ',
};

// Make codes of the keys handled by name (members of the decoder share some names).
namespace key {
enum : u8 {
    left_ctrl = 0x1d, left_shift = 0x2a, right_shift = 0x36, left_alt = 0x38, caps_lock = 0x3a,
    num_lock = 0x45, keypad_first = 0x47, keypad_last = 0x53,
    // The same codes after 0xE0:
    keypad_enter = 0x1c, right_ctrl = 0x1d, keypad_slash = 0x35, right_alt = 0x38,
};
}  // namespace key
constexpr u8 extended_prefix = 0xe0;
constexpr u8 pause_prefix = 0xe1;
constexpr u8 release_bit = 0x80;

// The navigation keys (extended codes, or the keypad without Num Lock), 0x47-0x53.
constexpr const char* navigation[key::keypad_last - key::keypad_first + 1] = {
    "\x1b[H", "\x1b[A", "\x1b[5~", nullptr, "\x1b[D", nullptr, "\x1b[C", nullptr,
    "\x1b[F", "\x1b[B", "\x1b[6~", "\x1b[2~", "\x1b[3~",
};
constexpr char keypad_digits[] = "789-456+1230.";

usize copy(const char* text, char (&output)[ScancodeDecoder::max_output]) {
    usize length = 0;
    while (text[length] && length < ScancodeDecoder::max_output) {
        output[length] = text[length];
        ++length;
    }
    return length;
}

}  // namespace

usize ScancodeDecoder::character(char base, char (&output)[max_output]) const {
    char c = base;
    if (ctrl()) {
        if ((c >= '@' && c <= '_') || (c >= 'a' && c <= 'z')) c = static_cast<char>(c & 0x1f);
        else if (c == '?') c = del;
        else if (c == ' ') c = 0;
    }
    output[0] = c;
    return 1;
}

usize ScancodeDecoder::press(u8 code, char (&output)[max_output]) {
    switch (code) {
    case key::left_shift: left_shift_ = true; return 0;
    case key::right_shift: right_shift_ = true; return 0;
    case key::left_ctrl: left_ctrl_ = true; return 0;
    case key::left_alt: left_alt_ = true; return 0;
    case key::caps_lock:
        if (!caps_lock_held_) caps_lock_ = !caps_lock_;  // a held key repeats its make code
        caps_lock_held_ = true;
        return 0;
    case key::num_lock:
        if (!num_lock_held_) num_lock_ = !num_lock_;
        num_lock_held_ = true;
        return 0;
    default: break;
    }
    if (code < sizeof plain) {
        char base = plain[code];
        if (!base) return 0;
        bool letter = base >= 'a' && base <= 'z';
        bool upper = shift() != (letter && caps_lock_);
        return character(upper ? shifted[code] : base, output);
    }
    if (code >= key::keypad_first && code <= key::keypad_last) {
        unsigned index = code - key::keypad_first;
        char digit = keypad_digits[index];
        if (num_lock_ || digit == '-' || digit == '+') {
            output[0] = digit;
            return 1;
        }
        return navigation[index] ? copy(navigation[index], output) : 0;
    }
    return 0;  // function keys, Scroll Lock and codes this layout does not use
}

usize ScancodeDecoder::press_extended(u8 code, char (&output)[max_output]) {
    switch (code) {
    case key::right_ctrl: right_ctrl_ = true; return 0;
    case key::right_alt: right_alt_ = true; return 0;
    case key::keypad_enter: output[0] = '\r'; return 1;
    case key::keypad_slash: output[0] = '/'; return 1;
    default: break;
    }
    if (code >= key::keypad_first && code <= key::keypad_last && navigation[code - key::keypad_first])
        return copy(navigation[code - key::keypad_first], output);
    return 0;  // the fake shifts around Print Screen, the Windows keys, media keys
}

void ScancodeDecoder::release(u8 code, bool extended) {
    if (extended) {
        if (code == key::right_ctrl) right_ctrl_ = false;
        else if (code == key::right_alt) right_alt_ = false;
        return;
    }
    switch (code) {
    case key::left_shift: left_shift_ = false; break;
    case key::right_shift: right_shift_ = false; break;
    case key::left_ctrl: left_ctrl_ = false; break;
    case key::left_alt: left_alt_ = false; break;
    case key::caps_lock: caps_lock_held_ = false; break;
    case key::num_lock: num_lock_held_ = false; break;
    default: break;
    }
}

usize ScancodeDecoder::feed(u8 scancode, char (&output)[max_output]) {
    if (pause_bytes_left_) {
        --pause_bytes_left_;
        return 0;
    }
    if (scancode == pause_prefix) {
        pause_bytes_left_ = 2;  // E1 1D 45, then E1 9D C5 for the release
        extended_ = false;
        return 0;
    }
    if (scancode == extended_prefix) {
        extended_ = true;
        return 0;
    }
    bool extended = extended_;
    extended_ = false;
    u8 code = scancode & ~release_bit;
    if (scancode & release_bit) {
        release(code, extended);
        return 0;
    }
    return extended ? press_extended(code, output) : press(code, output);
}

}  // namespace kernel
