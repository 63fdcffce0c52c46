// PCI configuration mechanism #1 and enumeration against the hosted PCI host model, in a
// booted kernel: the devices/ driver through hal::io, the kernel's list built at boot.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <vector>

#include "devices/pci.h"
#include "hosted/machine.h"
#include "hosted/models/pci_host_model.h"
#include "kernel/drivers/pci_bus.h"
#include "kernel/hal/interrupts.h"
#include "kernel/hal/io.h"
#include "kernel_fixture.h"

using namespace devices::pci;
using kernel::Errno;
using newt_test::run_in_kernel;

namespace {

struct Key {
    u8 bus, device, function;
    auto operator<=>(const Key&) const = default;
};

std::map<Key, Function> enumerate_all() {
    std::map<Key, Function> found;
    auto result = enumerate(
        [](const Function& function, void* context) {
            auto& map = *static_cast<std::map<Key, Function>*>(context);
            map[{function.address.bus, function.address.device, function.address.function}] = function;
        },
        &found);
    EXPECT_FALSE(result.is_error());
    if (!result.is_error()) {
        EXPECT_EQ(result.value(), found.size());
    }
    return found;
}

// Model changes from a test body: the model's lock is a host mutex, so no kernel
// interrupt may run on this CPU while it is held (docs/hal.md, host calls).
template <typename Change>
void change_model(Change change) {
    hal::InterruptGuard interrupts;
    change(hosted::pci_host_model());
}

void expect_bar(const Bar& bar, BarKind kind, u64 base, u64 size, bool prefetchable = false, bool is_64bit = false) {
    EXPECT_EQ(bar.kind, kind);
    EXPECT_EQ(bar.base, base);
    EXPECT_EQ(bar.size, size);
    EXPECT_EQ(bar.prefetchable, prefetchable);
    EXPECT_EQ(bar.is_64bit, is_64bit);
}

TEST(Pci, EnumerationFindsExactlyTheModelledFunctions) {
    run_in_kernel([] {
        auto found = enumerate_all();
        ASSERT_EQ(found.size(), 4u);
        const struct {
            Key key;
            u16 vendor, device;
            u8 class_code, subclass, prog_if, revision;
            bool multifunction;
        } expected[] = {
            {{0, 0, 0}, 0x8086, 0x1237, 0x06, 0x00, 0x00, 0x02, false},
            {{0, 1, 0}, 0x8086, 0x7000, 0x06, 0x01, 0x00, 0x00, true},
            {{0, 1, 1}, 0x8086, 0x7010, 0x01, 0x01, 0x80, 0x00, false},
            {{0, 2, 0}, 0x1234, 0x1111, 0x03, 0x00, 0x00, 0x02, false},
        };
        for (const auto& e : expected) {
            ASSERT_TRUE(found.count(e.key)) << int(e.key.device) << "." << int(e.key.function);
            const Function& f = found[e.key];
            EXPECT_EQ(f.vendor_id, e.vendor);
            EXPECT_EQ(f.device_id, e.device);
            EXPECT_EQ(f.class_code, e.class_code);
            EXPECT_EQ(f.subclass, e.subclass);
            EXPECT_EQ(f.prog_if, e.prog_if);
            EXPECT_EQ(f.revision, e.revision);
            EXPECT_EQ(f.multifunction, e.multifunction);
            EXPECT_EQ(f.header_layout, header_general);
            EXPECT_EQ(f.bar_count, 6u);
            EXPECT_EQ(f.subsystem_vendor_id, 0x1af4);
            EXPECT_EQ(f.subsystem_id, 0x1100);
        }
        const Function& ide = found[{0, 1, 1}];
        for (unsigned i : {0u, 1u, 2u, 3u, 5u}) EXPECT_EQ(ide.bars[i].kind, BarKind::unused) << "IDE BAR" << i;
        expect_bar(ide.bars[4], BarKind::io, 0xc040, 16);
        const Function& vga = found[{0, 2, 0}];
        expect_bar(vga.bars[0], BarKind::memory, 0xfd000000, 16u << 20, true);
        expect_bar(vga.bars[2], BarKind::memory, 0xfebf0000, 4096);
        for (unsigned i : {1u, 3u, 4u, 5u}) EXPECT_EQ(vga.bars[i].kind, BarKind::unused) << "VGA BAR" << i;
        for (const Bar& bar : found[{0, 0, 0}].bars) EXPECT_EQ(bar.kind, BarKind::unused);
    });
}

TEST(Pci, TheKernelListFromBootAnswersLookups) {
    run_in_kernel([] {
        kernel::PciFunctionList list = kernel::pci_functions();
        ASSERT_EQ(list.size(), 4u);
        const kernel::PciFunction* ide = kernel::pci_find_device(0x8086, 0x7010);
        ASSERT_NE(ide, nullptr);
        EXPECT_TRUE(ide->address == (Address {0, 1, 1}));
        EXPECT_EQ(kernel::pci_find_device(0x8086, 0x7010, ide), nullptr);
        EXPECT_EQ(kernel::pci_find_device(0x8086, 0x100e), nullptr);
        const kernel::PciFunction* vga = kernel::pci_find_class(0x03, 0x00);
        ASSERT_NE(vga, nullptr);
        EXPECT_EQ(vga->device_id, 0x1111);
        // Class 06 (bridges), any subclass: the host bridge, then the ISA bridge.
        const kernel::PciFunction* bridge = kernel::pci_find_class(0x06, 0xff);
        ASSERT_NE(bridge, nullptr);
        EXPECT_EQ(bridge->device_id, 0x1237);
        bridge = kernel::pci_find_class(0x06, 0xff, bridge);
        ASSERT_NE(bridge, nullptr);
        EXPECT_EQ(bridge->device_id, 0x7000);
        EXPECT_EQ(kernel::pci_find_class(0x06, 0xff, bridge), nullptr);
    });
}

TEST(Pci, ByteLanesOfEveryWidthAgree) {
    run_in_kernel([] {
        const ConfigSpace vga({0, 2, 0});
        for (u16 offset = 0; offset < 0x40; offset += 4) {
            const u32 dword = vga.read32(offset).value();
            for (u16 i = 0; i < 4; ++i)
                EXPECT_EQ(vga.read8(static_cast<u16>(offset + i)).value(), u8(dword >> 8 * i)) << offset + i;
            for (u16 i = 0; i < 4; i += 2)
                EXPECT_EQ(vga.read16(static_cast<u16>(offset + i)).value(), u16(dword >> 8 * i)) << offset + i;
        }
        EXPECT_EQ(vga.read32(0).value(), 0x11111234u);
        EXPECT_EQ(vga.read16(device_id).value(), 0x1111);
        EXPECT_EQ(vga.read8(class_code).value(), 0x03);
    });
}

TEST(Pci, BadRegisterNumbersAreEinval) {
    run_in_kernel([] {
        const ConfigSpace vga({0, 2, 0});
        EXPECT_EQ(vga.read16(1).error(), Errno::einval);
        EXPECT_EQ(vga.read32(2).error(), Errno::einval);
        EXPECT_EQ(vga.read8(256).error(), Errno::einval);
        EXPECT_EQ(vga.write16(3, 0).error(), Errno::einval);
        EXPECT_EQ(Mechanism1::read({0, 32, 0}, 0, 4).error(), Errno::einval);
        EXPECT_EQ(Mechanism1::read({0, 0, 8}, 0, 4).error(), Errno::einval);
        EXPECT_EQ(Mechanism1::read({0, 0, 0}, 0, 3).error(), Errno::einval);
        // An absent function reads all ones.
        EXPECT_EQ(ConfigSpace({0, 9, 0}).read32(0).value(), 0xffffffffu);
        EXPECT_EQ(ConfigSpace({7, 0, 0}).read16(0).value(), 0xffff);
    });
}

TEST(Pci, WritableRegistersStickAndReadOnlyBitsDoNot) {
    run_in_kernel([] {
        const ConfigSpace ide({0, 1, 1});
        // Interrupt line: writable, through an 8-bit write on lane 0 of 0x3c.
        const u8 line = ide.read8(interrupt_line).value();
        ASSERT_FALSE(ide.write8(interrupt_line, 0x0e).is_error());
        EXPECT_EQ(ide.read8(interrupt_line).value(), 0x0e);
        EXPECT_EQ(ide.read32(interrupt_line).value() & 0xff, 0x0eu);
        ASSERT_FALSE(ide.write8(interrupt_line, line).is_error());
        // Interrupt pin (lane 1 of the same dword): read-only.
        ASSERT_FALSE(ide.write8(interrupt_pin, 3).is_error());
        EXPECT_EQ(ide.read8(interrupt_pin).value(), 0);
        // Vendor/device, class and header type ignore writes.
        ASSERT_FALSE(ide.write32(vendor_id, 0x12345678).is_error());
        EXPECT_EQ(ide.read32(vendor_id).value(), 0x70108086u);
        ASSERT_FALSE(ide.write32(revision_id, 0).is_error());
        EXPECT_EQ(ide.read32(revision_id).value(), 0x01018000u);
        ASSERT_FALSE(ide.write8(header_type, 0x81).is_error());
        EXPECT_EQ(ide.read8(header_type).value(), 0);
        // Command: the decode and bus-master bits stick, reserved bits do not.
        const u16 command_before = ide.read16(command).value();
        ASSERT_FALSE(ide.write16(command, 0xffff).is_error());
        EXPECT_EQ(ide.read16(command).value(), 0x0547);
        ASSERT_FALSE(ide.write16(command, command_before).is_error());
        EXPECT_EQ(ide.read16(command).value(), command_before);
        // BAR4: address bits above the size stick, the I/O type bit and the size bits do not.
        const u16 bar4 = bar0 + 16;
        ASSERT_FALSE(ide.write32(bar4, 0x0000d0ff).is_error());
        EXPECT_EQ(ide.read32(bar4).value(), 0x0000d0f1u);
        ASSERT_FALSE(ide.write32(bar4, 0xffffffff).is_error());
        EXPECT_EQ(ide.read32(bar4).value(), 0xfffffff1u);
        ASSERT_FALSE(ide.write32(bar4, 0xc040).is_error());
        EXPECT_EQ(ide.read32(bar4).value(), 0xc041u);
        // A BAR the function does not implement stays 0.
        ASSERT_FALSE(ide.write32(bar0, 0xffffffff).is_error());
        EXPECT_EQ(ide.read32(bar0).value(), 0u);
    });
}

TEST(Pci, SizingRestoresTheBarsAndTheCommandRegister) {
    run_in_kernel([] {
        const ConfigSpace vga({0, 2, 0});
        std::vector<u32> before;
        for (u16 offset = 0; offset < 0x40; offset += 4) before.push_back(vga.read32(offset).value());
        ASSERT_NE(before[command / 4] & (command_memory | command_io), 0u);
        auto function = read_function({0, 2, 0});
        ASSERT_FALSE(function.is_error());
        EXPECT_EQ(function->bars[0].size, 16u << 20);
        for (u16 offset = 0; offset < 0x40; offset += 4)
            EXPECT_EQ(vga.read32(offset).value(), before[offset / 4]) << "config dword " << offset;
    });
}

TEST(Pci, FunctionsBeyondZeroOnlyOnMultiFunctionDevices) {
    run_in_kernel([] {
        change_model([](hosted::PciHostModel& host) {
            // 00:02.0 (VGA) is single-function: a function 1 behind it must not be found,
            // as on hardware that decodes every function number.
            host.add_function(0, 2, 1, std::make_unique<hosted::PciFunctionModel>(hosted::PciFunctionModel::Identity {
                                            .vendor_id = 0x1234, .device_id = 0x1111, .class_code = 0x03,
                                            .subclass = 0x00, .prog_if = 0, .revision = 0}));
            // 00:01.0 (ISA bridge) is multi-function: 00:01.3 is found, with the gap at .2.
            host.add_function(0, 1, 3, std::make_unique<hosted::PciFunctionModel>(hosted::PciFunctionModel::Identity {
                                            .vendor_id = 0x8086, .device_id = 0x7113, .class_code = 0x06,
                                            .subclass = 0x80, .prog_if = 0, .revision = 3}));
        });
        auto found = enumerate_all();
        change_model([](hosted::PciHostModel& host) {
            host.remove_function(0, 2, 1);
            host.remove_function(0, 1, 3);
        });
        EXPECT_EQ(found.size(), 5u);
        EXPECT_FALSE(found.count({0, 2, 1}));
        ASSERT_TRUE(found.count({0, 1, 3}));
        EXPECT_EQ((found[Key {0, 1, 3}].device_id), 0x7113);
        EXPECT_EQ(enumerate_all().size(), 4u);
    });
}

TEST(Pci, BusesBehindBridgesAreScannedAndOthersAreNot) {
    run_in_kernel([] {
        change_model([](hosted::PciHostModel& host) {
            // 00:05.0: a PCI-to-PCI bridge to bus 3 (header type 1, secondary bus writable).
            auto bridge = std::make_unique<hosted::PciFunctionModel>(hosted::PciFunctionModel::Identity {
                .vendor_id = 0x1b36, .device_id = 0x0001, .class_code = 0x06, .subclass = 0x04, .prog_if = 0,
                .revision = 0, .header_type = 0x01});
            bridge->set8(0x19, 3, 0xff);
            bridge->set8(0x1a, 3, 0xff);
            host.add_function(0, 5, 0, std::move(bridge));
            // 03:07.0 behind it, with a 64-bit prefetchable BAR above 4 GiB and an IRQ.
            auto nic = std::make_unique<hosted::PciFunctionModel>(hosted::PciFunctionModel::Identity {
                .vendor_id = 0x8086, .device_id = 0x10d3, .class_code = 0x02, .subclass = 0x00, .prog_if = 0,
                .revision = 0});
            nic->define_bar(0, hosted::PciFunctionModel::BarType::memory64, 8ull << 30, 0x800000000ull, true);
            nic->define_bar(2, hosted::PciFunctionModel::BarType::memory64, 16 << 10, 0xfeb00000);
            nic->set_interrupt(11, 1);
            host.add_function(3, 7, 0, std::move(nic));
            // Bus 9 is behind no bridge: unreachable.
            host.add_function(9, 0, 0, std::make_unique<hosted::PciFunctionModel>(hosted::PciFunctionModel::Identity {
                                           .vendor_id = 0x8086, .device_id = 0x100e, .class_code = 0x02,
                                           .subclass = 0x00, .prog_if = 0, .revision = 0}));
        });
        auto found = enumerate_all();
        change_model([](hosted::PciHostModel& host) {
            host.remove_function(0, 5, 0);
            host.remove_function(3, 7, 0);
            host.remove_function(9, 0, 0);
        });
        EXPECT_EQ(found.size(), 6u);
        ASSERT_TRUE(found.count({0, 5, 0}));
        const Function& bridge = found[{0, 5, 0}];
        EXPECT_EQ(bridge.header_layout, header_pci_bridge);
        EXPECT_EQ(bridge.bar_count, 2u);
        EXPECT_EQ(bridge.secondary_bus, 3u);
        ASSERT_TRUE(found.count({3, 7, 0}));
        const Function& nic = found[{3, 7, 0}];
        expect_bar(nic.bars[0], BarKind::memory, 0x800000000ull, 8ull << 30, true, true);
        EXPECT_EQ(nic.bars[1].kind, BarKind::unused);  // the upper half of BAR0
        expect_bar(nic.bars[2], BarKind::memory, 0xfeb00000, 16 << 10, false, true);
        EXPECT_EQ(nic.interrupt_line, 11);
        EXPECT_EQ(nic.interrupt_pin, 1);
        EXPECT_FALSE(found.count({9, 0, 0}));
    });
}

TEST(Pci, NoHostBridgeMeansNoPci) {
    run_in_kernel([] {
        change_model([](hosted::PciHostModel& host) { host.set_connected(false); });
        const bool present = Mechanism1::probe();
        auto result = enumerate([](const Function&, void*) { ADD_FAILURE() << "a function without PCI"; }, nullptr);
        change_model([](hosted::PciHostModel& host) { host.set_connected(true); });
        EXPECT_FALSE(present);
        ASSERT_TRUE(result.is_error());
        EXPECT_EQ(result.error(), Errno::enodev);
        EXPECT_TRUE(Mechanism1::probe());
    });
}

TEST(Pci, ProbeRestoresTheAddressRegister) {
    run_in_kernel([] {
        hal::InterruptGuard interrupts;  // nothing else may use the address register meanwhile
        hal::outl(Mechanism1::address_port, 0x80001008);
        ASSERT_TRUE(Mechanism1::probe());
        EXPECT_EQ(hal::inl(Mechanism1::address_port), 0x80001008u);
    });
}

}  // namespace
