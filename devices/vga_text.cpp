#include "vga_text.h"

#include "../kernel/hal/io.h"

namespace devices {
namespace {

constexpr kernel::u8 escape = 0x1b;
constexpr kernel::u8 bell = 0x07;
constexpr unsigned cell_count = VgaText::columns * VgaText::rows;
constexpr unsigned tab_width = 8;
constexpr unsigned parameter_limit = 9999;  // larger values only matter as "a lot"

// ANSI colour numbers (black red green yellow blue magenta cyan white) in VGA order.
constexpr kernel::u8 ansi_to_vga[8] = {0, 4, 2, 6, 1, 5, 3, 7};

}  // namespace

kernel::u8 VgaText::read_crtc(CrtcRegister reg) {
    hal::outb(crtc_index, reg);
    return hal::inb(crtc_data);
}

void VgaText::write_crtc(CrtcRegister reg, kernel::u8 value) {
    hal::outb(crtc_index, reg);
    hal::outb(crtc_data, value);
}

bool VgaText::init() {
    // The cursor location registers are read/write on every VGA: a value must come back.
    kernel::u8 saved = read_crtc(cursor_location_low);
    write_crtc(cursor_location_low, 0xa5);
    if (read_crtc(cursor_location_low) != 0xa5) return false;
    write_crtc(cursor_location_low, saved);
    cells_ = static_cast<volatile kernel::u16*>(hal::map_device_memory(text_memory, cell_count * sizeof(kernel::u16)));
    if (!cells_) return false;
    // An underline cursor: scan lines 14-15 of the 16-line character cell, shown.
    write_crtc(cursor_start, static_cast<kernel::u8>((read_crtc(cursor_start) & 0xc0) | 14));
    write_crtc(cursor_end, static_cast<kernel::u8>((read_crtc(cursor_end) & 0xe0) | 15));
    clear();
    return true;
}

kernel::u8 VgaText::current_attribute() const {
    kernel::u8 foreground = static_cast<kernel::u8>(foreground_ | (bold_ ? 0x08 : 0));
    kernel::u8 background = background_;
    if (reverse_) {
        kernel::u8 swapped = foreground;
        foreground = background;
        background = static_cast<kernel::u8>(swapped & 0x07);  // bit 7 would blink
    }
    return static_cast<kernel::u8>(background << 4 | foreground);
}

void VgaText::set_colors(Color foreground, Color background) {
    foreground_ = static_cast<kernel::u8>(foreground);
    background_ = static_cast<kernel::u8>(static_cast<kernel::u8>(background) & 0x07);
    bold_ = reverse_ = false;
}

void VgaText::blank(unsigned first_cell, unsigned count) {
    kernel::u16 blank_cell = static_cast<kernel::u16>(current_attribute() << 8 | ' ');
    for (unsigned i = 0; i < count && first_cell + i < cell_count; ++i) cells_[first_cell + i] = blank_cell;
}

void VgaText::clear() {
    if (!cells_) return;
    blank(0, cell_count);
    row_ = column_ = 0;
    update_cursor();
}

void VgaText::update_cursor() {
    unsigned position = row_ * columns + cursor_column();
    write_crtc(cursor_location_low, static_cast<kernel::u8>(position & 0xff));
    write_crtc(cursor_location_high, static_cast<kernel::u8>(position >> 8));
}

void VgaText::scroll_up() {
    for (unsigned i = 0; i < cell_count - columns; ++i) cells_[i] = cells_[i + columns];
    blank(cell_count - columns, columns);
}

void VgaText::line_feed() {
    if (row_ + 1 < rows) ++row_;
    else scroll_up();
}

void VgaText::put_printable(char character) {
    if (column_ == columns) {  // the previous character filled the line
        column_ = 0;
        line_feed();
    }
    cells_[row_ * columns + column_] = static_cast<kernel::u16>(current_attribute() << 8 | static_cast<kernel::u8>(character));
    ++column_;
}

void VgaText::control(char byte) {
    switch (byte) {
    case '\r': column_ = 0; break;
    case '\n':
    case '\v':
    case '\f': line_feed(); break;
    case '\b':
        if (column_ > 0) --column_;
        break;
    case '\t':
        if (column_ < columns) {
            unsigned next = (column_ / tab_width + 1) * tab_width;
            column_ = next < columns ? next : columns - 1;
        }
        break;
    default: break;  // BEL and the other C0 controls show nothing
    }
}

unsigned VgaText::parameter(unsigned index, unsigned default_value) const {
    if (index >= parameter_count_ || parameters_[index] == 0) return default_value;
    return parameters_[index];
}

void VgaText::select_graphic_rendition() {
    if (parameter_count_ == 0) parameter_count_ = 1;  // ESC[m is ESC[0m
    for (unsigned i = 0; i < parameter_count_; ++i) {
        unsigned code = parameters_[i];
        if (code == 0) {
            foreground_ = static_cast<kernel::u8>(Color::light_gray);
            background_ = static_cast<kernel::u8>(Color::black);
            bold_ = reverse_ = false;
        } else if (code == 1) {
            bold_ = true;
        } else if (code == 22) {
            bold_ = false;
        } else if (code == 7) {
            reverse_ = true;
        } else if (code == 27) {
            reverse_ = false;
        } else if (code >= 30 && code <= 37) {
            foreground_ = ansi_to_vga[code - 30];
        } else if (code == 39) {
            foreground_ = static_cast<kernel::u8>(Color::light_gray);
        } else if (code >= 40 && code <= 47) {
            background_ = ansi_to_vga[code - 40];
        } else if (code == 49) {
            background_ = static_cast<kernel::u8>(Color::black);
        } else if (code >= 90 && code <= 97) {
            foreground_ = static_cast<kernel::u8>(ansi_to_vga[code - 90] | 0x08);
        } else if (code >= 100 && code <= 107) {
            background_ = ansi_to_vga[code - 100];  // bright backgrounds would blink
        }
        // Anything else (underline, 256 colours, ...) has no VGA text equivalent.
    }
}

void VgaText::run_csi(char final_byte) {
    if (private_sequence_) return;
    unsigned count = parameter(0, 1);
    switch (final_byte) {
    case 'm': select_graphic_rendition(); break;
    case 'A':
        row_ = count < row_ ? row_ - count : 0;
        column_ = cursor_column();  // a move cancels a pending wrap
        break;
    case 'B':
        row_ = count < rows - 1 - row_ ? row_ + count : rows - 1;
        column_ = cursor_column();
        break;
    case 'C': {
        unsigned column = cursor_column();
        column_ = count < columns - 1 - column ? column + count : columns - 1;
        break;
    }
    case 'D': {
        unsigned column = cursor_column();
        column_ = count < column ? column - count : 0;
        break;
    }
    case 'H':
    case 'f': {
        unsigned row = parameter(0, 1), column = parameter(1, 1);
        row_ = (row < rows ? row : rows) - 1;
        column_ = (column < columns ? column : columns) - 1;
        break;
    }
    case 'J': {
        unsigned cursor = row_ * columns + cursor_column();
        unsigned mode = parameter(0, 0);
        if (mode == 0) blank(cursor, cell_count - cursor);
        else if (mode == 1) blank(0, cursor + 1);
        else blank(0, cell_count);  // 2 and 3: the whole screen, the cursor stays
        break;
    }
    case 'K': {
        unsigned line = row_ * columns, column = cursor_column();
        unsigned mode = parameter(0, 0);
        if (mode == 0) blank(line + column, columns - column);
        else if (mode == 1) blank(line, column + 1);
        else blank(line, columns);
        break;
    }
    default: break;  // other sequences are valid but mean nothing here
    }
}

void VgaText::csi_byte(char byte) {
    auto c = static_cast<kernel::u8>(byte);
    if (c >= '0' && c <= '9') {
        if (parameter_count_ == 0) parameter_count_ = 1;
        unsigned& value = parameters_[parameter_count_ - 1];
        value = value * 10 + (c - '0');
        if (value > parameter_limit) value = parameter_limit;
    } else if (c == ';') {
        if (parameter_count_ == 0) parameter_count_ = 1;
        if (parameter_count_ < max_parameters) parameters_[parameter_count_++] = 0;
    } else if (c >= 0x3c && c <= 0x3f) {
        private_sequence_ = true;  // '<' '=' '>' '?'
    } else if (c >= 0x20 && c <= 0x2f) {
        // intermediate bytes: part of the sequence, meaning nothing here
    } else if (c >= 0x40 && c <= 0x7e) {
        parse_ = Parse::text;
        run_csi(byte);
    } else {
        parse_ = Parse::text;  // a malformed sequence ends here; the byte is dropped
    }
}

void VgaText::escape_byte(char byte) {
    if (byte == '[') {
        parse_ = Parse::csi;
        parameter_count_ = 0;
        for (unsigned& value : parameters_) value = 0;
        private_sequence_ = false;
    } else if (byte == ']') {
        parse_ = Parse::osc;  // an operating-system command (window title): skipped
    } else if (byte == 'c') {
        parse_ = Parse::text;
        set_colors(Color::light_gray, Color::black);
        clear();
    } else if (byte >= 0x20 && byte <= 0x2f) {
        // ESC ( B and similar: the intermediate byte comes before the final one
    } else {
        parse_ = Parse::text;  // ESC 7, ESC 8, ESC M ...: two-byte sequences, ignored
    }
}

void VgaText::feed(char byte) {
    auto c = static_cast<kernel::u8>(byte);
    switch (parse_) {
    case Parse::escape: escape_byte(byte); return;
    case Parse::csi:
        if (c == escape) {
            parse_ = Parse::escape;
        } else if (c < 0x20) {
            control(byte);  // VT100: controls inside a sequence still act
        } else {
            csi_byte(byte);
        }
        return;
    case Parse::osc:
        if (c == bell) parse_ = Parse::text;
        else if (c == escape) parse_ = Parse::osc_escape;
        return;
    case Parse::osc_escape:  // ESC \ ends the string
        parse_ = c == '\\' ? Parse::text : Parse::osc;
        return;
    case Parse::text: break;
    }
    if (c == escape) {
        parse_ = Parse::escape;
    } else if (c < 0x20) {
        control(byte);
    } else if (c == 0x7f || (c >= 0x80 && c < 0xc0)) {
        // DEL shows nothing; UTF-8 continuation bytes belong to the '?' their lead printed
    } else if (c >= 0xc0) {
        put_printable('?');  // no Unicode glyphs in code page 437: one mark per character
    } else {
        put_printable(byte);
    }
}

void VgaText::write(const char* text, kernel::usize length) {
    if (!cells_) return;
    for (kernel::usize i = 0; i < length; ++i) feed(text[i]);
    update_cursor();
}

}  // namespace devices
