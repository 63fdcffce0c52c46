// The IDT, exception reports, and interrupt dispatch into the kernel's hooks.
#include "interrupts.h"

#include "../../arch/x86_64/cpu_exception.h"
#include "../../kernel/hal/cpu.h"
#include "../../kernel/hal/interrupts.h"
#include "address_space.h"
#include "apic.h"
#include "arch.h"
#include "gdt.h"

extern "C" const std::uint64_t interrupt_stub_table[256];

namespace x86 {
namespace {

struct [[gnu::packed]] IdtEntry {
    std::uint16_t offset_low;
    std::uint16_t selector;
    std::uint8_t ist;
    std::uint8_t type_attributes;
    std::uint16_t offset_middle;
    std::uint32_t offset_high;
    std::uint32_t reserved;
};

struct [[gnu::packed]] IdtPointer {
    std::uint16_t limit;
    std::uint64_t base;
};

alignas(16) IdtEntry idt[256];
bool idt_built = false;

struct IrqSlot {
    hal::IrqHandler handler = nullptr;
    void* context = nullptr;
};
IrqSlot irq_slots[hal::irq_line_count];

}  // namespace

void report_exception(const InterruptFrame& frame) {
    arch::ExceptionState state {};
    state.vector = frame.vector;
    state.error_code = frame.error_code;
    state.fault_address = read_cr2();
    state.rip = frame.rip, state.rsp = frame.rsp, state.rflags = frame.rflags, state.cs = frame.cs, state.ss = frame.ss;
    state.rax = frame.rax, state.rbx = frame.rbx, state.rcx = frame.rcx, state.rdx = frame.rdx;
    state.rsi = frame.rsi, state.rdi = frame.rdi, state.rbp = frame.rbp;
    state.r8 = frame.r8, state.r9 = frame.r9, state.r10 = frame.r10, state.r11 = frame.r11;
    state.r12 = frame.r12, state.r13 = frame.r13, state.r14 = frame.r14, state.r15 = frame.r15;
    arch::report_kernel_exception(state);
}

void load_idt() {
    if (!idt_built) {
        for (unsigned vector = 0; vector < 256; ++vector) {
            std::uint64_t handler = interrupt_stub_table[vector];
            IdtEntry& entry = idt[vector];
            entry.offset_low = handler & 0xffff;
            entry.selector = kernel_code_selector;
            entry.ist = vector == 8 ? ist_double_fault : vector == 2 ? ist_nmi : 0;
            // Present, 64-bit interrupt gate; ring 0, or ring 3 for int3.
            entry.type_attributes = vector == 3 ? 0xee : 0x8e;
            entry.offset_middle = (handler >> 16) & 0xffff;
            entry.offset_high = static_cast<std::uint32_t>(handler >> 32);
            entry.reserved = 0;
        }
        idt_built = true;
    }
    IdtPointer pointer {sizeof idt - 1, reinterpret_cast<std::uint64_t>(idt)};
    asm volatile("lidt %0" ::"m"(pointer));
}

void dispatch_irq_line(unsigned line) {
    if (line < hal::irq_line_count && irq_slots[line].handler) irq_slots[line].handler(line, irq_slots[line].context);
}

bool install_irq_handler(unsigned line, hal::IrqHandler handler, void* context) {
    if (irq_slots[line].handler) return false;
    irq_slots[line] = {handler, context};
    return true;
}

void handle_interrupt_vector(unsigned vector) {
    if (vector == spurious_vector) return;  // no EOI for spurious interrupts
    if (vector == timer_vector) {
        lapic_eoi();
        kernel_timer_interrupt();
    } else if (vector == ipi_vector) {
        lapic_eoi();
        leave_dying_address_space();  // destroy_address_space waits for this CPU
        kernel_ipi();
    } else if (vector >= irq_vector_base && vector < irq_vector_base + hal::irq_line_count) {
        dispatch_irq_line(vector - irq_vector_base);
        lapic_eoi();
    } else {
        lapic_eoi();
    }
}

}  // namespace x86

// Interrupts and exceptions from ring 0 (interrupt_stubs.S; ring 3 goes to x86_user_trap).
extern "C" void x86_interrupt(x86::InterruptFrame* frame) {
    using namespace x86;
    unsigned vector = static_cast<unsigned>(frame->vector);
    if (vector < 32) report_exception(*frame);
    handle_interrupt_vector(vector);
    // Returning to interruptible code: the kernel may switch threads here. The interrupted
    // state stays in this frame on the old thread's stack until it is resumed.
    if (frame->rflags & rflags_interrupt) kernel_interrupt_exit();
}
