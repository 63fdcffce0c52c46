// The hosted I/O bus: port ranges claimed by device models. hal::inb/outb and friends land
// here; a port nobody claims reads as all ones and ignores writes, as on a PC. Models also
// register device-memory regions (plain host memory), which hal::map_device_memory returns.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hosted {

class IoDevice {
public:
    virtual ~IoDevice() = default;
    // `offset` is relative to the claimed base; `size` is 1, 2 or 4 bytes.
    virtual std::uint32_t io_read(std::uint16_t offset, unsigned size) = 0;
    virtual void io_write(std::uint16_t offset, unsigned size, std::uint32_t value) = 0;
};

// Claims ports [base, base+count) for `device` (which must outlive the machine).
void attach_io_device(std::uint16_t base, std::uint16_t count, IoDevice& device);

// Makes physical [base, base+size) device memory backed by `backing` (which must outlive the
// machine). The kernel reads and writes it directly: no access traps into the model, so
// only memory without side effects (VGA text memory, a frame buffer) belongs here.
void attach_mmio_region(std::uint64_t base, std::size_t size, void* backing);

}  // namespace hosted
