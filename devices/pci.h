// PCI configuration space through configuration mechanism #1 (the address register at port
// 0xCF8, the data window at 0xCFC-0xCFF), BAR decoding and sizing, and bus enumeration.
// Register level, through hal::io port I/O only: the same code runs on a PC's host bridge
// and on the hosted PCI host model.
#pragma once

#include "../kernel/lib/result.h"
#include "../kernel/lib/types.h"

namespace devices::pci {

using kernel::Result;
using kernel::u16;
using kernel::u32;
using kernel::u64;
using kernel::u8;

struct Address {
    u8 bus;
    u8 device;    // 0..31
    u8 function;  // 0..7
    bool operator==(const Address&) const = default;
};

// Offsets in the configuration header (PCI Local Bus Specification 3.0, 6.1).
enum Register : u16 {
    vendor_id = 0x00,
    device_id = 0x02,
    command = 0x04,
    status = 0x06,
    revision_id = 0x08,
    prog_if = 0x09,
    subclass = 0x0a,
    class_code = 0x0b,
    header_type = 0x0e,
    bar0 = 0x10,
    primary_bus = 0x18,      // header type 1 (PCI-to-PCI bridge)
    secondary_bus = 0x19,    // header type 1
    subordinate_bus = 0x1a,  // header type 1
    subsystem_vendor_id = 0x2c,  // header type 0
    subsystem_id = 0x2e,         // header type 0
    interrupt_line = 0x3c,
    interrupt_pin = 0x3d,
};

constexpr u16 command_io = 1u << 0;       // decode the I/O BARs
constexpr u16 command_memory = 1u << 1;   // decode the memory BARs
constexpr u16 command_bus_master = 1u << 2;
constexpr u8 header_multifunction = 0x80;  // header type bit 7: functions 1..7 may exist
constexpr u8 header_layout_mask = 0x7f;
constexpr u8 header_general = 0, header_pci_bridge = 1, header_cardbus_bridge = 2;
constexpr u16 config_space_size = 256;     // what mechanism #1 reaches
constexpr unsigned max_bars = 6;

// Configuration mechanism #1. Each access writes the address register and then touches the
// data window, so accesses are serialized by one lock (Linux's pci_config_lock).
class Mechanism1 {
public:
    static constexpr u16 address_port = 0xcf8;
    static constexpr u16 data_port = 0xcfc;

    // True when a host bridge implements the address register: a value written reads back.
    // The previous contents are restored.
    static bool probe();

    // `width` is 1, 2 or 4 bytes at a naturally aligned `offset` below 256; the value lands on
    // the matching byte lanes of the data window (0xCFC + offset % 4). EINVAL otherwise.
    // A function that does not exist reads as all ones.
    static Result<u32> read(Address address, u16 offset, unsigned width);
    static Result<void> write(Address address, u16 offset, unsigned width, u32 value);
};

// The configuration space of one function.
class ConfigSpace {
public:
    explicit ConfigSpace(Address address) : address_(address) {}
    Address address() const { return address_; }

    Result<u8> read8(u16 offset) const;
    Result<u16> read16(u16 offset) const;
    Result<u32> read32(u16 offset) const;
    Result<void> write8(u16 offset, u8 value) const;
    Result<void> write16(u16 offset, u16 value) const;
    Result<void> write32(u16 offset, u32 value) const;

private:
    Address address_;
};

enum class BarKind : u8 {
    unused,  // not implemented (reads back 0 after all ones were written)
    io,
    memory,
};

struct Bar {
    BarKind kind = BarKind::unused;
    bool is_64bit = false;      // memory BAR that also uses the next register (upper half)
    bool prefetchable = false;  // memory BAR
    u64 base = 0;
    u64 size = 0;
};

// Decodes a BAR from the register's original contents and what it read after all ones were
// written (`high` halves: the next register, for a 64-bit memory BAR; 0 otherwise). The size
// is the lowest address bit the device lets software set.
Bar decode_bar(u32 original, u32 sized, u32 original_high = 0, u32 sized_high = 0);

// Whether a BAR register value (bit 0: I/O, bits 2:1 == 2: 64-bit memory) takes two registers.
constexpr bool bar_is_64bit(u32 value) { return !(value & 1) && ((value >> 1) & 3) == 2; }

// What enumeration records of one function.
struct Function {
    Address address {};
    u16 vendor_id = 0xffff;
    u16 device_id = 0xffff;
    u8 class_code = 0, subclass = 0, prog_if = 0, revision = 0;
    u8 header_layout = 0;       // header type without the multi-function bit
    bool multifunction = false;
    u16 subsystem_vendor_id = 0, subsystem_id = 0;  // header type 0 only
    u8 interrupt_line = 0;      // what firmware routed (0xff: none)
    u8 interrupt_pin = 0;       // 0: none, 1..4: INTA#..INTD#
    u8 secondary_bus = 0, subordinate_bus = 0;      // PCI-to-PCI bridges only
    Bar bars[max_bars] {};      // index = BAR register; the upper half of a 64-bit BAR is unused
    unsigned bar_count = 0;     // registers the header type has: 6, 2 (bridge) or 1 (CardBus)
};

// Reads the function at `address` (whose vendor ID is not 0xffff) and sizes its BARs. While
// a BAR is sized, the command register's I/O and memory decode bits are cleared, as Linux
// does (except on host bridges, which Linux also leaves decoding), so the device never
// decodes the all-ones probe address. Nothing may log to that device meanwhile.
Result<Function> read_function(Address address);

// Finds every function reachable from bus 0: devices 0..31, function 0 and, on
// multi-function devices, 1..7; the buses behind PCI-to-PCI bridges (their secondary bus
// numbers, as firmware assigned them) are scanned in turn, each bus at most once.
// Calls `visit` for each function. ENODEV when mechanism #1 is absent.
using Visitor = void (*)(const Function& function, void* context);
Result<unsigned> enumerate(Visitor visit, void* context);

// Human-readable class names (the pci.ids names lspci prints), e.g. "IDE interface".
const char* class_name(u8 class_code, u8 subclass);

}  // namespace devices::pci
