// The hosted PCI host bridge: configuration mechanism #1 on ports 0xCF8-0xCFF (address
// register, data window) in front of the registered PciFunctionModels, like QEMU's i440FX.
// The host bridge itself (00:00.0, 8086:1237) is always present; other functions are added
// before the CPUs start (tests may add and remove them at run time).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "../io_bus.h"
#include "pci_function_model.h"

namespace hosted {

class PciHostModel final : public IoDevice {
public:
    static constexpr std::uint16_t base_port = 0xcf8;
    static constexpr std::uint16_t port_count = 8;

    PciHostModel();

    // Places `function` at bus:device.function (replacing what was there) and returns it.
    PciFunctionModel& add_function(std::uint8_t bus, std::uint8_t device, std::uint8_t function,
                                   std::unique_ptr<PciFunctionModel> model);
    void remove_function(std::uint8_t bus, std::uint8_t device, std::uint8_t function);
    // The function at that address, or nullptr (tests inspect and adjust it with the model
    // otherwise idle).
    PciFunctionModel* function(std::uint8_t bus, std::uint8_t device, std::uint8_t function);

    // Disconnected, the ports behave as unclaimed ones (all ones, writes ignored): a machine
    // without PCI, for tests of the driver's probe.
    void set_connected(bool connected);

    std::uint32_t io_read(std::uint16_t offset, unsigned size) override;
    void io_write(std::uint16_t offset, unsigned size, std::uint32_t value) override;

private:
    static std::uint32_t key(std::uint8_t bus, std::uint8_t device, std::uint8_t function) {
        return std::uint32_t {bus} << 8 | std::uint32_t(device & 31) << 3 | (function & 7);
    }
    // The function and register the address register selects for a data-window access at
    // `window_offset` (0..3) of `size` bytes; nullptr when nothing answers.
    PciFunctionModel* selected(std::uint16_t window_offset, unsigned size, std::uint16_t& reg);

    std::mutex lock_;
    std::uint32_t address_ = 0;
    bool connected_ = true;
    std::map<std::uint32_t, std::unique_ptr<PciFunctionModel>> functions_;
};

}  // namespace hosted
