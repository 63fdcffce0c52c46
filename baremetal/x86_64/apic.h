// Local APIC (timer, IPIs, EOI), IOAPIC routing, and the TSC clock calibrated with the PIT.
#pragma once

#include <atomic>
#include <cstdint>

namespace x86 {

// Enables this CPU's local APIC (spurious vector, task priority 0, timer masked).
void lapic_init();
std::uint32_t lapic_id();
void lapic_eoi();
void lapic_send_ipi(std::uint32_t apic_id, std::uint32_t vector);
// Starts the AP `apic_id` at real-mode address start_page << 12; `started` tells whether the
// second STARTUP IPI is needed. Boot CPU only (it uses the PIT for delays).
void lapic_send_init_sipi(std::uint32_t apic_id, std::uint8_t start_page, const std::atomic<bool>& started);

// Measures the TSC and LAPIC timer rates against the PIT (once, on the boot CPU).
void calibrate_clocks();
std::uint64_t tsc_hz();

// Routes ISA/GSI line `line` to `vector` on the boot CPU, masked or not.
void ioapic_route(unsigned line, std::uint8_t vector, bool masked);

// Masks the legacy 8259 PICs (remapped to vectors 0x20..0x2f first, so a stray one is
// recognizable rather than looking like an exception).
void disable_pic();

}  // namespace x86
