// A headless VGA in colour text mode: the 80x25 text memory at physical 0xB8000 (a device
// memory region the kernel reads and writes directly) and the CRT controller's index/data
// ports 0x3D4/0x3D5, whose registers hold the cursor shape and location. Nothing is drawn;
// tests read the screen back as text (an SDL window would draw the same cells).
#pragma once

#include <pthread.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../io_bus.h"

namespace hosted {

// A copy of the screen.
struct VgaTextScreen {
    static constexpr unsigned columns = 80;
    static constexpr unsigned rows = 25;
    std::vector<std::string> lines;        // one per row, trailing blanks removed (NUL shows as blank)
    std::vector<std::uint8_t> attributes;  // rows * columns attribute bytes (background << 4 | foreground)
    unsigned cursor_row = 0, cursor_column = 0;
    bool cursor_visible = false;
    unsigned cursor_first_line = 0, cursor_last_line = 0;  // scan lines of the cursor shape

    std::uint8_t attribute(unsigned row, unsigned column) const { return attributes[row * columns + column]; }
    // The row holding `text`, or -1.
    int find_row(const std::string& text) const;
};

class VgaTextModel final : public IoDevice {
public:
    static constexpr std::uint64_t text_memory = 0xb8000;
    static constexpr std::uint16_t crtc_ports = 0x3d4;  // index, then data at 0x3d5

    // Registers the text memory and the CRT controller ports on the I/O bus.
    void attach();

    std::uint32_t io_read(std::uint16_t offset, unsigned size) override;
    void io_write(std::uint16_t offset, unsigned size, std::uint32_t value) override;

    // Reads the cells as the kernel left them. The kernel writes them without telling us
    // (as a CRT scans video memory), so a copy taken while it writes may show a partial line.
    VgaTextScreen screen() const;

private:
    static constexpr unsigned crtc_register_count = 0x19;
    mutable pthread_mutex_t lock_ = PTHREAD_MUTEX_INITIALIZER;  // the CRT controller registers
    std::uint8_t index_ = 0;
    // Power-on state: the cursor hidden (start register bit 5) until a driver programs it.
    std::uint8_t crtc_[crtc_register_count] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0f, 0x2d, 0x0e};
    std::uint16_t cells_[VgaTextScreen::columns * VgaTextScreen::rows] = {};
};

}  // namespace hosted
