// One PCI function's configuration space as the hosted PCI host model serves it: 256 bytes
// and, bit by bit, whether software may change them. Device models that sit on PCI own one
// (or derive from it to react to writes) and register it with the PciHostModel.
#pragma once

#include <array>
#include <cstdint>

namespace hosted {

class PciFunctionModel {
public:
    struct Identity {
        std::uint16_t vendor_id, device_id;
        std::uint8_t class_code, subclass, prog_if, revision;
        std::uint8_t header_type = 0;  // bit 7: multi-function device (set on function 0)
        std::uint16_t subsystem_vendor_id = 0x1af4, subsystem_id = 0x1100;  // what QEMU reports
    };
    enum class BarType { io, memory32, memory64 };

    explicit PciFunctionModel(const Identity& identity);
    virtual ~PciFunctionModel() = default;

    // Sets bytes (little endian) and which of their bits software may write.
    void set8(std::uint16_t offset, std::uint8_t value, std::uint8_t writable = 0);
    void set16(std::uint16_t offset, std::uint16_t value, std::uint16_t writable = 0);
    void set32(std::uint16_t offset, std::uint32_t value, std::uint32_t writable = 0);

    // BAR `index` decoding `size` bytes (a power of two: at least 16 for memory, 4 for I/O) at
    // `base`, as firmware would have assigned it. Only the address bits above the size are
    // writable, so writing all ones reads back the size mask with the read-only type bits.
    // A 64-bit BAR also takes register index + 1.
    void define_bar(unsigned index, BarType type, std::uint64_t size, std::uint64_t base, bool prefetchable = false);
    // Interrupt pin (1 = INTA#, read-only) and the line firmware routed it to (writable).
    void set_interrupt(std::uint8_t line, std::uint8_t pin);

    // Configuration accesses: `size` 1, 2 or 4 bytes within the 256-byte space (the host model
    // checks). Called with the host model's lock held.
    virtual std::uint32_t config_read(std::uint16_t offset, unsigned size);
    virtual void config_write(std::uint16_t offset, unsigned size, std::uint32_t value);

    std::uint8_t byte(std::uint16_t offset) const { return config_[offset]; }

protected:
    std::array<std::uint8_t, 256> config_ {};
    std::array<std::uint8_t, 256> writable_ {};
};

}  // namespace hosted
