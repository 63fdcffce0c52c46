// Device I/O: port I/O and device memory. Drivers in devices/ touch hardware only through
// these. Bare metal: the in/out instructions and the direct map. Hosted: calls into the
// device models on the hosted I/O bus (a port without a model reads as all ones) and the
// memory regions the models register.
#pragma once

#include "../lib/types.h"

namespace hal {

kernel::u8 inb(kernel::u16 port);
kernel::u16 inw(kernel::u16 port);
kernel::u32 inl(kernel::u16 port);
void outb(kernel::u16 port, kernel::u8 value);
void outw(kernel::u16 port, kernel::u16 value);
void outl(kernel::u16 port, kernel::u32 value);

// A kernel pointer to device memory at physical [base, base + size), for volatile loads and
// stores; nullptr when the range cannot be reached (bare metal: beyond the direct map;
// hosted: no model registered it). The mapping is permanent. Access has no side effects
// beyond the memory itself (a frame buffer, VGA text memory), so hosted models need no traps.
volatile void* map_device_memory(kernel::PhysAddr base, kernel::usize size);

}  // namespace hal
