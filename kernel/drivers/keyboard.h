// Binds the PS/2 keyboard (i8042 port 1) to the console: its IRQ 1 handler decodes
// scancodes into characters and feeds them to console_receive.
#pragma once

namespace kernel {

// Returns false when no i8042 answers or its IRQ is taken; the boot goes on without it.
bool init_keyboard();

}  // namespace kernel
