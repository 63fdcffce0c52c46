// Interrupts: the per-CPU enable flag, device IRQ lines, and the hooks the backend calls.
//
// Interrupt handlers run with interrupts disabled on the CPU that took them. When a handler
// returns to code that had interrupts enabled, the backend calls kernel_interrupt_exit(),
// where the kernel may switch threads (preemption).
#pragma once

#include "../lib/result.h"

namespace hal {

using IrqState = bool;  // true: interrupts were enabled

bool irq_enabled();
void irq_disable();
// Enables interrupts; pending interrupts run before this returns.
void irq_enable();

inline IrqState irq_save() {
    IrqState was_enabled = irq_enabled();
    if (was_enabled) irq_disable();
    return was_enabled;
}
inline void irq_restore(IrqState state) {
    if (state) irq_enable();
}

// Disables interrupts on this CPU for the guard's lifetime; nests.
class [[nodiscard]] InterruptGuard {
public:
    InterruptGuard() : state_(irq_save()) {}
    ~InterruptGuard() { irq_restore(state_); }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    IrqState state_;
};

// Device interrupt lines (ISA numbering on PCs: 4 is COM1).
inline constexpr unsigned irq_line_count = 24;
using IrqHandler = void (*)(unsigned line, void* context);

// Installs the handler of `line` (EINVAL for a bad line, EBUSY when taken) and unmasks it.
kernel::Result<void> register_irq(unsigned line, IrqHandler handler, void* context);
void mask_irq(unsigned line);
void unmask_irq(unsigned line);

}  // namespace hal

// Kernel hooks the backend calls.
void kernel_timer_interrupt();   // this CPU's one-shot timer expired
void kernel_interrupt_exit();    // returning to interruptible code: preempt if needed
