#include "i8042_model.h"

#include "../interrupts.h"
#include "model_lock.h"

namespace hosted {
namespace {

constexpr std::uint8_t status_output_full = 0x01, status_system = 0x04, status_command = 0x08,
                       status_unlocked = 0x10;
constexpr std::uint8_t config_port1_interrupt = 0x01, config_system = 0x04, config_port1_clock_off = 0x10,
                       config_port2_clock_off = 0x20;
constexpr std::uint8_t ack = 0xfa, self_test_passed = 0x55, port_test_passed = 0x00, keyboard_passed = 0xaa,
                       echo = 0xee, resend = 0xfe;


}  // namespace

std::uint32_t I8042Model::Port::io_read(std::uint16_t, unsigned) {
    ModelLock lock(model_.lock_);
    return command_ ? model_.read_status() : model_.read_data();
}

void I8042Model::Port::io_write(std::uint16_t, unsigned, std::uint32_t value) {
    ModelLock lock(model_.lock_);
    auto byte = static_cast<std::uint8_t>(value);
    if (command_) model_.write_command(byte);
    else model_.write_data(byte);
    model_.update_irq();
}

void I8042Model::attach() {
    attach_io_device(data_port, 1, data_);
    attach_io_device(command_port, 1, command_);
}

bool I8042Model::port1_enabled() const { return !(config_ & config_port1_clock_off); }

bool I8042Model::output_waiting() const {
    return !controller_output_.empty() || (port1_enabled() && !keyboard_output_.empty());
}

void I8042Model::update_irq() {
    if ((config_ & config_port1_interrupt) && output_waiting()) raise_irq(irq_line_);
}

std::uint8_t I8042Model::read_status() {
    std::uint8_t status = status_unlocked;  // the keyboard lock switch is open
    if (output_waiting()) status |= status_output_full;
    if (system_flag_) status |= status_system;
    if (last_write_was_command_) status |= status_command;
    return status;  // input buffer never full: every write is taken at once
}

std::uint8_t I8042Model::read_data() {
    // Controller replies come first; the keyboard waits while its port is disabled.
    if (!controller_output_.empty()) {
        last_output_ = controller_output_.front();
        controller_output_.pop_front();
    } else if (port1_enabled() && !keyboard_output_.empty()) {
        last_output_ = keyboard_output_.front();
        keyboard_output_.pop_front();
    }
    update_irq();  // the next byte raises the line again, as a real 8042 does
    return last_output_;  // an empty buffer shows its last byte again
}

void I8042Model::write_command(std::uint8_t command) {
    last_write_was_command_ = true;
    pending_command_ = 0;
    switch (command) {
    case 0x20: controller_output_.push_back(config_); break;  // read the configuration byte
    case 0x60:                                                 // write it: the data byte follows
    case 0xd1:                                                 // write the output port
    case 0xd2:                                                 // fake a keyboard byte
    case 0xd4: pending_command_ = command; break;              // send to port 2
    case 0xa7: config_ |= config_port2_clock_off; break;
    case 0xa8: config_ &= static_cast<std::uint8_t>(~config_port2_clock_off); break;
    case 0xa9: controller_output_.push_back(port_test_passed); break;
    case 0xaa:
        system_flag_ = true;
        config_ |= config_system;
        controller_output_.push_back(self_test_passed);
        break;
    case 0xab: controller_output_.push_back(port_test_passed); break;
    case 0xad: config_ |= config_port1_clock_off; break;
    case 0xae: config_ &= static_cast<std::uint8_t>(~config_port1_clock_off); break;
    case 0xd0: controller_output_.push_back(0x01); break;  // output port: reset line released
    default: break;  // 0xfe (pulse reset) and the rest: no effect here
    }
}

void I8042Model::write_data(std::uint8_t value) {
    last_write_was_command_ = false;
    std::uint8_t command = pending_command_;
    pending_command_ = 0;
    switch (command) {
    case 0x60:
        config_ = value;
        system_flag_ = value & config_system;
        return;
    case 0xd1: return;
    case 0xd2: keyboard_output_.push_back(value); return;
    case 0xd4: return;  // no device on port 2: the byte goes nowhere
    default: break;
    }
    keyboard_command(value);
}

void I8042Model::keyboard_command(std::uint8_t command) {
    if (pending_keyboard_command_) {  // the parameter of LEDs, scancode set or typematic rate
        pending_keyboard_command_ = 0;
        keyboard_output_.push_back(ack);
        return;
    }
    switch (command) {
    case 0xed:
    case 0xf0:
    case 0xf3:
        pending_keyboard_command_ = command;
        keyboard_output_.push_back(ack);
        break;
    case 0xee: keyboard_output_.push_back(echo); break;
    case 0xf2:  // identify: an MF2 keyboard behind translation
        keyboard_output_.insert(keyboard_output_.end(), {ack, 0xab, 0x41});
        break;
    case 0xf4:
        scanning_ = true;
        keyboard_output_.push_back(ack);
        break;
    case 0xf5:
        scanning_ = false;
        keyboard_output_.push_back(ack);
        break;
    case 0xf6:
    case 0xf7:
    case 0xf8:
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfd: keyboard_output_.push_back(ack); break;
    case 0xff:
        scanning_ = true;
        keyboard_output_.clear();
        keyboard_output_.insert(keyboard_output_.end(), {ack, keyboard_passed});
        break;
    default: keyboard_output_.push_back(resend); break;
    }
}

void I8042Model::inject_scancodes(const std::uint8_t* scancodes, std::size_t count) {
    ModelLock lock(lock_);
    if (!scanning_) return;  // a keyboard told to stop scanning sends nothing
    keyboard_output_.insert(keyboard_output_.end(), scancodes, scancodes + count);
    update_irq();
}

}  // namespace hosted
