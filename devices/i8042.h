// Intel 8042 PS/2 controller, register level, through hal::io port I/O only: the keyboard on
// port 1 (IRQ 1) with scancode translation, so the keyboard's bytes arrive as scancode set 1.
// Port 2 (the mouse) is left disabled. Every wait is bounded: a missing or silent
// controller makes init fail, never hang. The same driver runs on a PC and on the hosted
// i8042 model.
#pragma once

#include "../kernel/lib/result.h"
#include "../kernel/lib/types.h"

namespace devices {

class I8042 {
public:
    static constexpr kernel::u16 data_port = 0x60;
    static constexpr kernel::u16 status_port = 0x64;   // read
    static constexpr kernel::u16 command_port = 0x64;  // write
    static constexpr unsigned keyboard_irq = 1;

    enum Status : kernel::u8 {
        output_full = 0x01,  // a byte waits in the data port for us
        input_full = 0x02,   // the controller has not taken our last byte yet
        system_flag = 0x04,
        last_was_command = 0x08,
        aux_output = 0x20,   // the waiting byte came from port 2
    };
    enum Command : kernel::u8 {
        read_config = 0x20,
        write_config = 0x60,
        disable_port2 = 0xa7,
        self_test = 0xaa,
        test_port1 = 0xab,
        disable_port1 = 0xad,
        enable_port1 = 0xae,
    };
    enum Config : kernel::u8 {
        port1_interrupt = 0x01,
        port2_interrupt = 0x02,
        config_system_flag = 0x04,
        port1_clock_off = 0x10,
        port2_clock_off = 0x20,
        translation = 0x40,  // the controller turns the keyboard's set 2 into set 1
    };
    static constexpr kernel::u8 self_test_passed = 0x55;
    static constexpr kernel::u8 port_test_passed = 0x00;
    static constexpr kernel::u8 keyboard_enable_scanning = 0xf4;
    static constexpr kernel::u8 keyboard_ack = 0xfa;

    // Disables both ports, flushes, self-tests the controller, and enables port 1 with
    // translation and scanning on but its interrupt still off. ENODEV: no controller
    // answers (the status port reads 0xff or it never takes a command); EIO: a self-test
    // failed; ETIMEDOUT: the controller stopped answering.
    kernel::Result<void> init();

    // Lets the controller raise IRQ 1 when a keyboard byte arrives.
    kernel::Result<void> enable_keyboard_interrupt();

    // The next byte from the keyboard, or -1 when none is waiting (port 2 bytes are dropped).
    int try_read_keyboard();

private:
    bool wait_until_writable();
    bool wait_for_output(kernel::u64 timeout_ns);
    bool send_command(kernel::u8 command);
    bool send_data(kernel::u8 value);
    kernel::Result<kernel::u8> command_with_reply(kernel::u8 command);
    kernel::Result<kernel::u8> read_config_byte();
    kernel::Result<void> write_config_byte(kernel::u8 config);
    void flush_output();
};

}  // namespace devices
