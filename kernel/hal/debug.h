// Debugging and power: early console, backtraces, symbol names, power off.
#pragma once

#include "../lib/types.h"

namespace hal {

// Writes raw bytes to the backend's earliest console (before any driver is up, and in panic).
void early_console_write(const char* text, kernel::usize length);

// Fills `frames` with return addresses of the caller's stack, innermost first; returns count.
kernel::usize backtrace(kernel::uptr* frames, kernel::usize max_frames);

// Writes the name of the function containing `address` into `buffer` ("" when unknown);
// returns the offset of `address` from that function's start.
kernel::uptr symbolize(kernel::uptr address, char* buffer, kernel::usize buffer_size);

// Stops every CPU and ends the machine with `status` (hosted: the exit status of `newt`).
[[noreturn]] void poweroff(int status);

// Resets the machine: it boots again from the start (hosted: `newt` re-executes itself
// with the same arguments).
[[noreturn]] void reboot();

}  // namespace hal
