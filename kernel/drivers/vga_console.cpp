#include "vga_console.h"

#include "../../devices/vga_text.h"
#include "../core/klog.h"
#include "../tty/console.h"

namespace kernel {
namespace {

constinit devices::VgaText screen;

// The console lock serializes every call (console_write_emergency only in a panic).
void write_to_screen(void* context, const char* text, usize length) {
    static_cast<devices::VgaText*>(context)->write(text, length);
}

}  // namespace

bool init_vga_console() {
    if (!screen.init()) {
        klog_info("vga: no text-mode screen");
        return false;
    }
    register_console_output(write_to_screen, &screen, ConsoleReplay::recent_output);
    klog_info("vga: %ux%u text console at %#llx", devices::VgaText::columns, devices::VgaText::rows,
              static_cast<unsigned long long>(devices::VgaText::text_memory));
    return true;
}

}  // namespace kernel
