// The system console: where the kernel log, panics and the monitor write, and where typed
// characters arrive. A driver (the 16550 UART today, VGA + keyboard on bare metal later)
// registers as the output and feeds received characters in from its interrupt handler.
// Before a driver registers, output goes to hal::early_console_write.
#pragma once

#include "../lib/types.h"

namespace kernel {

using ConsoleOutput = void (*)(void* context, const char* text, usize length);

// Adds an output sink (up to 4); every console write goes to all of them.
void register_console_output(ConsoleOutput output, void* context);

// Writes text, turning "\n" into "\r\n" (the terminal is raw). Serialized between CPUs.
void console_write(const char* text, usize length);
// Lock-free write for panic paths.
void console_write_emergency(const char* text, usize length);
[[gnu::format(printf, 1, 2)]] void kprintf(const char* format, ...);

// Called by input drivers (interrupt context) for every received character.
void console_receive(char character);
// Blocks the calling thread until a character has been received.
char console_read_char();

}  // namespace kernel
