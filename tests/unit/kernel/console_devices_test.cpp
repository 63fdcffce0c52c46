// The VGA text console and the PS/2 keyboard on a booted 2-CPU machine: the kernel's drivers
// against the hosted VGA text and i8042 models. Output goes through console_write (as the
// kernel log and the monitor do) and is read back from the model's screen; keys are injected
// as scancodes and read back through console_read_char.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hosted/machine.h"
#include "kernel/tty/console.h"
#include "kernel_fixture.h"

using hosted::VgaTextScreen;
using newt_test::run_in_kernel;

namespace {

// The whole boot log on the console, so the screen shows it.
[[maybe_unused]] const bool configured = (newt_test::set_test_machine_command_line("loglevel=7"), true);

constexpr std::uint8_t light_gray_on_black = 0x07;

void write(const std::string& text) { kernel::console_write(text.data(), text.size()); }

// Each test starts from a blank screen in the default colours, cursor home.
void clear_screen() { write("\x1b[0m\x1b[2J\x1b[H"); }

// Ends the test process if the kernel never delivers what a test waits for, rather than
// leaving ctest to time out.
class Watchdog {
public:
    explicit Watchdog(const char* what) : thread_([this, what] {
        std::unique_lock lock(mutex_);
        if (!done_changed_.wait_for(lock, std::chrono::seconds(20), [this] { return done_; })) {
            std::fprintf(stderr, "timed out waiting for %s\n", what);
            std::fflush(nullptr);
            _exit(1);
        }
    }) {}
    ~Watchdog() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        done_changed_.notify_all();
        thread_.join();
    }

private:
    std::mutex mutex_;
    std::condition_variable done_changed_;
    bool done_ = false;
    std::thread thread_;
};

std::string read_console(std::size_t count) {
    Watchdog watchdog("console input");
    std::string text;
    while (text.size() < count) text += kernel::console_read_char();
    return text;
}

// Scancode set 1: a key pressed and released.
std::vector<std::uint8_t> tap(std::uint8_t make) { return {make, static_cast<std::uint8_t>(make | 0x80)}; }

std::vector<std::uint8_t> operator+(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

TEST(VgaConsole, BootLogIsOnTheScreen) {
    run_in_kernel([] {
        VgaTextScreen screen = hosted::vga_text_screen();
        // Lines logged before the VGA console started were replayed onto it.
        int banner = screen.find_row("boot: Newt ");
        int memory = screen.find_row("MiB usable");
        int vga = screen.find_row("vga: 80x25 text console at 0xb8000");
        int keyboard = screen.find_row("keyboard: i8042 PS/2 port 1, IRQ 1");
        int smp = screen.find_row("smp: 2 of 2 CPUs online");
        EXPECT_GE(banner, 0);
        EXPECT_LT(banner, memory);
        EXPECT_LT(memory, vga);
        EXPECT_LT(vga, keyboard);
        EXPECT_LT(keyboard, smp);
        EXPECT_NE(screen.lines[banner].find("booting on the hosted backend"), std::string::npos);
        // The cursor waits at the start of the line after the log, shown as an underline.
        EXPECT_EQ(screen.cursor_column, 0u);
        EXPECT_TRUE(screen.lines[screen.cursor_row].empty());
        EXPECT_FALSE(screen.lines[screen.cursor_row - 1].empty());
        EXPECT_TRUE(screen.cursor_visible);
        EXPECT_EQ(screen.cursor_first_line, 14u);
        EXPECT_EQ(screen.cursor_last_line, 15u);
        EXPECT_EQ(screen.attribute(banner, 0), light_gray_on_black);
    });
}

TEST(VgaConsole, ScrollsWhenTheBottomIsReached) {
    run_in_kernel([] {
        clear_screen();
        for (int i = 0; i < 30; ++i) kernel::kprintf("line %02d\n", i);
        VgaTextScreen screen = hosted::vga_text_screen();
        // 30 lines and the empty line the cursor is on: lines 00-05 scrolled away.
        EXPECT_EQ(screen.lines[0], "line 06");
        EXPECT_EQ(screen.lines[23], "line 29");
        EXPECT_EQ(screen.lines[24], "");
        EXPECT_EQ(screen.find_row("line 05"), -1);
        EXPECT_EQ(screen.cursor_row, 24u);
        EXPECT_EQ(screen.cursor_column, 0u);
    });
}

TEST(VgaConsole, LongLinesWrapOnce) {
    run_in_kernel([] {
        clear_screen();
        write(std::string(85, 'x'));
        VgaTextScreen screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[0], std::string(80, 'x'));
        EXPECT_EQ(screen.lines[1], "xxxxx");
        EXPECT_EQ(screen.cursor_row, 1u);
        EXPECT_EQ(screen.cursor_column, 5u);
        // A line of exactly 80 characters and its newline make one row, not two.
        clear_screen();
        write(std::string(80, 'y') + "\nz");
        screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[0], std::string(80, 'y'));
        EXPECT_EQ(screen.lines[1], "z");
    });
}

TEST(VgaConsole, SgrSetsColours) {
    run_in_kernel([] {
        clear_screen();
        write("\x1b[31mred\x1b[0m \x1b[1;34mblue\x1b[0m \x1b[42;30mgreen\x1b[7mrev\x1b[0m\x1b[93;44mY\x1b[m.\n");
        VgaTextScreen screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[0], "red blue greenrevY.");
        EXPECT_EQ(screen.attribute(0, 0), 0x04);   // red on black
        EXPECT_EQ(screen.attribute(0, 3), 0x07);   // reset: light gray on black
        EXPECT_EQ(screen.attribute(0, 4), 0x09);   // bold blue: light blue
        EXPECT_EQ(screen.attribute(0, 9), 0x20);   // black on green
        EXPECT_EQ(screen.attribute(0, 14), 0x02);  // reversed: green on black
        EXPECT_EQ(screen.attribute(0, 17), 0x1e);  // bright yellow on blue
        EXPECT_EQ(screen.attribute(0, 18), 0x07);  // ESC[m resets
    });
}

TEST(VgaConsole, UnknownEscapeSequencesPrintNothing) {
    run_in_kernel([] {
        clear_screen();
        // DEC private mode, an OSC title (BEL- and ST-terminated), a charset selection, a
        // status report request, save cursor, and a UTF-8 character (one '?').
        write("a\x1b[?25lb\x1b]0;title\x07" "c\x1b]2;t\x1b\\d\x1b(Be\x1b[5nf\x1b" "7g\xc3\xa9h\x01\x7fi\n");
        VgaTextScreen screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[0], "abcdefg?hi");
    });
}

TEST(VgaConsole, CursorFollowsTheTextAndCsiMoves) {
    run_in_kernel([] {
        clear_screen();
        write("abc");
        VgaTextScreen screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.cursor_row, 0u);
        EXPECT_EQ(screen.cursor_column, 3u);
        write("\x1b[5;10HX");
        screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[4], "         X");
        EXPECT_EQ(screen.cursor_row, 4u);
        EXPECT_EQ(screen.cursor_column, 10u);
        write("\x1b[2A\x1b[3D");
        screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.cursor_row, 2u);
        EXPECT_EQ(screen.cursor_column, 7u);
        write("\x1b[1;2H\x1b[K");  // erase from the cursor to the end of the line
        screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[0], "a");
        write("\r\ta\tb");
        screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[0], "a       a       b");
        EXPECT_EQ(screen.cursor_column, 17u);
    });
}

TEST(VgaConsole, BackspaceMovesLeftAndTheLineEditorErases) {
    run_in_kernel([] {
        clear_screen();
        write("abc\b\bX");
        VgaTextScreen screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[0], "aXc");
        EXPECT_EQ(screen.cursor_column, 2u);
        write("\b \b");  // what the monitor echoes for Backspace
        screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.lines[0], "a c");
        EXPECT_EQ(screen.cursor_column, 1u);
        write("\b\b\b");  // stops at the left edge
        screen = hosted::vga_text_screen();
        EXPECT_EQ(screen.cursor_column, 0u);
    });
}

// A sink registered late with ConsoleReplay::recent_output first receives the last 4 KiB
// of console output, from a line start.
char late_sink_text[16384];
std::size_t late_sink_length = 0;

TEST(ConsoleReplay, LateSinkGetsTheRecentOutputFromALineStart) {
    run_in_kernel([] {
        for (int i = 0; i < 100; ++i) kernel::kprintf("replay %03d %s\n", i, std::string(40, '.').c_str());
        kernel::register_console_output(
            [](void*, const char* text, kernel::usize length) {
                length = std::min(length, sizeof late_sink_text - late_sink_length);
                std::memcpy(late_sink_text + late_sink_length, text, length);
                late_sink_length += length;
            },
            nullptr, kernel::ConsoleReplay::recent_output);
        std::string text(late_sink_text, late_sink_length);
        // 100 lines of 53 bytes ("\r\n" included) overflow the 4 KiB: the oldest lines and
        // the partial line at the start are gone, the rest is whole lines up to the last.
        ASSERT_EQ(text.compare(0, 7, "replay "), 0) << text;
        int first = std::stoi(text.substr(7, 3));
        EXPECT_GT(first, 20);
        EXPECT_LT(first, 30);
        std::string expected;
        for (int i = first; i < 100; ++i) {
            char line[64];
            std::snprintf(line, sizeof line, "replay %03d %s\r\n", i, std::string(40, '.').c_str());
            expected += line;
        }
        EXPECT_EQ(text.substr(0, expected.size()), expected);
    });
}

TEST(Keyboard, TypedWordArrivesInOrder) {
    run_in_kernel([] {
        // e c h o Enter
        hosted::inject_keyboard_scancodes(tap(0x12) + tap(0x2e) + tap(0x23) + tap(0x18) + tap(0x1c));
        EXPECT_EQ(read_console(5), "echo\r");
    });
}

TEST(Keyboard, ShiftAndCtrlModifyKeysUntilReleased) {
    run_in_kernel([] {
        std::vector<std::uint8_t> shift_1 = std::vector<std::uint8_t> {0x2a} + tap(0x02) + std::vector<std::uint8_t> {0xaa};
        std::vector<std::uint8_t> ctrl_c = std::vector<std::uint8_t> {0x1d} + tap(0x2e) + std::vector<std::uint8_t> {0x9d};
        // Right Shift and Right Ctrl (E0 1D) too.
        std::vector<std::uint8_t> right_shift_a = std::vector<std::uint8_t> {0x36} + tap(0x1e) + std::vector<std::uint8_t> {0xb6};
        std::vector<std::uint8_t> right_ctrl_d = std::vector<std::uint8_t> {0xe0, 0x1d} + tap(0x20) + std::vector<std::uint8_t> {0xe0, 0x9d};
        hosted::inject_keyboard_scancodes(shift_1 + ctrl_c + right_shift_a + right_ctrl_d + tap(0x1e));
        EXPECT_EQ(read_console(5), std::string("!\x03" "A\x04" "a"));
    });
}

TEST(Keyboard, ReleasesAloneProduceNothing) {
    run_in_kernel([] {
        hosted::inject_keyboard_scancodes({0x9e, 0xae, 0x9c, 0xaa, 0xb9});
        hosted::inject_keyboard_scancodes(tap(0x2d));  // x
        EXPECT_EQ(read_console(1), "x");
    });
}

TEST(Keyboard, SpecialKeysAndCapsLock) {
    run_in_kernel([] {
        std::vector<std::uint8_t> up = {0xe0, 0x48, 0xe0, 0xc8};
        std::vector<std::uint8_t> caps = tap(0x3a);
        hosted::inject_keyboard_scancodes(up + tap(0x0e) + tap(0x0f) + tap(0x01) + tap(0x39) + caps + tap(0x1e) +
                                          caps + tap(0x1e));
        // Up, Backspace, Tab, Escape, Space, then 'a' with Caps Lock on and off again.
        EXPECT_EQ(read_console(9), std::string("\x1b[A\x7f\t\x1b Aa"));
    });
}

}  // namespace
