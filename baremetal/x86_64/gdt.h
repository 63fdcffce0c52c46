// Segments for long mode: the GDT and a TSS per CPU (IST stacks for double fault and NMI).
// The order of the descriptors is the one syscall/sysret need (user_mode_layout.h): kernel
// code, kernel data, then user data and user code, so STAR holds 0x08 for syscall and 0x13
// as sysret's base (user SS = base + 8 = 0x1b, user CS = base + 16 = 0x23).
#pragma once

#include <cstdint>

#include "user_mode_layout.h"

namespace x86 {

constexpr std::uint16_t kernel_code_selector = KERNEL_CODE_SELECTOR;
constexpr std::uint16_t kernel_data_selector = KERNEL_DATA_SELECTOR;
constexpr std::uint16_t user_data_selector = USER_DATA_SELECTOR;
constexpr std::uint16_t user_code_selector = USER_CODE_SELECTOR;

constexpr unsigned ist_double_fault = 1;
constexpr unsigned ist_nmi = 2;

// Loads the GDT and TSS of CPU `cpu` on the calling CPU. DS, ES, FS and GS hold the null
// selector from then on (64-bit code ignores DS and ES; user programs see 0 in them, as on
// Linux).
void load_gdt(unsigned cpu);

// The address of CPU `cpu`'s TSS.rsp0: the stack the CPU switches to on an interrupt or
// exception from ring 3 (user_entry.S sets it on every enter_user).
std::uint64_t tss_rsp0_address(unsigned cpu);

}  // namespace x86
