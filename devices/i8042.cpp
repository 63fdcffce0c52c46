#include "i8042.h"

#include "../kernel/hal/io.h"
#include "../kernel/hal/timer.h"

namespace devices {
namespace {

// The controller answers within microseconds; a keyboard acknowledges within milliseconds.
constexpr kernel::u64 controller_timeout_ns = 20'000'000;
constexpr kernel::u64 keyboard_timeout_ns = 200'000'000;
// A full 8042 holds at most 16 bytes; anything beyond that means a stuck status bit.
constexpr int max_flush_bytes = 32;
// Waits also end after this many polls, in case the clock does not advance.
constexpr int max_polls = 1'000'000;

}  // namespace

bool I8042::wait_until_writable() {
    kernel::u64 deadline = hal::monotonic_ns() + controller_timeout_ns;
    for (int poll = 0; poll < max_polls; ++poll) {
        if (!(hal::inb(status_port) & input_full)) return true;
        if (hal::monotonic_ns() > deadline) break;
    }
    return false;
}

bool I8042::wait_for_output(kernel::u64 timeout_ns) {
    kernel::u64 deadline = hal::monotonic_ns() + timeout_ns;
    for (int poll = 0; poll < max_polls; ++poll) {
        if (hal::inb(status_port) & output_full) return true;
        if (hal::monotonic_ns() > deadline) break;
    }
    return false;
}

bool I8042::send_command(kernel::u8 command) {
    if (!wait_until_writable()) return false;
    hal::outb(command_port, command);
    return true;
}

bool I8042::send_data(kernel::u8 value) {
    if (!wait_until_writable()) return false;
    hal::outb(data_port, value);
    return true;
}

kernel::Result<kernel::u8> I8042::command_with_reply(kernel::u8 command) {
    if (!send_command(command) || !wait_for_output(controller_timeout_ns)) return kernel::Errno::etimedout;
    return hal::inb(data_port);
}

kernel::Result<kernel::u8> I8042::read_config_byte() { return command_with_reply(read_config); }

kernel::Result<void> I8042::write_config_byte(kernel::u8 config) {
    if (!send_command(write_config) || !send_data(config)) return kernel::Errno::etimedout;
    return kernel::ok();
}

void I8042::flush_output() {
    for (int i = 0; i < max_flush_bytes && (hal::inb(status_port) & output_full); ++i) hal::inb(data_port);
}

kernel::Result<void> I8042::init() {
    // No controller: the bus floats and the status reads all ones (including "input full").
    if (hal::inb(status_port) == 0xff) return kernel::Errno::enodev;
    if (!send_command(disable_port1) || !send_command(disable_port2)) return kernel::Errno::enodev;
    flush_output();

    // Interrupts and translation off while we poll for the self-test replies.
    kernel::u8 config = TRY(read_config_byte());
    config = static_cast<kernel::u8>(config & ~(port1_interrupt | port2_interrupt | translation));
    TRY(write_config_byte(config));

    if (TRY(command_with_reply(self_test)) != self_test_passed) return kernel::Errno::eio;
    // Some controllers reset themselves on a self-test: write the configuration again.
    TRY(write_config_byte(config));
    if (TRY(command_with_reply(test_port1)) != port_test_passed) return kernel::Errno::eio;

    if (!send_command(enable_port1)) return kernel::Errno::etimedout;
    config = static_cast<kernel::u8>((config | translation | port2_clock_off) & ~port1_clock_off);
    TRY(write_config_byte(config));

    // The firmware may have left scanning off. A keyboard that does not acknowledge may be
    // absent (a PC without one): the controller still works, so this is not an error.
    if (send_data(keyboard_enable_scanning) && wait_for_output(keyboard_timeout_ns)) hal::inb(data_port);
    flush_output();
    return kernel::ok();
}

kernel::Result<void> I8042::enable_keyboard_interrupt() {
    kernel::u8 config = TRY(read_config_byte());
    return write_config_byte(static_cast<kernel::u8>(config | port1_interrupt));
}

int I8042::try_read_keyboard() {
    for (int i = 0; i < max_flush_bytes; ++i) {
        kernel::u8 status = hal::inb(status_port);
        if (!(status & output_full)) return -1;
        kernel::u8 byte = hal::inb(data_port);
        if (!(status & aux_output)) return byte;
    }
    return -1;
}

}  // namespace devices
