// hal device I/O on x86_64: the in/out instructions, and device memory through the direct map.
#include "../../kernel/hal/io.h"
#include "../x86_64/arch.h"

namespace hal {

kernel::u8 inb(kernel::u16 port) { return x86::inb(port); }
kernel::u16 inw(kernel::u16 port) { return x86::inw(port); }
kernel::u32 inl(kernel::u16 port) { return x86::inl(port); }
void outb(kernel::u16 port, kernel::u8 value) { x86::outb(port, value); }
void outw(kernel::u16 port, kernel::u16 value) { x86::outw(port, value); }
void outl(kernel::u16 port, kernel::u32 value) { x86::outl(port, value); }

// The boot code maps the first 4 GiB write-back; the firmware's MTRRs keep the legacy VGA
// window uncached, so its stores reach the screen. Devices above 4 GiB, or needing their own
// cache type, wait for a page-attribute-aware mapping.
volatile void* map_device_memory(kernel::PhysAddr base, kernel::usize size) {
    if (size == 0 || base >= x86::direct_map_size || size > x86::direct_map_size - base) return nullptr;
    return x86::physical(base);
}

}  // namespace hal
