// hal CPU and interrupt functions on x86_64. One CPU for now: secondary CPUs (INIT-SIPI-SIPI,
// per-CPU data through GS) are not started yet.
#include "../../kernel/core/klog.h"
#include "../../kernel/hal/cpu.h"
#include "../../kernel/hal/interrupts.h"
#include "../x86_64/acpi.h"
#include "../x86_64/apic.h"
#include "../x86_64/arch.h"
#include "../x86_64/interrupts.h"

namespace x86 {
bool install_irq_handler(unsigned line, hal::IrqHandler handler, void* context);  // interrupts.cpp
}

namespace hal {

unsigned cpu_count() { return 1; }

[[gnu::noinline]] unsigned current_cpu() { return 0; }

void halt_until_interrupt() {
    // `sti` takes effect after the next instruction, so no interrupt slips in before `hlt`.
    asm volatile("sti; hlt" ::: "memory");
}

void cpu_relax() { x86::pause(); }

void send_ipi(unsigned cpu) { x86::lapic_send_ipi(x86::acpi_info().cpu_apic_ids[cpu], x86::ipi_vector); }

void start_secondary_cpus() {
    if (x86::acpi_info().cpu_count > 1)
        klog_warn("smp: the MADT lists %u CPUs; starting secondary CPUs is not implemented yet",
                  x86::acpi_info().cpu_count);
}

bool irq_enabled() { return x86::read_rflags() & x86::rflags_interrupt; }
void irq_disable() { x86::cli(); }
void irq_enable() { x86::sti(); }

kernel::Result<void> register_irq(unsigned line, IrqHandler handler, void* context) {
    if (line >= irq_line_count || !handler) return kernel::Errno::einval;
    {
        InterruptGuard interrupts;
        if (!x86::install_irq_handler(line, handler, context)) return kernel::Errno::ebusy;
    }
    unmask_irq(line);
    return kernel::ok();
}

void mask_irq(unsigned line) {
    if (line < irq_line_count) x86::ioapic_route(line, static_cast<kernel::u8>(x86::irq_vector_base + line), true);
}

void unmask_irq(unsigned line) {
    if (line < irq_line_count) x86::ioapic_route(line, static_cast<kernel::u8>(x86::irq_vector_base + line), false);
}

}  // namespace hal
