#include "uart16550_model.h"

#include <errno.h>
#include <unistd.h>

#include "../interrupts.h"
#include "model_lock.h"

namespace hosted {
namespace {

enum : std::uint16_t { data = 0, interrupt_enable = 1, interrupt_id = 2, line_control = 3, modem_control = 4,
                       line_status = 5, modem_status = 6, scratch = 7 };
constexpr std::uint8_t dlab = 0x80;
constexpr std::uint8_t loopback = 0x10;
constexpr std::uint8_t out2 = 0x08;
constexpr std::uint8_t ier_receive = 0x01, ier_transmit = 0x02;


}  // namespace

std::uint8_t Uart16550Model::interrupt_identification() const {
    std::uint8_t fifo_bits = (fifo_control_ & 1) ? 0xc0 : 0;
    if ((interrupt_enable_ & ier_receive) && !active_fifo().empty()) return fifo_bits | 0x04;
    if ((interrupt_enable_ & ier_transmit) && transmit_interrupt_pending_) return fifo_bits | 0x02;
    return fifo_bits | 0x01;  // no interrupt pending
}

void Uart16550Model::update_irq() {
    // OUT2 gates the interrupt output on PCs.
    if ((modem_control_ & out2) && (interrupt_identification() & 1) == 0) raise_irq(irq_line_);
}

std::uint32_t Uart16550Model::io_read(std::uint16_t offset, unsigned) {
    ModelLock lock(lock_);
    switch (offset) {
    case data:
        if (line_control_ & dlab) return divisor_low_;
        if (active_fifo().empty()) return 0;
        {
            std::uint8_t byte = active_fifo().front();
            active_fifo().pop_front();
            return byte;
        }
    case interrupt_enable: return (line_control_ & dlab) ? divisor_high_ : interrupt_enable_;
    case interrupt_id: {
        std::uint8_t id = interrupt_identification();
        if ((id & 0x0f) == 0x02) transmit_interrupt_pending_ = false;  // reading IIR clears THRE
        return id;
    }
    case line_control: return line_control_;
    case modem_control: return modem_control_;
    case line_status: return (active_fifo().empty() ? 0 : 0x01) | 0x60;  // THR and TSR always empty
    case modem_status: return (modem_control_ & loopback) ? ((modem_control_ & 0x0f) << 4) : 0xb0;
    case scratch: return scratch_;
    }
    return 0xff;
}

void Uart16550Model::io_write(std::uint16_t offset, unsigned, std::uint32_t value) {
    auto byte = static_cast<std::uint8_t>(value);
    ModelLock lock(lock_);
    switch (offset) {
    case data:
        if (line_control_ & dlab) {
            divisor_low_ = byte;
        } else if (modem_control_ & loopback) {
            loopback_fifo_.push_back(byte);
        } else {
            while (write(output_fd_, &byte, 1) < 0 && errno == EINTR) {
            }
            transmit_interrupt_pending_ = true;
        }
        break;
    case interrupt_enable:
        if (line_control_ & dlab) divisor_high_ = byte;
        else interrupt_enable_ = byte & 0x0f;
        break;
    case interrupt_id:
        fifo_control_ = byte;
        if (byte & 0x02) loopback_fifo_.clear();
        break;
    case line_control: line_control_ = byte; break;
    case modem_control:
        modem_control_ = byte & 0x1f;
        if (!(modem_control_ & loopback)) loopback_fifo_.clear();
        break;
    case scratch: scratch_ = byte; break;
    default: break;
    }
    update_irq();
}

void Uart16550Model::receive(const char* bytes, std::size_t count) {
    ModelLock lock(lock_);
    receive_fifo_.insert(receive_fifo_.end(), bytes, bytes + count);
    update_irq();
}

void* Uart16550Model::input_main(void* argument) {
    auto* self = static_cast<Uart16550Model*>(argument);
    char buffer[256];
    for (;;) {
        ssize_t got = read(self->input_fd_, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return nullptr;  // end of input: the line stays quiet
        std::size_t kept = 0;
        for (ssize_t i = 0; i < got; ++i)
            if (!self->escape_ || self->escape_(buffer[i])) buffer[kept++] = buffer[i];
        if (kept) self->receive(buffer, kept);
    }
}

void Uart16550Model::start_input_thread(int input_fd, std::function<bool(char)> escape) {
    input_fd_ = input_fd;
    escape_ = std::move(escape);
    pthread_create(&input_thread_, nullptr, input_main, this);
    pthread_setname_np(input_thread_, "newt-uart-in");
    pthread_detach(input_thread_);
}

}  // namespace hosted
