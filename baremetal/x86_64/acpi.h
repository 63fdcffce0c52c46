// What Newt reads from the ACPI tables: CPUs and IOAPIC (MADT), ISA interrupt overrides,
// how to enter S5 (FADT + the \_S5 package in the DSDT), and the RTC's century register (FADT).
#pragma once

#include <cstdint>

namespace x86 {

struct IrqOverride {
    std::uint32_t gsi;
    std::uint16_t flags;  // MPS INTI flags: polarity (bits 0-1), trigger mode (bits 2-3)
};

struct AcpiInfo {
    static constexpr unsigned max_cpus = 64;
    unsigned cpu_count = 1;
    std::uint32_t cpu_apic_ids[max_cpus] = {};
    std::uint64_t ioapic_address = 0xfec00000;
    IrqOverride isa_overrides[16] = {};
    std::uint16_t pm1a_control = 0;
    std::uint16_t pm1b_control = 0;
    std::uint16_t slp_typ_a = 0, slp_typ_b = 0;
    bool s5_known = false;
    // FADT RESET_REG (when RESET_REG_SUP): a Generic Address Structure and the value to write.
    bool reset_supported = false;
    std::uint8_t reset_space = 0;   // 0 system memory, 1 system I/O, 2 PCI configuration
    std::uint64_t reset_address = 0;
    std::uint8_t reset_value = 0;
    std::uint8_t rtc_century_register = 0;  // FADT CENTURY: CMOS index of the century, 0 if none
    bool found = false;
};

// Parses the tables from the RSDP at physical `rsdp` (0: search the BIOS areas).
void acpi_init(std::uint64_t rsdp);
const AcpiInfo& acpi_info();

// Powers off: QEMU's isa-debug-exit (tests), ACPI S5, then the emulators' own ports.
void acpi_poweroff(int status);

// Resets the machine: the FADT reset register, port 0xcf9, the keyboard controller, and a
// triple fault as the last resort.
[[noreturn]] void reset_machine();

}  // namespace x86
