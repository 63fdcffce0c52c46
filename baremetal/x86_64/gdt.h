// Segments for long mode: the GDT and a TSS per CPU (IST stacks for double fault and NMI).
#pragma once

#include <cstdint>

namespace x86 {

constexpr std::uint16_t kernel_code_selector = 0x08;
constexpr std::uint16_t kernel_data_selector = 0x10;

constexpr unsigned ist_double_fault = 1;
constexpr unsigned ist_nmi = 2;

// Loads the GDT and TSS of CPU `cpu` on the calling CPU.
void load_gdt(unsigned cpu);

}  // namespace x86
