// Interrupt and exception dispatch on x86_64: the IDT, the vector map, and the frame the
// entry stubs build.
#pragma once

#include <cstdint>

namespace x86 {

struct InterruptFrame {
    std::uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    std::uint64_t vector, error_code;
    std::uint64_t rip, cs, rflags, rsp, ss;  // pushed by the CPU
};

constexpr unsigned irq_vector_base = 32;     // IOAPIC lines 0..23 -> vectors 32..55
constexpr unsigned timer_vector = 0xf0;      // LAPIC timer
constexpr unsigned ipi_vector = 0xf1;        // reschedule IPI
constexpr unsigned spurious_vector = 0xff;

// Builds the IDT (once) and loads it on the calling CPU.
void load_idt();

}  // namespace x86
