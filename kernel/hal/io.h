// Device I/O: port I/O and MMIO. Drivers in devices/ touch hardware only through these.
// Bare metal: the in/out instructions and volatile loads/stores. Hosted: calls into the
// device models on the hosted I/O bus (a port without a model reads as all ones).
#pragma once

#include "../lib/types.h"

namespace hal {

kernel::u8 inb(kernel::u16 port);
kernel::u16 inw(kernel::u16 port);
kernel::u32 inl(kernel::u16 port);
void outb(kernel::u16 port, kernel::u8 value);
void outw(kernel::u16 port, kernel::u16 value);
void outl(kernel::u16 port, kernel::u32 value);

}  // namespace hal
