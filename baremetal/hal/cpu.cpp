// hal CPU and interrupt functions on x86_64. CPU numbers are dense, 0 = the boot CPU; each
// CPU finds its number through its GS base (x86_64/smp.h).
#include "../../arch/x86_64/cpuid_description.h"
#include "../../kernel/core/klog.h"
#include "../../kernel/hal/cpu.h"
#include "../../kernel/hal/interrupts.h"
#include "../x86_64/acpi.h"
#include "../x86_64/apic.h"
#include "../x86_64/arch.h"
#include "../x86_64/interrupts.h"
#include "../x86_64/smp.h"

namespace x86 {
bool install_irq_handler(unsigned line, hal::IrqHandler handler, void* context);  // interrupts.cpp
}

namespace hal {

unsigned cpu_count() { return x86::planned_cpu_count(); }

[[gnu::noinline]] unsigned current_cpu() {
    unsigned cpu;
    asm volatile("movl %%gs:%c1, %0" : "=r"(cpu) : "i"(__builtin_offsetof(x86::PerCpu, index)));
    return cpu;
}

void halt_until_interrupt() {
    // `sti` takes effect after the next instruction, so no interrupt slips in before `hlt`.
    asm volatile("sti; hlt" ::: "memory");
}

void cpu_relax() { x86::pause(); }

void send_ipi(unsigned cpu) {
    if (cpu < cpu_count()) x86::lapic_send_ipi(x86::cpu_apic_id(cpu), x86::ipi_vector);
}

void start_secondary_cpus() { x86::start_application_processors(); }

void describe_cpu(CpuDescription& description) {
    arch::describe_cpu_with_cpuid(description);
    description.frequency_khz = x86::tsc_hz() / 1000;
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
