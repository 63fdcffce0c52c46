// VGA colour text mode (80x25), register level: character/attribute cells in the text memory
// at 0xB8000 (through hal::map_device_memory) and the hardware cursor in the CRT controller
// (ports 0x3D4/0x3D5). On top, a small terminal: \r \n \b \t, wrapping, scrolling, and the
// ANSI sequences a console needs (SGR colours, cursor moves, erase); other escape sequences
// are swallowed whole, never printed. Not synchronized: the console serializes writers.
// The same driver runs on a PC's VGA and on the hosted VGA text model.
#pragma once

#include "../kernel/lib/types.h"

namespace devices {

class VgaText {
public:
    static constexpr kernel::PhysAddr text_memory = 0xb8000;
    static constexpr unsigned columns = 80;
    static constexpr unsigned rows = 25;
    static constexpr kernel::u16 crtc_index = 0x3d4;
    static constexpr kernel::u16 crtc_data = 0x3d5;

    // CRT controller registers (IBM VGA technical reference).
    enum CrtcRegister : kernel::u8 {
        cursor_start = 0x0a,  // bit 5 hides the cursor; bits 0-4 its first scan line
        cursor_end = 0x0b,    // bits 0-4 the cursor's last scan line
        cursor_location_high = 0x0e,
        cursor_location_low = 0x0f,
    };
    static constexpr kernel::u8 cursor_disable = 0x20;

    // The 16 text colours; a cell's attribute is background << 4 | foreground.
    enum class Color : kernel::u8 {
        black, blue, green, cyan, red, magenta, brown, light_gray,
        dark_gray, light_blue, light_green, light_cyan, light_red, light_magenta, yellow, white,
    };
    static constexpr kernel::u8 attribute(Color foreground, Color background) {
        return static_cast<kernel::u8>(static_cast<kernel::u8>(background) << 4 | static_cast<kernel::u8>(foreground));
    }

    // Probes the CRT controller, maps the text memory, shows an underline cursor and clears
    // the screen. Returns false when no VGA answers or its memory cannot be mapped.
    bool init();

    // Writes bytes as a terminal would and moves the hardware cursor once at the end.
    void write(const char* text, kernel::usize length);
    // Blanks every cell in the current colours and homes the cursor.
    void clear();
    // Colours for what is written next (an SGR sequence does the same from the text).
    void set_colors(Color foreground, Color background);
    kernel::u8 current_attribute() const;

    unsigned cursor_row() const { return row_; }
    unsigned cursor_column() const { return column_ < columns ? column_ : columns - 1; }

private:
    enum class Parse : kernel::u8 { text, escape, csi, osc, osc_escape };
    static constexpr unsigned max_parameters = 8;

    void feed(char byte);
    void put_printable(char character);
    void control(char byte);
    void escape_byte(char byte);
    void csi_byte(char byte);
    void run_csi(char final_byte);
    void select_graphic_rendition();
    unsigned parameter(unsigned index, unsigned default_value) const;
    void line_feed();
    void scroll_up();
    void blank(unsigned first_cell, unsigned count);
    void update_cursor();
    kernel::u8 read_crtc(CrtcRegister reg);
    void write_crtc(CrtcRegister reg, kernel::u8 value);

    volatile kernel::u16* cells_ = nullptr;
    unsigned row_ = 0;
    unsigned column_ = 0;  // == columns after the last column is written: wrap pending
    kernel::u8 foreground_ = static_cast<kernel::u8>(Color::light_gray);
    kernel::u8 background_ = static_cast<kernel::u8>(Color::black);
    bool bold_ = false;     // SGR 1: the bright variant of the foreground
    bool reverse_ = false;  // SGR 7: foreground and background swapped

    Parse parse_ = Parse::text;
    unsigned parameters_[max_parameters] = {};
    unsigned parameter_count_ = 0;
    bool private_sequence_ = false;  // ESC[? ...: DEC private modes, not ours
};

}  // namespace devices
