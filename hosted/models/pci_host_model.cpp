#include "pci_host_model.h"

namespace hosted {
namespace {

constexpr std::uint32_t enable_bit = 0x80000000u;
// Enable, bus, device, function, register; reserved bits 30:24 and 1:0 read as zero.
constexpr std::uint32_t address_writable = 0x80fffffcu;

}  // namespace

PciHostModel::PciHostModel() {
    // i440FX PMC (host bridge), as QEMU's -M pc presents it.
    add_function(0, 0, 0, std::make_unique<PciFunctionModel>(PciFunctionModel::Identity {
                              .vendor_id = 0x8086, .device_id = 0x1237, .class_code = 0x06, .subclass = 0x00,
                              .prog_if = 0x00, .revision = 0x02}));
}

PciFunctionModel& PciHostModel::add_function(std::uint8_t bus, std::uint8_t device, std::uint8_t function,
                                             std::unique_ptr<PciFunctionModel> model) {
    std::lock_guard guard(lock_);
    auto& slot = functions_[key(bus, device, function)];
    slot = std::move(model);
    return *slot;
}

void PciHostModel::remove_function(std::uint8_t bus, std::uint8_t device, std::uint8_t function) {
    std::lock_guard guard(lock_);
    functions_.erase(key(bus, device, function));
}

PciFunctionModel* PciHostModel::function(std::uint8_t bus, std::uint8_t device, std::uint8_t function) {
    std::lock_guard guard(lock_);
    auto found = functions_.find(key(bus, device, function));
    return found == functions_.end() ? nullptr : found->second.get();
}

void PciHostModel::set_connected(bool connected) {
    std::lock_guard guard(lock_);
    connected_ = connected;
}

PciFunctionModel* PciHostModel::selected(std::uint16_t window_offset, unsigned size, std::uint16_t& reg) {
    if (!(address_ & enable_bit) || window_offset + size > 4) return nullptr;
    auto found = functions_.find(address_ >> 8 & 0xffff);  // bus, device, function
    if (found == functions_.end()) return nullptr;
    reg = static_cast<std::uint16_t>((address_ & 0xfc) + window_offset);
    return found->second.get();
}

std::uint32_t PciHostModel::io_read(std::uint16_t offset, unsigned size) {
    const std::uint32_t all_ones = size == 4 ? 0xffffffffu : (1u << 8 * size) - 1;
    std::lock_guard guard(lock_);
    if (!connected_) return all_ones;
    if (offset < 4) return offset == 0 && size == 4 ? address_ : all_ones;  // the address register is dword-only
    std::uint16_t reg = 0;
    PciFunctionModel* function = selected(static_cast<std::uint16_t>(offset - 4), size, reg);
    return function ? function->config_read(reg, size) : all_ones;  // no function: master abort
}

void PciHostModel::io_write(std::uint16_t offset, unsigned size, std::uint32_t value) {
    std::lock_guard guard(lock_);
    if (!connected_) return;
    if (offset < 4) {
        if (offset == 0 && size == 4) address_ = value & address_writable;
        return;
    }
    std::uint16_t reg = 0;
    if (PciFunctionModel* function = selected(static_cast<std::uint16_t>(offset - 4), size, reg))
        function->config_write(reg, size, value);
}

}  // namespace hosted
