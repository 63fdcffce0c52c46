// Physical memory: the kernel's view of every frame listed in the BootInfo memory map.
#pragma once

#include "../lib/types.h"

namespace hal {

inline constexpr kernel::usize page_size = 4096;

// A kernel pointer to physical address `pa` (bare metal: the higher-half direct map;
// hosted: the memfd that stands for RAM, mapped into the process).
void* phys_to_virt(kernel::PhysAddr pa);
// Inverse of phys_to_virt for pointers into that mapping.
kernel::PhysAddr virt_to_phys(const void* va);

}  // namespace hal
