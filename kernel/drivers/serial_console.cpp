#include "serial_console.h"

#include "../../devices/uart16550.h"
#include "../core/klog.h"
#include "../hal/interrupts.h"
#include "../tty/console.h"

namespace kernel {
namespace {

devices::Uart16550 com1(devices::Uart16550::com1);

void write_to_uart(void* context, const char* text, usize length) {
    static_cast<devices::Uart16550*>(context)->write(text, length);
}

void uart_interrupt(unsigned, void* context) {
    auto* uart = static_cast<devices::Uart16550*>(context);
    for (int c; (c = uart->try_get()) >= 0;) console_receive(static_cast<char>(c));
}

}  // namespace

bool init_serial_console() {
    if (!com1.init()) {
        klog_warn("serial: no 16550 at %#x", com1.base());
        return false;
    }
    register_console_output(write_to_uart, &com1);
    auto irq = hal::register_irq(devices::Uart16550::com1_irq, uart_interrupt, &com1);
    if (irq.is_error()) {
        klog_error("serial: IRQ %u unavailable (%s)", devices::Uart16550::com1_irq, errno_name(irq.error()));
        return true;
    }
    com1.enable_receive_interrupt();
    klog_info("serial: 16550A at %#x, IRQ %u, console", com1.base(), devices::Uart16550::com1_irq);
    return true;
}

}  // namespace kernel
