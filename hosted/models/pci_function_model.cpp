#include "pci_function_model.h"

namespace hosted {

PciFunctionModel::PciFunctionModel(const Identity& identity) {
    set16(0x00, identity.vendor_id);
    set16(0x02, identity.device_id);
    // Command: I/O, memory, bus master, parity and SERR# response, INTx disable are writable.
    set16(0x04, 0, 0x0547);
    set8(0x08, identity.revision);
    set8(0x09, identity.prog_if);
    set8(0x0a, identity.subclass);
    set8(0x0b, identity.class_code);
    set8(0x0c, 0, 0xff);  // cache line size
    set8(0x0d, 0, 0xff);  // latency timer
    set8(0x0e, identity.header_type);
    if ((identity.header_type & 0x7f) == 0) {
        set16(0x2c, identity.subsystem_vendor_id);
        set16(0x2e, identity.subsystem_id);
    }
    set8(0x3c, 0, 0xff);  // interrupt line: firmware's note for the OS
}

void PciFunctionModel::set8(std::uint16_t offset, std::uint8_t value, std::uint8_t writable) {
    config_[offset] = value;
    writable_[offset] = writable;
}

void PciFunctionModel::set16(std::uint16_t offset, std::uint16_t value, std::uint16_t writable) {
    for (unsigned i = 0; i < 2; ++i) set8(static_cast<std::uint16_t>(offset + i), std::uint8_t(value >> 8 * i), std::uint8_t(writable >> 8 * i));
}

void PciFunctionModel::set32(std::uint16_t offset, std::uint32_t value, std::uint32_t writable) {
    for (unsigned i = 0; i < 4; ++i) set8(static_cast<std::uint16_t>(offset + i), std::uint8_t(value >> 8 * i), std::uint8_t(writable >> 8 * i));
}

void PciFunctionModel::define_bar(unsigned index, BarType type, std::uint64_t size, std::uint64_t base, bool prefetchable) {
    const auto offset = static_cast<std::uint16_t>(0x10 + 4 * index);
    const std::uint64_t address_mask = ~(size - 1);
    switch (type) {
    case BarType::io:
        set32(offset, static_cast<std::uint32_t>(base & address_mask) | 1, static_cast<std::uint32_t>(address_mask) & ~3u);
        break;
    case BarType::memory32:
    case BarType::memory64: {
        std::uint32_t flags = (type == BarType::memory64 ? 4 : 0) | (prefetchable ? 8 : 0);
        set32(offset, static_cast<std::uint32_t>(base & address_mask) | flags, static_cast<std::uint32_t>(address_mask) & ~0xfu);
        if (type == BarType::memory64)
            set32(static_cast<std::uint16_t>(offset + 4), static_cast<std::uint32_t>((base & address_mask) >> 32),
                  static_cast<std::uint32_t>(address_mask >> 32));
        break;
    }
    }
}

void PciFunctionModel::set_interrupt(std::uint8_t line, std::uint8_t pin) {
    set8(0x3c, line, 0xff);
    set8(0x3d, pin);
}

std::uint32_t PciFunctionModel::config_read(std::uint16_t offset, unsigned size) {
    std::uint32_t value = 0;
    for (unsigned i = 0; i < size; ++i) value |= std::uint32_t {config_[offset + i]} << 8 * i;
    return value;
}

void PciFunctionModel::config_write(std::uint16_t offset, unsigned size, std::uint32_t value) {
    for (unsigned i = 0; i < size; ++i) {
        const std::uint8_t mask = writable_[offset + i];
        const auto byte = static_cast<std::uint8_t>(value >> 8 * i);
        config_[offset + i] = static_cast<std::uint8_t>((config_[offset + i] & ~mask) | (byte & mask));
    }
}

}  // namespace hosted
