// The console drivers without a machine: the scancode decoder as a pure function of the bytes
// it is fed, and the VGA and i8042 probes on an empty I/O bus (no model attached in this
// binary), which must fail quickly instead of hanging.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "devices/i8042.h"
#include "devices/vga_text.h"
#include "kernel/drivers/scancode_decoder.h"
#include "kernel/hal/io.h"

using kernel::ScancodeDecoder;

namespace {

// Feeds every byte and returns everything the decoder produced.
std::string decode(ScancodeDecoder& decoder, const std::vector<std::uint8_t>& scancodes) {
    std::string text;
    for (std::uint8_t scancode : scancodes) {
        char output[ScancodeDecoder::max_output];
        std::size_t count = decoder.feed(scancode, output);
        EXPECT_LE(count, ScancodeDecoder::max_output);
        text.append(output, count);
    }
    return text;
}

std::string decode(const std::vector<std::uint8_t>& scancodes) {
    ScancodeDecoder decoder;
    return decode(decoder, scancodes);
}

// Make and break codes of a sequence of keys pressed one after another.
std::vector<std::uint8_t> taps(const std::vector<std::uint8_t>& makes) {
    std::vector<std::uint8_t> codes;
    for (std::uint8_t make : makes) {
        codes.push_back(make);
        codes.push_back(static_cast<std::uint8_t>(make | 0x80));
    }
    return codes;
}

TEST(ScancodeDecoder, EveryPrintableKeyOfTheUsLayout) {
    // Rows of the keyboard, left to right, make codes 0x02-0x0d, 0x10-0x1b, 0x1e-0x29 + 0x2b,
    // 0x2c-0x35, and Space.
    std::vector<std::uint8_t> keys;
    for (std::uint8_t code = 0x02; code <= 0x0d; ++code) keys.push_back(code);
    for (std::uint8_t code = 0x10; code <= 0x1b; ++code) keys.push_back(code);
    for (std::uint8_t code = 0x1e; code <= 0x29; ++code) keys.push_back(code);
    keys.push_back(0x2b);
    for (std::uint8_t code = 0x2c; code <= 0x35; ++code) keys.push_back(code);
    keys.push_back(0x39);
    EXPECT_EQ(decode(taps(keys)), "1234567890-=qwertyuiop[]asdfghjkl;'`\\zxcvbnm,./ ");

    std::vector<std::uint8_t> shifted = {0x2a};
    for (std::uint8_t code : taps(keys)) shifted.push_back(code);
    shifted.push_back(0xaa);
    EXPECT_EQ(decode(shifted), "!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:\"~|ZXCVBNM<>? ");
}

TEST(ScancodeDecoder, ControlKeysGiveTerminalBytes) {
    // Enter, Backspace, Tab, Escape, keypad Enter (E0 1C), keypad '/' (E0 35), keypad '*'.
    EXPECT_EQ(decode(taps({0x1c, 0x0e, 0x0f, 0x01})), "\r\x7f\t\x1b");
    EXPECT_EQ(decode({0xe0, 0x1c, 0xe0, 0x9c, 0xe0, 0x35, 0xe0, 0xb5, 0x37, 0xb7}), "\r/*");
}

TEST(ScancodeDecoder, CtrlMakesControlCharacters) {
    ScancodeDecoder decoder;
    EXPECT_EQ(decode(decoder, {0x1d, 0x2e, 0xae}), "\x03");  // Ctrl-C
    EXPECT_TRUE(decoder.ctrl());
    EXPECT_EQ(decode(decoder, {0x1e, 0x9e, 0x2c, 0xac, 0x1a, 0x9a, 0x39, 0xb9}), std::string("\x01\x1a\x1b\0", 4));
    EXPECT_EQ(decode(decoder, {0x2a, 0x2e, 0xae, 0xaa}), "\x03");  // Ctrl-Shift-C is still 0x03
    EXPECT_EQ(decode(decoder, {0x02, 0x82}), "1");                 // no control form: unchanged
    EXPECT_EQ(decode(decoder, {0x9d}), "");
    EXPECT_FALSE(decoder.ctrl());
    EXPECT_EQ(decode(decoder, {0x2e, 0xae}), "c");
    // Right Ctrl is E0 1D; its release E0 9D, not the left key's 9D.
    EXPECT_EQ(decode(decoder, {0xe0, 0x1d, 0x20, 0xa0}), "\x04");
    EXPECT_EQ(decode(decoder, {0x9d}), "");
    EXPECT_TRUE(decoder.ctrl());
    EXPECT_EQ(decode(decoder, {0xe0, 0x9d, 0x20, 0xa0}), "d");
}

TEST(ScancodeDecoder, ShiftLastsUntilBothShiftsAreReleased) {
    ScancodeDecoder decoder;
    EXPECT_EQ(decode(decoder, {0x2a, 0x36, 0x1e, 0xaa, 0x1e, 0xb6, 0x1e}), "AAa");
    EXPECT_FALSE(decoder.shift());
}

TEST(ScancodeDecoder, ReleasesAndUnknownCodesProduceNothing) {
    std::vector<std::uint8_t> releases;
    for (unsigned code = 0x81; code <= 0xd8; ++code) releases.push_back(static_cast<std::uint8_t>(code));
    EXPECT_EQ(decode(releases), "");
    // Function keys, Scroll Lock, the keyboard's acknowledgements and error bytes.
    EXPECT_EQ(decode({0x3b, 0x44, 0x57, 0x58, 0x46, 0xfa, 0xfe, 0xff, 0x00, 0x59, 0x7f}), "");
}

TEST(ScancodeDecoder, CapsLockTogglesLettersOnlyAndIgnoresRepeats) {
    ScancodeDecoder decoder;
    // Held Caps Lock repeats its make code: one toggle per press.
    EXPECT_EQ(decode(decoder, {0x3a, 0x3a, 0x3a, 0xba}), "");
    EXPECT_TRUE(decoder.caps_lock());
    EXPECT_EQ(decode(decoder, taps({0x1e, 0x02})), "A1");
    EXPECT_EQ(decode(decoder, {0x2a, 0x1e, 0x9e, 0x02, 0x82, 0xaa}), "a!");  // Shift inverts Caps Lock
    EXPECT_EQ(decode(decoder, taps({0x3a, 0x1e})), "a");
    EXPECT_FALSE(decoder.caps_lock());
}

TEST(ScancodeDecoder, CursorAndEditingKeysAreXtermSequences) {
    auto extended = [](std::uint8_t make) {
        return std::vector<std::uint8_t> {0xe0, make, 0xe0, static_cast<std::uint8_t>(make | 0x80)};
    };
    EXPECT_EQ(decode(extended(0x48)), "\x1b[A");
    EXPECT_EQ(decode(extended(0x50)), "\x1b[B");
    EXPECT_EQ(decode(extended(0x4d)), "\x1b[C");
    EXPECT_EQ(decode(extended(0x4b)), "\x1b[D");
    EXPECT_EQ(decode(extended(0x47)), "\x1b[H");
    EXPECT_EQ(decode(extended(0x4f)), "\x1b[F");
    EXPECT_EQ(decode(extended(0x52)), "\x1b[2~");
    EXPECT_EQ(decode(extended(0x53)), "\x1b[3~");
    EXPECT_EQ(decode(extended(0x49)), "\x1b[5~");
    EXPECT_EQ(decode(extended(0x51)), "\x1b[6~");
    // Print Screen's fake shifts (E0 2A, E0 AA) do not shift.
    ScancodeDecoder decoder;
    EXPECT_EQ(decode(decoder, {0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa}), "");
    EXPECT_FALSE(decoder.shift());
    EXPECT_EQ(decode(decoder, taps({0x1e})), "a");
}

TEST(ScancodeDecoder, KeypadFollowsNumLock) {
    ScancodeDecoder decoder;
    std::vector<std::uint8_t> keypad = taps({0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53});
    EXPECT_EQ(decode(decoder, keypad), "\x1b[H\x1b[A\x1b[5~-\x1b[D\x1b[C+\x1b[F\x1b[B\x1b[6~\x1b[2~\x1b[3~");
    EXPECT_EQ(decode(decoder, taps({0x45})), "");
    EXPECT_TRUE(decoder.num_lock());
    EXPECT_EQ(decode(decoder, keypad), "789-456+1230.");
}

TEST(ScancodeDecoder, PauseSequenceIsSwallowedAndDoesNotToggleNumLock) {
    ScancodeDecoder decoder;
    EXPECT_EQ(decode(decoder, {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5}), "");
    EXPECT_FALSE(decoder.num_lock());
    EXPECT_FALSE(decoder.ctrl());
    EXPECT_EQ(decode(decoder, taps({0x2d})), "x");
}

// No model is attached in this binary: every port reads 0xff, no device memory exists.
TEST(ConsoleProbes, MissingI8042FailsFastWithEnodev) {
    auto start = std::chrono::steady_clock::now();
    devices::I8042 controller;
    auto result = controller.init();
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), kernel::Errno::enodev);
    EXPECT_EQ(controller.try_read_keyboard(), -1);  // 0xff has "output full" set, and it stops anyway
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(ConsoleProbes, MissingVgaFailsAndWritesAreIgnored) {
    devices::VgaText screen;
    EXPECT_FALSE(screen.init());
    screen.write("hello\n", 6);  // must not touch memory it never mapped
    EXPECT_EQ(hal::map_device_memory(devices::VgaText::text_memory, 4000), nullptr);
}

}  // namespace
