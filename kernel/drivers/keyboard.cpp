#include "keyboard.h"

#include "../../devices/i8042.h"
#include "../core/klog.h"
#include "../hal/interrupts.h"
#include "../tty/console.h"
#include "scancode_decoder.h"

namespace kernel {
namespace {

struct Keyboard {
    devices::I8042 controller;
    // Touched only by the interrupt handler (device interrupts run on one CPU with
    // interrupts disabled) and by init before the interrupt is enabled: no lock needed.
    ScancodeDecoder decoder;
};

constinit Keyboard keyboard;

void keyboard_interrupt(unsigned, void* context) {
    auto* self = static_cast<Keyboard*>(context);
    for (int scancode; (scancode = self->controller.try_read_keyboard()) >= 0;) {
        char characters[ScancodeDecoder::max_output];
        usize count = self->decoder.feed(static_cast<u8>(scancode), characters);
        for (usize i = 0; i < count; ++i) console_receive(characters[i]);
    }
}

}  // namespace

bool init_keyboard() {
    if (auto result = keyboard.controller.init(); result.is_error()) {
        klog_info("keyboard: no i8042 PS/2 controller (%s)", errno_name(result.error()));
        return false;
    }
    if (auto irq = hal::register_irq(devices::I8042::keyboard_irq, keyboard_interrupt, &keyboard); irq.is_error()) {
        klog_error("keyboard: IRQ %u unavailable (%s)", devices::I8042::keyboard_irq, errno_name(irq.error()));
        return false;
    }
    if (auto result = keyboard.controller.enable_keyboard_interrupt(); result.is_error()) {
        klog_error("keyboard: cannot enable its interrupt (%s)", errno_name(result.error()));
        return false;
    }
    // A key pressed before the interrupt was enabled raised no edge: collect it now.
    {
        hal::InterruptGuard interrupts;
        keyboard_interrupt(devices::I8042::keyboard_irq, &keyboard);
    }
    klog_info("keyboard: i8042 PS/2 port 1, IRQ %u, scancode set 1, console input", devices::I8042::keyboard_irq);
    return true;
}

}  // namespace kernel
