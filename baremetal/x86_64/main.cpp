// The x86_64 entry: boot.S calls baremetal_entry in long mode, in the higher half, on the
// boot stack, with interrupts disabled. It sets up the CPU and the platform, builds the
// BootInfo and enters the portable kernel.
#include <cstdint>

#include "../../kernel/core/klog.h"
#include "../../kernel/hal/boot.h"
#include "acpi.h"
#include "apic.h"
#include "arch.h"
#include "boot_info.h"
#include "gdt.h"
#include "interrupts.h"
#include "paging.h"
#include "smp.h"
#include "user_mode.h"

extern "C" [[noreturn]] void baremetal_entry(std::uint32_t protocol, std::uint64_t info_physical) {
    static hal::BootInfo boot_info;
    x86::load_gdt(0);
    x86::init_boot_cpu();
    x86::load_idt();
    auto boot_protocol = static_cast<x86::BootProtocol>(protocol);
    std::uint64_t rsdp = x86::parse_boot_info(boot_protocol, info_physical, boot_info);
    x86::acpi_init(rsdp);
    x86::disable_pic();
    x86::lapic_init();
    x86::plan_cpus();
    x86::calibrate_clocks();
    x86::init_kernel_page_tables(boot_info);
    x86::init_user_mode(0);
    boot_info.cpu_count = x86::planned_cpu_count();
    boot_info.rtc_century_register = x86::acpi_info().rtc_century_register;
    klog_info("x86_64: booted by %s; ACPI %s, %u CPUs in the MADT, IOAPIC at %#llx; TSC %llu MHz",
              boot_protocol == x86::BootProtocol::pvh ? "PVH" : "Multiboot2", x86::acpi_info().found ? "found" : "missing",
              x86::acpi_info().cpu_count, static_cast<unsigned long long>(x86::acpi_info().ioapic_address),
              static_cast<unsigned long long>(x86::tsc_hz() / 1'000'000));
    kernel_main(boot_info);
}
