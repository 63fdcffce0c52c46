// The system console: where the kernel log, panics and the monitor write, and where typed
// characters arrive. Drivers (the 16550 UART, the VGA text screen) register as outputs and
// input drivers (the UART, the PS/2 keyboard) feed received characters in from their
// interrupt handlers. Before a driver registers, output goes to hal::early_console_write.
#pragma once

#include "../lib/types.h"

namespace kernel {

using ConsoleOutput = void (*)(void* context, const char* text, usize length);

// What a sink that registers late is shown first.
enum class ConsoleReplay : bool {
    none,           // only what is written from now on (the sink already showed the rest)
    recent_output,  // the console's last few KiB of output, from a line start (a new screen)
};

// Adds an output sink (up to 4); every console write goes to all of them.
void register_console_output(ConsoleOutput output, void* context, ConsoleReplay replay = ConsoleReplay::none);

// Writes text, turning "\n" into "\r\n" (the terminal is raw). Serialized between CPUs.
void console_write(const char* text, usize length);
// Lock-free write for panic paths.
void console_write_emergency(const char* text, usize length);
[[gnu::format(printf, 1, 2)]] void kprintf(const char* format, ...);

// Called by input drivers (interrupt context) for every received character.
void console_receive(char character);
// Blocks the calling thread until a character has been received.
char console_read_char();
// The same, but giving up (false) when `stop()` turns true: a reader that a fatal signal
// must wake (the waker wakes the thread; the wait re-checks `stop`).
bool console_read_char_unless(char& character, bool (*stop)());
// Takes a received character if there is one (never blocks).
bool console_try_read_char(char& character);
// Whether a received character is waiting.
bool console_has_input();

}  // namespace kernel
