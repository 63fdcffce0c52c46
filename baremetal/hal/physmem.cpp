// hal physical memory on x86_64: the direct map in the higher half.
#include "../../kernel/hal/physmem.h"
#include "../x86_64/arch.h"

namespace hal {

void* phys_to_virt(kernel::PhysAddr pa) { return x86::physical(pa); }

kernel::PhysAddr virt_to_phys(const void* va) {
    auto address = reinterpret_cast<kernel::uptr>(va);
    if (address >= x86::kernel_base) return address - x86::kernel_base;  // the kernel image
    return address - x86::direct_map_base;
}

}  // namespace hal
