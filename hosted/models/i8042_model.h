// A headless i8042 PS/2 controller with a keyboard on port 1 and nothing on port 2: the data
// port 0x60 and the status/command port 0x64. It answers the controller commands a driver
// uses (configuration byte, self-tests, port enable/disable) and the keyboard's own commands
// (reset, enable/disable scanning, LEDs, ...) with acknowledgements, and raises IRQ 1 while a
// byte waits and the configuration byte enables the port 1 interrupt. Keys come from
// inject_scancodes (tests; an SDL window later) as scancode set 1, i.e. what the controller
// delivers with translation on; they wait until the port and scanning are enabled.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <deque>

#include "../io_bus.h"

namespace hosted {

class I8042Model {
public:
    static constexpr std::uint16_t data_port = 0x60;
    static constexpr std::uint16_t command_port = 0x64;

    explicit I8042Model(unsigned irq_line) : irq_line_(irq_line), data_(*this, false), command_(*this, true) {}

    // Claims ports 0x60 and 0x64 on the I/O bus.
    void attach();

    // Bytes the keyboard sends, as if keys were pressed and released (any host thread).
    void inject_scancodes(const std::uint8_t* scancodes, std::size_t count);

private:
    // The two ports are one register file; each forwards to the model with its role.
    class Port final : public IoDevice {
    public:
        Port(I8042Model& model, bool command) : model_(model), command_(command) {}
        std::uint32_t io_read(std::uint16_t offset, unsigned size) override;
        void io_write(std::uint16_t offset, unsigned size, std::uint32_t value) override;

    private:
        I8042Model& model_;
        const bool command_;
    };

    std::uint8_t read_data();
    std::uint8_t read_status();
    void write_data(std::uint8_t value);
    void write_command(std::uint8_t command);
    void keyboard_command(std::uint8_t command);
    bool port1_enabled() const;
    bool output_waiting() const;
    void update_irq();

    const unsigned irq_line_;
    Port data_, command_;
    pthread_mutex_t lock_ = PTHREAD_MUTEX_INITIALIZER;
    std::uint8_t config_ = 0x50;      // translation on, port 1 clock off: as after reset
    std::uint8_t pending_command_ = 0;  // a controller command that waits for its data byte
    std::uint8_t pending_keyboard_command_ = 0;  // a keyboard command that waits for its parameter
    bool system_flag_ = false;        // set by a passed self-test
    bool last_write_was_command_ = false;
    bool scanning_ = true;
    std::uint8_t last_output_ = 0;    // what the data port shows when nothing waits
    std::deque<std::uint8_t> controller_output_;  // replies to controller commands
    std::deque<std::uint8_t> keyboard_output_;    // acknowledgements and scancodes from port 1
};

}  // namespace hosted
