#include "pc_pci_functions.h"

#include <memory>

#include "pci_host_model.h"

namespace hosted {

void add_pc_pci_functions(PciHostModel& host) {
    using Bar = PciFunctionModel::BarType;
    constexpr std::uint16_t io_memory_enabled = 0x0003;

    host.add_function(0, 1, 0, std::make_unique<PciFunctionModel>(PciFunctionModel::Identity {
                                   .vendor_id = 0x8086, .device_id = 0x7000, .class_code = 0x06, .subclass = 0x01,
                                   .prog_if = 0x00, .revision = 0x00, .header_type = 0x80}));

    auto ide = std::make_unique<PciFunctionModel>(PciFunctionModel::Identity {
        .vendor_id = 0x8086, .device_id = 0x7010, .class_code = 0x01, .subclass = 0x01, .prog_if = 0x80, .revision = 0x00});
    ide->define_bar(4, Bar::io, 16, 0xc040);  // bus-master DMA registers
    ide->set16(0x04, io_memory_enabled, 0x0547);
    host.add_function(0, 1, 1, std::move(ide));

    auto vga = std::make_unique<PciFunctionModel>(PciFunctionModel::Identity {
        .vendor_id = 0x1234, .device_id = 0x1111, .class_code = 0x03, .subclass = 0x00, .prog_if = 0x00, .revision = 0x02});
    vga->define_bar(0, Bar::memory32, 16u << 20, 0xfd000000, true);  // framebuffer
    vga->define_bar(2, Bar::memory32, 4096, 0xfebf0000);              // Bochs display registers
    vga->set16(0x04, io_memory_enabled, 0x0547);
    host.add_function(0, 2, 0, std::move(vga));
}

}  // namespace hosted
