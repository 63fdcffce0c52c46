#include "pci.h"

#include "../kernel/hal/io.h"
#include "../kernel/lib/spinlock.h"

namespace devices::pci {

using kernel::Errno;

namespace {

// Guards the address register: the address write and the data access belong together.
kernel::Spinlock config_lock;

constexpr u32 enable_bit = 0x80000000u;

u32 address_value(Address address, u16 offset) {
    return enable_bit | u32(address.bus) << 16 | u32(address.device) << 11 | u32(address.function) << 8 |
           (offset & 0xfcu);
}

bool valid_access(Address address, u16 offset, unsigned width) {
    return (width == 1 || width == 2 || width == 4) && offset < config_space_size && offset % width == 0 &&
           address.device < 32 && address.function < 8;
}

// Sizes the BARs of `function` (bar_count set) with decoding off; restores the command
// register even when an access fails.
Result<void> size_bars(const ConfigSpace& config, Function& function) {
    const bool host_bridge = function.class_code == 0x06 && function.subclass == 0x00;
    const u16 original_command = TRY(config.read16(command));
    const u16 decode = original_command & (command_io | command_memory);
    const bool disable = decode && !host_bridge;
    if (disable) TRY(config.write16(command, static_cast<u16>(original_command & ~decode)));

    auto probe = [&config](u16 offset, u32& original, u32& sized) -> Result<void> {
        original = TRY(config.read32(offset));
        TRY(config.write32(offset, 0xffffffffu));
        sized = TRY(config.read32(offset));
        return config.write32(offset, original);
    };
    Result<void> result = kernel::ok();
    for (unsigned i = 0; i < function.bar_count && !result.is_error(); ++i) {
        const auto offset = static_cast<u16>(bar0 + 4 * i);
        u32 original = 0, sized = 0, original_high = 0, sized_high = 0;
        result = probe(offset, original, sized);
        const bool wide = bar_is_64bit(original) && i + 1 < function.bar_count;
        if (!result.is_error() && wide) result = probe(static_cast<u16>(offset + 4), original_high, sized_high);
        if (!result.is_error()) function.bars[i] = decode_bar(original, sized, original_high, sized_high);
        if (wide) ++i;  // the upper half is not a BAR of its own
    }

    if (disable) TRY(config.write16(command, original_command));
    return result;
}

}  // namespace

bool Mechanism1::probe() {
    kernel::SpinlockGuard guard(config_lock);
    const u32 saved = hal::inl(address_port);
    hal::outl(address_port, enable_bit);
    const bool present = hal::inl(address_port) == enable_bit;
    hal::outl(address_port, saved);
    return present;
}

Result<u32> Mechanism1::read(Address address, u16 offset, unsigned width) {
    if (!valid_access(address, offset, width)) return Errno::einval;
    const auto port = static_cast<u16>(data_port + (offset & 3));
    kernel::SpinlockGuard guard(config_lock);
    hal::outl(address_port, address_value(address, offset));
    switch (width) {
    case 1: return u32 {hal::inb(port)};
    case 2: return u32 {hal::inw(port)};
    default: return hal::inl(port);
    }
}

Result<void> Mechanism1::write(Address address, u16 offset, unsigned width, u32 value) {
    if (!valid_access(address, offset, width)) return Errno::einval;
    const auto port = static_cast<u16>(data_port + (offset & 3));
    kernel::SpinlockGuard guard(config_lock);
    hal::outl(address_port, address_value(address, offset));
    switch (width) {
    case 1: hal::outb(port, static_cast<u8>(value)); break;
    case 2: hal::outw(port, static_cast<u16>(value)); break;
    default: hal::outl(port, value); break;
    }
    return kernel::ok();
}

Result<u8> ConfigSpace::read8(u16 offset) const { return static_cast<u8>(TRY(Mechanism1::read(address_, offset, 1))); }
Result<u16> ConfigSpace::read16(u16 offset) const { return static_cast<u16>(TRY(Mechanism1::read(address_, offset, 2))); }
Result<u32> ConfigSpace::read32(u16 offset) const { return Mechanism1::read(address_, offset, 4); }
Result<void> ConfigSpace::write8(u16 offset, u8 value) const { return Mechanism1::write(address_, offset, 1, value); }
Result<void> ConfigSpace::write16(u16 offset, u16 value) const { return Mechanism1::write(address_, offset, 2, value); }
Result<void> ConfigSpace::write32(u16 offset, u32 value) const { return Mechanism1::write(address_, offset, 4, value); }

Bar decode_bar(u32 original, u32 sized, u32 original_high, u32 sized_high) {
    Bar bar;
    // 0: nothing writable, the BAR is not implemented. All ones: nothing answered (Linux
    // treats it the same way).
    if (sized == 0 || sized == 0xffffffffu) return bar;
    u64 mask, base;
    if (original & 1) {
        bar.kind = BarKind::io;
        mask = sized & 0xfffffffcu;  // many devices hard-wire the upper 16 bits to 0: still fine
        base = original & 0xfffffffcu;
    } else {
        bar.kind = BarKind::memory;
        bar.prefetchable = original & 0x8;
        bar.is_64bit = bar_is_64bit(original);  // type 1 (below 1 MiB) and 3 (reserved) decode as 32-bit
        mask = sized & 0xfffffff0u;
        base = original & 0xfffffff0u;
        if (bar.is_64bit) {
            mask |= u64 {sized_high} << 32;
            base |= u64 {original_high} << 32;
        }
    }
    if (mask == 0) return Bar {};
    bar.base = base;
    bar.size = mask & (~mask + 1);  // the lowest writable address bit
    return bar;
}

Result<Function> read_function(Address address) {
    const ConfigSpace config(address);
    Function function;
    function.address = address;
    const u32 ids = TRY(config.read32(vendor_id));
    function.vendor_id = static_cast<u16>(ids);
    function.device_id = static_cast<u16>(ids >> 16);
    if (function.vendor_id == 0xffff) return Errno::enodev;
    const u32 class_revision = TRY(config.read32(revision_id));
    function.revision = static_cast<u8>(class_revision);
    function.prog_if = static_cast<u8>(class_revision >> 8);
    function.subclass = static_cast<u8>(class_revision >> 16);
    function.class_code = static_cast<u8>(class_revision >> 24);
    const u8 header = TRY(config.read8(header_type));
    function.header_layout = header & header_layout_mask;
    function.multifunction = header & header_multifunction;
    function.interrupt_line = TRY(config.read8(interrupt_line));
    function.interrupt_pin = TRY(config.read8(interrupt_pin));
    switch (function.header_layout) {
    case header_general:
        function.bar_count = 6;
        function.subsystem_vendor_id = TRY(config.read16(subsystem_vendor_id));
        function.subsystem_id = TRY(config.read16(subsystem_id));
        break;
    case header_pci_bridge:
        function.bar_count = 2;
        function.secondary_bus = TRY(config.read8(secondary_bus));
        function.subordinate_bus = TRY(config.read8(subordinate_bus));
        break;
    case header_cardbus_bridge:
        function.bar_count = 1;  // the socket's register block
        break;
    default:
        break;  // unknown layout: leave its registers alone
    }
    TRY(size_bars(config, function));
    return function;
}

Result<unsigned> enumerate(Visitor visit, void* context) {
    if (!Mechanism1::probe()) return Errno::enodev;
    // Buses still to scan, each queued once (a misconfigured bridge cannot make a loop).
    u8 queue[256];
    unsigned head = 0, tail = 0;
    u64 queued[4] = {};
    auto schedule = [&](u8 bus) {
        if (queued[bus / 64] & (u64 {1} << (bus % 64))) return;
        queued[bus / 64] |= u64 {1} << (bus % 64);
        queue[tail++] = bus;
    };
    schedule(0);
    unsigned found = 0;
    while (head < tail) {
        const u8 bus = queue[head++];
        for (u8 device = 0; device < 32; ++device) {
            for (u8 number = 0; number < 8; ++number) {
                const Address address {bus, device, number};
                const u16 vendor = TRY(ConfigSpace(address).read16(vendor_id));
                if (vendor == 0xffff) {
                    if (number == 0) break;  // no device: function 0 always exists when it does
                    continue;
                }
                auto function = read_function(address);
                if (function.is_error()) continue;  // vanished between the two reads
                visit(function.value(), context);
                ++found;
                if (function->header_layout == header_pci_bridge) schedule(function->secondary_bus);
                // Single-function devices may answer on every function number: only trust
                // functions 1..7 when function 0 says there are several.
                if (number == 0 && !function->multifunction) break;
            }
        }
    }
    return found;
}

const char* class_name(u8 class_code, u8 subclass) {
    struct Name {
        u8 class_code, subclass;
        const char* name;
    };
    // The common pci.ids subclass names; other subclasses fall back to the class name.
    static constexpr Name subclass_names[] = {
        {0x00, 0x01, "VGA compatible unclassified device"},
        {0x01, 0x00, "SCSI storage controller"}, {0x01, 0x01, "IDE interface"},
        {0x01, 0x05, "ATA controller"}, {0x01, 0x06, "SATA controller"},
        {0x01, 0x07, "Serial Attached SCSI controller"}, {0x01, 0x08, "Non-Volatile memory controller"},
        {0x02, 0x00, "Ethernet controller"},
        {0x03, 0x00, "VGA compatible controller"}, {0x03, 0x01, "XGA compatible controller"},
        {0x03, 0x02, "3D controller"},
        {0x04, 0x00, "Multimedia video controller"}, {0x04, 0x01, "Multimedia audio controller"},
        {0x04, 0x03, "Audio device"},
        {0x05, 0x00, "RAM memory"},
        {0x06, 0x00, "Host bridge"}, {0x06, 0x01, "ISA bridge"}, {0x06, 0x04, "PCI bridge"},
        {0x06, 0x07, "CardBus bridge"},
        {0x07, 0x00, "Serial controller"}, {0x07, 0x01, "Parallel controller"},
        {0x08, 0x00, "PIC"}, {0x08, 0x01, "DMA controller"}, {0x08, 0x02, "Timer"}, {0x08, 0x03, "RTC"},
        {0x08, 0x06, "IOMMU"},
        {0x09, 0x00, "Keyboard controller"}, {0x09, 0x02, "Mouse controller"},
        {0x0c, 0x03, "USB controller"}, {0x0c, 0x05, "SMBus"},
    };
    static constexpr const char* class_names[] = {
        "Unclassified device", "Mass storage controller", "Network controller", "Display controller",
        "Multimedia controller", "Memory controller", "Bridge", "Communication controller",
        "Generic system peripheral", "Input device controller", "Docking station", "Processor",
        "Serial bus controller", "Wireless controller", "Intelligent controller",
        "Satellite communications controller", "Encryption controller", "Signal processing controller",
        "Processing accelerators", "Non-Essential Instrumentation",
    };
    for (const Name& entry : subclass_names)
        if (entry.class_code == class_code && entry.subclass == subclass) return entry.name;
    if (class_code < sizeof class_names / sizeof class_names[0]) return class_names[class_code];
    if (class_code == 0x40) return "Coprocessor";
    return "Unassigned class";
}

}  // namespace devices::pci
