// hal port I/O on x86_64: the in/out instructions.
#include "../../kernel/hal/io.h"
#include "../x86_64/arch.h"

namespace hal {

kernel::u8 inb(kernel::u16 port) { return x86::inb(port); }
kernel::u16 inw(kernel::u16 port) { return x86::inw(port); }
kernel::u32 inl(kernel::u16 port) { return x86::inl(port); }
void outb(kernel::u16 port, kernel::u8 value) { x86::outb(port, value); }
void outw(kernel::u16 port, kernel::u16 value) { x86::outw(port, value); }
void outl(kernel::u16 port, kernel::u32 value) { x86::outl(port, value); }

}  // namespace hal
