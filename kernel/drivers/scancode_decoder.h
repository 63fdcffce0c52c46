// Turns keyboard scancode set 1 (what an i8042 with translation delivers) into the bytes a
// terminal sends for the US layout: characters with Shift, Caps Lock and Num Lock applied,
// Ctrl+key as a control character (Ctrl-C is 0x03), Enter as '\r', Backspace as DEL (0x7f),
// and the cursor and editing keys as xterm escape sequences (Up is ESC [ A). Releases
// produce nothing but update the modifiers. Alt is tracked but changes nothing yet; function
// keys produce nothing. Pure: no hardware, no locks (the keyboard's
// interrupt handler is its only user).
#pragma once

#include "../lib/types.h"

namespace kernel {

class ScancodeDecoder {
public:
    static constexpr usize max_output = 4;  // the longest output: ESC [ 3 ~

    // Takes one byte from the keyboard and stores the bytes its key produces in `output`;
    // returns how many (0 for a release, a prefix, a modifier or a key without a character).
    usize feed(u8 scancode, char (&output)[max_output]);

    bool shift() const { return left_shift_ || right_shift_; }
    bool ctrl() const { return left_ctrl_ || right_ctrl_; }
    bool alt() const { return left_alt_ || right_alt_; }
    bool caps_lock() const { return caps_lock_; }
    bool num_lock() const { return num_lock_; }

private:
    usize press(u8 code, char (&output)[max_output]);
    usize press_extended(u8 code, char (&output)[max_output]);
    void release(u8 code, bool extended);
    usize character(char base, char (&output)[max_output]) const;

    bool extended_ = false;  // the previous byte was the 0xE0 prefix
    u8 pause_bytes_left_ = 0;  // the Pause key's E1 sequence, swallowed
    bool left_shift_ = false, right_shift_ = false;
    bool left_ctrl_ = false, right_ctrl_ = false;
    bool left_alt_ = false, right_alt_ = false;
    bool caps_lock_ = false, caps_lock_held_ = false;
    bool num_lock_ = false, num_lock_held_ = false;
};

}  // namespace kernel
