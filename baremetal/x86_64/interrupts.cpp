// The IDT, exception reports, and interrupt dispatch into the kernel's hooks.
#include "interrupts.h"

#include "../../kernel/core/panic.h"
#include "../../kernel/hal/cpu.h"
#include "../../kernel/hal/interrupts.h"
#include "../../kernel/lib/format.h"
#include "../../kernel/lib/string.h"
#include "../../kernel/tty/console.h"
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

const char* const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
    "stack fault", "general protection", "page fault", "reserved", "x87 floating point", "alignment check",
    "machine check", "SIMD floating point", "virtualization", "control protection", "reserved", "reserved",
    "reserved", "reserved", "reserved", "reserved", "hypervisor injection", "VMM communication", "security",
    "reserved"};

[[noreturn]] void report_exception(const InterruptFrame& frame) {
    char text[768];
    kstd::format(text, sizeof text,
                 "\nCPU exception %llu (%s), error code %#llx, on cpu%u\n"
                 "  rip %016llx  rsp %016llx  rflags %016llx  cs %llx ss %llx\n"
                 "  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n"
                 "  rsi %016llx  rdi %016llx  rbp %016llx  cr2 %016llx\n"
                 "  r8  %016llx  r9  %016llx  r10 %016llx  r11 %016llx\n"
                 "  r12 %016llx  r13 %016llx  r14 %016llx  r15 %016llx\n",
                 (unsigned long long)frame.vector, exception_names[frame.vector & 31],
                 (unsigned long long)frame.error_code, hal::current_cpu(), (unsigned long long)frame.rip,
                 (unsigned long long)frame.rsp, (unsigned long long)frame.rflags, (unsigned long long)frame.cs,
                 (unsigned long long)frame.ss, (unsigned long long)frame.rax, (unsigned long long)frame.rbx,
                 (unsigned long long)frame.rcx, (unsigned long long)frame.rdx, (unsigned long long)frame.rsi,
                 (unsigned long long)frame.rdi, (unsigned long long)frame.rbp, (unsigned long long)read_cr2(),
                 (unsigned long long)frame.r8, (unsigned long long)frame.r9, (unsigned long long)frame.r10,
                 (unsigned long long)frame.r11, (unsigned long long)frame.r12, (unsigned long long)frame.r13,
                 (unsigned long long)frame.r14, (unsigned long long)frame.r15);
    kernel::console_write_emergency(text, kstd::strlen(text));
    kernel::panic("unhandled CPU exception %llu at %#llx", (unsigned long long)frame.vector,
                  (unsigned long long)frame.rip);
}

}  // namespace

void load_idt() {
    if (!idt_built) {
        for (unsigned vector = 0; vector < 256; ++vector) {
            std::uint64_t handler = interrupt_stub_table[vector];
            IdtEntry& entry = idt[vector];
            entry.offset_low = handler & 0xffff;
            entry.selector = kernel_code_selector;
            entry.ist = vector == 8 ? ist_double_fault : vector == 2 ? ist_nmi : 0;
            entry.type_attributes = 0x8e;  // present, ring 0, 64-bit interrupt gate
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

}  // namespace x86

extern "C" void x86_interrupt(x86::InterruptFrame* frame) {
    using namespace x86;
    unsigned vector = static_cast<unsigned>(frame->vector);
    if (vector < 32) report_exception(*frame);
    if (vector == spurious_vector) return;  // no EOI for spurious interrupts
    if (vector == timer_vector) {
        lapic_eoi();
        kernel_timer_interrupt();
    } else if (vector == ipi_vector) {
        lapic_eoi();
        kernel_ipi();
    } else if (vector >= irq_vector_base && vector < irq_vector_base + hal::irq_line_count) {
        dispatch_irq_line(vector - irq_vector_base);
        lapic_eoi();
    } else {
        lapic_eoi();
    }
    // Returning to interruptible code: the kernel may switch threads here. The interrupted
    // state stays in this frame on the old thread's stack until it is resumed.
    if (frame->rflags & rflags_interrupt) kernel_interrupt_exit();
}
