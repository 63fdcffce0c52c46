// A 16550A UART model on the hosted I/O bus. Transmitted bytes go to a host file descriptor
// (the terminal); received bytes come from a feeder thread reading another (stdin) and
// raise the UART's IRQ line when the driver enabled the receive interrupt.
#pragma once

#include <pthread.h>

#include <cstdint>
#include <deque>
#include <functional>

#include "../io_bus.h"

namespace hosted {

class Uart16550Model final : public IoDevice {
public:
    Uart16550Model(unsigned irq_line, int output_fd) : irq_line_(irq_line), output_fd_(output_fd) {}

    std::uint32_t io_read(std::uint16_t offset, unsigned size) override;
    void io_write(std::uint16_t offset, unsigned size, std::uint32_t value) override;

    // Bytes arriving on the serial line (from any host thread).
    void receive(const char* bytes, std::size_t count);

    // Starts a thread that feeds `input_fd` into the UART. `escape` sees every byte first and
    // returns false to swallow it (the Ctrl-A x handling lives there).
    void start_input_thread(int input_fd, std::function<bool(char)> escape);

private:
    std::uint8_t interrupt_identification() const;
    void update_irq();
    static void* input_main(void* self);

    const unsigned irq_line_;
    const int output_fd_;
    pthread_mutex_t lock_ = PTHREAD_MUTEX_INITIALIZER;
    // Bytes from the host side of the line. Unbounded: typed or piped input is never dropped,
    // and a FIFO reset does not discard it (it is still "on the wire").
    std::deque<std::uint8_t> receive_fifo_;
    // In loopback mode the line is disconnected and transmitted bytes come back here.
    std::deque<std::uint8_t> loopback_fifo_;
    std::deque<std::uint8_t>& active_fifo() { return (modem_control_ & 0x10) ? loopback_fifo_ : receive_fifo_; }
    const std::deque<std::uint8_t>& active_fifo() const { return (modem_control_ & 0x10) ? loopback_fifo_ : receive_fifo_; }
    std::uint8_t interrupt_enable_ = 0, line_control_ = 0, modem_control_ = 0, scratch_ = 0;
    std::uint8_t divisor_low_ = 1, divisor_high_ = 0, fifo_control_ = 0;
    bool transmit_interrupt_pending_ = false;
    int input_fd_ = -1;
    std::function<bool(char)> escape_;
    pthread_t input_thread_ {};
};

}  // namespace hosted
