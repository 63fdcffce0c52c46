#include "smp.h"

#include <atomic>

#include "../../kernel/hal/boot.h"
#include "../../kernel/core/klog.h"
#include "../../kernel/hal/backend.h"
#include "../../kernel/hal/timer.h"
#include "../../kernel/lib/string.h"
#include "../../kernel/mm/kmalloc.h"
#include "acpi.h"
#include "apic.h"
#include "arch.h"
#include "gdt.h"
#include "interrupts.h"
#include "paging.h"
#include "user_mode.h"

extern "C" const std::uint8_t ap_trampoline_start[], ap_trampoline_end[];
extern "C" const std::uint8_t ap_trampoline_cr3[], ap_trampoline_efer[], ap_trampoline_stack[],
    ap_trampoline_entry[], ap_trampoline_cpu[];
extern "C" std::uint8_t boot_pml4[];  // boot.S: maps low memory 1:1 and the higher half

namespace x86 {
namespace {

// Below 1 MiB (a STARTUP IPI carries only a page number) and outside the BIOS data areas;
// boot_info keeps the first MiB away from the frame allocator.
constexpr std::uint64_t trampoline_base = 0x8000;
constexpr std::uint32_t msr_efer = 0xc0000080;
constexpr std::uint64_t efer_lme = 1u << 8, efer_nxe = 1u << 11;
constexpr std::uint64_t ap_start_timeout_ns = 200'000'000;

PerCpu per_cpu[hal::max_cpus];
unsigned cpu_total = 1;  // shrinks only if an AP fails to start
std::atomic<bool> ap_alive {false};

void set_gs_base(PerCpu& block) {
    block.self = &block;
    wrmsr(msr_gs_base, reinterpret_cast<std::uint64_t>(&block));
}

void patch(const std::uint8_t* field, std::uint64_t value) {
    auto offset = static_cast<std::uint64_t>(field - ap_trampoline_start);
    kstd::memcpy(physical(trampoline_base + offset), &value, sizeof value);
}

}  // namespace

// Where the trampoline lands, in the higher half, on the AP's own stack.
extern "C" [[noreturn]] void ap_entry(unsigned cpu) {
    // An AP that woke up after the boot CPU gave up on it must stay out of the kernel.
    if (cpu >= cpu_total)
        for (;;) asm volatile("cli; hlt");
    // The trampoline ran on boot.S's tables, which map low memory 1:1; now the kernel's.
    load_kernel_page_tables();
    load_gdt(cpu);
    load_idt();
    set_gs_base(per_cpu[cpu]);
    init_user_mode(cpu);
    lapic_init();
    ap_alive.store(true, std::memory_order_release);
    kernel_secondary_main(cpu);
}

void init_boot_cpu() { set_gs_base(per_cpu[0]); }

PerCpu& cpu_block(unsigned cpu) { return per_cpu[cpu]; }

void plan_cpus() {
    std::uint32_t apic_id = lapic_id();
    per_cpu[0].apic_id = apic_id;
    // CPU 1.. are the other enabled MADT entries, in table order.
    const AcpiInfo& acpi = acpi_info();
    for (unsigned i = 0; i < acpi.cpu_count && cpu_total < hal::max_cpus; ++i) {
        if (acpi.cpu_apic_ids[i] == apic_id) continue;
        per_cpu[cpu_total].index = cpu_total;
        per_cpu[cpu_total].apic_id = acpi.cpu_apic_ids[i];
        ++cpu_total;
    }
    if (acpi.cpu_count > hal::max_cpus)
        klog_warn("smp: the MADT lists %u CPUs, using %u", acpi.cpu_count, hal::max_cpus);
}

unsigned planned_cpu_count() { return cpu_total; }
std::uint32_t cpu_apic_id(unsigned cpu) { return per_cpu[cpu].apic_id; }

void start_application_processors() {
    if (cpu_total == 1) return;
    auto size = static_cast<std::uint64_t>(ap_trampoline_end - ap_trampoline_start);
    kstd::memcpy(physical(trampoline_base), ap_trampoline_start, size);
    patch(ap_trampoline_cr3, reinterpret_cast<std::uint64_t>(boot_pml4));  // identity-linked
    patch(ap_trampoline_efer, rdmsr(msr_efer) & (efer_lme | efer_nxe));
    patch(ap_trampoline_entry, reinterpret_cast<std::uint64_t>(&ap_entry));
    // One AP at a time: they share the trampoline's parameter block.
    for (unsigned cpu = 1; cpu < cpu_total; ++cpu) {
        void* stack = kernel::kmalloc(hal::backend::Traits::kernel_stack_size);
        if (!stack) {
            klog_error("smp: no memory for cpu%u's stack", cpu);
            continue;
        }
        patch(ap_trampoline_stack, reinterpret_cast<std::uint64_t>(stack) + hal::backend::Traits::kernel_stack_size);
        patch(ap_trampoline_cpu, cpu);
        ap_alive.store(false, std::memory_order_relaxed);
        asm volatile("mfence" ::: "memory");
        lapic_send_init_sipi(per_cpu[cpu].apic_id, static_cast<std::uint8_t>(trampoline_base >> 12), ap_alive);
        std::uint64_t give_up = hal::monotonic_ns() + ap_start_timeout_ns;
        while (!ap_alive.load(std::memory_order_acquire) && hal::monotonic_ns() < give_up) pause();
        if (!ap_alive.load(std::memory_order_acquire)) {
            // Keep CPU numbers dense: the kernel uses 0 .. cpu_count()-1.
            klog_error("smp: cpu%u (APIC %u) did not start; continuing with %u CPUs", cpu, per_cpu[cpu].apic_id, cpu);
            cpu_total = cpu;
            break;
        }
    }
}

}  // namespace x86
