#include "uart16550.h"

#include "../kernel/hal/io.h"

namespace devices {

kernel::u8 Uart16550::read(Register reg) { return hal::inb(static_cast<kernel::u16>(base_ + reg)); }
void Uart16550::write_register(Register reg, kernel::u8 value) { hal::outb(static_cast<kernel::u16>(base_ + reg), value); }

bool Uart16550::init() {
    write_register(scratch, 0x5a);
    if (read(scratch) != 0x5a) return false;
    // Let the byte being sent (the early console's) leave before reprogramming: switching to
    // loopback mid-byte cuts it, and Bochs then sends the test byte out of the port instead.
    for (int i = 0; i < 100000 && !(read(line_status) & lsr_transmitter_empty); ++i) {
    }
    write_register(interrupt_enable, 0);
    write_register(line_control, lcr_dlab);
    write_register(data, 1);  // divisor 1: 115200 baud
    write_register(interrupt_enable, 0);
    write_register(line_control, lcr_8n1);
    // Loopback self-test: a byte sent must come back. FIFOs stay off until it has (Bochs
    // sets "data ready" for a byte in its receive FIFO only at the trigger level or after
    // the character timeout); a byte takes 87 us at 115200 baud, the wait is generous.
    write_register(interrupt_id, 0);
    write_register(modem_control, mcr_loopback | mcr_dtr_rts_out2);
    write_register(data, 0xae);
    bool echoed = false;
    for (int i = 0; i < 100000 && !echoed; ++i) echoed = read(line_status) & lsr_data_ready;
    if (!echoed || read(data) != 0xae) return false;
    write_register(modem_control, mcr_dtr_rts_out2);
    write_register(interrupt_id, fcr_enable_clear_14);
    return true;
}

void Uart16550::put(char character) {
    while (!(read(line_status) & lsr_thr_empty)) {
    }
    write_register(data, static_cast<kernel::u8>(character));
}

void Uart16550::write(const char* text, kernel::usize length) {
    for (kernel::usize i = 0; i < length; ++i) put(text[i]);
}

void Uart16550::enable_receive_interrupt() { write_register(interrupt_enable, ier_received_data); }

int Uart16550::try_get() {
    if (!(read(line_status) & lsr_data_ready)) return -1;
    return read(data);
}

}  // namespace devices
