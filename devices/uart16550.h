// National Semiconductor 16550A UART, register level, through hal::io port I/O only.
// The same driver runs on a PC's COM ports and on the hosted 16550 model.
#pragma once

#include "../kernel/lib/types.h"

namespace devices {

class Uart16550 {
public:
    static constexpr kernel::u16 com1 = 0x3f8;
    static constexpr unsigned com1_irq = 4;

    explicit Uart16550(kernel::u16 base) : base_(base) {}

    // Probes with the scratch register and loopback mode; programs 115200 8N1 with FIFOs.
    // Returns false when no UART answers at the base port.
    bool init();

    // Waits for room in the transmitter and sends one byte.
    void put(char character);
    void write(const char* text, kernel::usize length);

    // Enables the "received data available" interrupt.
    void enable_receive_interrupt();
    // Reads one received byte, or -1 when none is waiting.
    int try_get();

    kernel::u16 base() const { return base_; }

    // Register offsets and bits (PC16550D datasheet).
    enum Register : kernel::u16 {
        data = 0,               // RBR (read) / THR (write); DLL when DLAB=1
        interrupt_enable = 1,   // IER; DLM when DLAB=1
        interrupt_id = 2,       // IIR (read) / FCR (write)
        line_control = 3,       // LCR
        modem_control = 4,      // MCR
        line_status = 5,        // LSR
        modem_status = 6,       // MSR
        scratch = 7,            // SCR
    };
    static constexpr kernel::u8 lcr_dlab = 0x80;
    static constexpr kernel::u8 lcr_8n1 = 0x03;
    static constexpr kernel::u8 lsr_data_ready = 0x01;
    static constexpr kernel::u8 lsr_thr_empty = 0x20;
    static constexpr kernel::u8 lsr_transmitter_empty = 0x40;  // THR and shift register empty
    static constexpr kernel::u8 ier_received_data = 0x01;
    static constexpr kernel::u8 mcr_dtr_rts_out2 = 0x0b;  // OUT2 gates the IRQ on PCs
    static constexpr kernel::u8 mcr_loopback = 0x10;
    static constexpr kernel::u8 fcr_enable_clear_14 = 0xc7;

private:
    kernel::u8 read(Register reg);
    void write_register(Register reg, kernel::u8 value);

    kernel::u16 base_;
};

}  // namespace devices
