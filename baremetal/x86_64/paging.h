// The kernel's own page tables, built once at boot to replace boot.S's early ones: a direct
// map of all physical memory and the kernel image mapped section by section with the least
// rights each needs (text read+execute, rodata read-only, data and everything else no-execute).
// Low addresses stay unmapped, so a null pointer faults.
#pragma once

#include <cstdint>

#include "../../kernel/hal/boot.h"

namespace x86 {

// Builds the tables (frames carved from the boot memory map, which it updates), switches the
// boot CPU to them, and lets the direct map reach all RAM. Call before the frame allocator.
void init_kernel_page_tables(hal::BootInfo& info);

// Switches the calling CPU to the kernel's tables (with global pages on): the boot CPU once
// they are built, each application processor when it leaves the trampoline.
void load_kernel_page_tables();

// Whether the CPU honours the no-execute bit (EFER.NXE was set by boot.S).
bool no_execute_enabled();

// Physical address of the kernel's PML4. Its upper half (entries 256..511: the direct map
// and the kernel image) is complete after init_kernel_page_tables and never changes, so user
// address spaces copy those entries once (address_space.h).
std::uint64_t kernel_page_table_root();

}  // namespace x86
