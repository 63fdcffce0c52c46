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

// Builds the IDT (once) and loads it on the calling CPU. Every gate is a ring-0 interrupt
// gate except int3's (vector 3), which ring 3 may raise with `int3`, as on Linux; `int n`
// from ring 3 for any other vector is a #GP.
void load_idt();

// Runs the handler of interrupt `vector` (32..255: the timer, IPIs, device lines), with its
// EOI; used for interrupts from ring 0 and from ring 3 alike.
void handle_interrupt_vector(unsigned vector);

// Prints a CPU exception taken in the kernel (or one no user program can cause) and panics.
[[noreturn]] void report_exception(const InterruptFrame& frame);

}  // namespace x86
