#include "apic.h"

#include "../../kernel/hal/cpu.h"
#include "../../kernel/hal/timer.h"
#include "acpi.h"
#include "arch.h"
#include "interrupts.h"
#include "smp.h"

namespace x86 {
namespace {

constexpr std::uint32_t apic_base_msr = 0x1b;
enum LapicRegister : std::uint32_t {
    id = 0x20, task_priority = 0x80, eoi = 0xb0, spurious = 0xf0, icr_low = 0x300, icr_high = 0x310,
    lvt_timer = 0x320, timer_initial = 0x380, timer_current = 0x390, timer_divide = 0x3e0,
};

volatile std::uint32_t* lapic = nullptr;
std::uint64_t tsc_rate = 1'000'000'000;   // ticks per second, until calibrated
std::uint64_t lapic_rate = 1'000'000'000;  // timer ticks per second (divide by 16)
std::uint64_t tsc_at_boot = 0;
// Fixed-point factors (32 fractional bits), so the hot paths multiply instead of divide:
// ns = ticks * ns_per_tsc_tick >> 32, lapic ticks = ns * lapic_ticks_per_ns >> 32.
std::uint64_t ns_per_tsc_tick = std::uint64_t(1) << 32;
std::uint64_t lapic_ticks_per_ns = std::uint64_t(1) << 32;

std::uint32_t read(std::uint32_t reg) { return lapic[reg / 4]; }
void write(std::uint32_t reg, std::uint32_t value) { lapic[reg / 4] = value; }

// PIT channel 2, gated through port 0x61, counts down once: a fixed delay independent of
// any interrupt.
void pit_wait_ms(unsigned ms) {
    constexpr std::uint32_t pit_hz = 1193182;
    std::uint32_t count = pit_hz * ms / 1000;
    std::uint8_t gate = inb(0x61);
    outb(0x61, (gate & ~0x02) | 0x01);  // speaker off, gate on
    outb(0x43, 0xb0);                   // channel 2, lobyte/hibyte, mode 0
    outb(0x42, count & 0xff);
    outb(0x42, (count >> 8) & 0xff);
    // Restart the count by toggling the gate.
    gate = inb(0x61);
    outb(0x61, gate & ~0x01);
    outb(0x61, gate | 0x01);
    while (!(inb(0x61) & 0x20)) pause();
}

volatile std::uint32_t* ioapic = nullptr;

void ioapic_write(std::uint32_t reg, std::uint32_t value) {
    ioapic[0] = reg;
    ioapic[4] = value;
}

}  // namespace

void lapic_init() {
    std::uint64_t base = rdmsr(apic_base_msr);
    wrmsr(apic_base_msr, base | (1u << 11));  // globally enabled
    lapic = physical<volatile std::uint32_t>(base & ~0xfffull);
    write(task_priority, 0);
    write(spurious, 0x100 | spurious_vector);
    write(timer_divide, 0x3);            // divide by 16
    write(lvt_timer, 1u << 16);          // masked until armed
}

std::uint32_t lapic_id() { return read(id) >> 24; }
void lapic_eoi() { write(eoi, 0); }

void lapic_send_ipi(std::uint32_t apic_id, std::uint32_t vector) {
    // The ICR is two registers: an interrupt between the writes could send its own IPI.
    std::uint64_t flags = read_rflags();
    cli();
    write(icr_high, apic_id << 24);
    write(icr_low, vector);  // fixed delivery, physical destination
    while (read(icr_low) & (1u << 12)) pause();
    if (flags & rflags_interrupt) sti();
}

void lapic_send_init_sipi(std::uint32_t apic_id, std::uint8_t start_page, const std::atomic<bool>& started) {
    // The universal start-up algorithm (Intel SDM vol. 3, 8.4.4.1): INIT, 10 ms, STARTUP,
    // and a second STARTUP only if the first one was missed.
    write(icr_high, apic_id << 24);
    write(icr_low, 0x4500);  // INIT, assert, edge
    while (read(icr_low) & (1u << 12)) pause();
    pit_wait_ms(10);
    for (int i = 0; i < 2 && !started.load(std::memory_order_acquire); ++i) {
        write(icr_high, apic_id << 24);
        write(icr_low, 0x4600 | start_page);  // STARTUP
        while (read(icr_low) & (1u << 12)) pause();
        pit_wait_ms(1);
    }
}

void calibrate_clocks() {
    constexpr unsigned ms = 20;
    write(lvt_timer, 1u << 16);
    write(timer_initial, 0xffffffff);
    std::uint64_t tsc_start = rdtsc();
    pit_wait_ms(ms);
    std::uint64_t tsc_end = rdtsc();
    std::uint32_t lapic_elapsed = 0xffffffff - read(timer_current);
    write(timer_initial, 0);
    tsc_rate = (tsc_end - tsc_start) * 1000 / ms;
    lapic_rate = std::uint64_t(lapic_elapsed) * 1000 / ms;
    ns_per_tsc_tick = (1'000'000'000ull << 32) / tsc_rate;
    lapic_ticks_per_ns = (lapic_rate << 32) / 1'000'000'000ull;
    if (!tsc_at_boot) tsc_at_boot = tsc_start;
}

std::uint64_t tsc_hz() { return tsc_rate; }

void ioapic_route(unsigned line, std::uint8_t vector, bool masked) {
    if (!ioapic) ioapic = physical<volatile std::uint32_t>(acpi_info().ioapic_address);
    const IrqOverride& route = acpi_info().isa_overrides[line < 16 ? line : 0];
    unsigned gsi = line < 16 ? route.gsi : line;
    std::uint32_t flags = line < 16 ? route.flags : 0;
    std::uint32_t low = vector;
    if ((flags & 0x3) == 0x3) low |= 1u << 13;  // active low
    if ((flags & 0xc) == 0xc) low |= 1u << 15;  // level triggered
    if (masked) low |= 1u << 16;
    ioapic_write(0x10 + gsi * 2 + 1, cpu_apic_id(0) << 24);
    ioapic_write(0x10 + gsi * 2, low);
}

void disable_pic() {
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

}  // namespace x86

namespace hal {

kernel::u64 monotonic_ns() {
    kernel::u64 ticks = x86::rdtsc() - x86::tsc_at_boot;
    return static_cast<kernel::u64>((static_cast<unsigned __int128>(ticks) * x86::ns_per_tsc_tick) >> 32);
}

void arm_timer(kernel::u64 deadline_ns) {
    if (deadline_ns == 0) {
        x86::write(x86::timer_initial, 0);
        return;
    }
    kernel::u64 now = monotonic_ns();
    kernel::u64 delta = deadline_ns > now ? deadline_ns - now : 0;
    auto ticks = static_cast<kernel::u64>((static_cast<unsigned __int128>(delta) * x86::lapic_ticks_per_ns) >> 32);
    if (ticks == 0) ticks = 1;
    if (ticks > 0xffffffffu) ticks = 0xffffffffu;  // fires early; the kernel re-arms
    x86::write(x86::lvt_timer, x86::timer_vector);  // one-shot, unmasked
    x86::write(x86::timer_initial, static_cast<std::uint32_t>(ticks));
}

}  // namespace hal
