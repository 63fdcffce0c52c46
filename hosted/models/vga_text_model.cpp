#include "vga_text_model.h"

#include "model_lock.h"

namespace hosted {
namespace {

constexpr std::uint8_t cursor_start = 0x0a, cursor_end = 0x0b, cursor_high = 0x0e, cursor_low = 0x0f;
constexpr std::uint8_t cursor_disable = 0x20;


}  // namespace

int VgaTextScreen::find_row(const std::string& text) const {
    for (unsigned row = 0; row < lines.size(); ++row)
        if (lines[row].find(text) != std::string::npos) return static_cast<int>(row);
    return -1;
}

void VgaTextModel::attach() {
    attach_mmio_region(text_memory, sizeof cells_, cells_);
    attach_io_device(crtc_ports, 2, *this);
}

std::uint32_t VgaTextModel::io_read(std::uint16_t offset, unsigned) {
    ModelLock lock(lock_);
    if (offset == 0) return index_;
    return index_ < crtc_register_count ? crtc_[index_] : 0xff;
}

void VgaTextModel::io_write(std::uint16_t offset, unsigned size, std::uint32_t value) {
    ModelLock lock(lock_);
    if (offset == 0) {
        index_ = static_cast<std::uint8_t>(value & 0x1f);
        // outw(0x3d4, index | data << 8) sets both at once, as drivers often do.
        if (size == 1) return;
        value >>= 8;
    }
    if (index_ < crtc_register_count) crtc_[index_] = static_cast<std::uint8_t>(value);
}

VgaTextScreen VgaTextModel::screen() const {
    VgaTextScreen screen;
    constexpr unsigned columns = VgaTextScreen::columns;
    for (unsigned row = 0; row < VgaTextScreen::rows; ++row) {
        std::string line;
        for (unsigned column = 0; column < columns; ++column) {
            // The kernel stores these cells through volatile pointers; read them the same way.
            std::uint16_t cell = static_cast<const volatile std::uint16_t*>(cells_)[row * columns + column];
            char character = static_cast<char>(cell & 0xff);
            line += character ? character : ' ';
            screen.attributes.push_back(static_cast<std::uint8_t>(cell >> 8));
        }
        line.erase(line.find_last_not_of(' ') + 1);
        screen.lines.push_back(std::move(line));
    }
    ModelLock lock(lock_);
    unsigned position = static_cast<unsigned>(crtc_[cursor_high]) << 8 | crtc_[cursor_low];
    screen.cursor_row = position / columns;
    screen.cursor_column = position % columns;
    screen.cursor_visible = !(crtc_[cursor_start] & cursor_disable);
    screen.cursor_first_line = crtc_[cursor_start] & 0x1f;
    screen.cursor_last_line = crtc_[cursor_end] & 0x1f;
    return screen;
}

}  // namespace hosted
