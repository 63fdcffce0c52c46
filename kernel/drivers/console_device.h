// /dev/console (5,1): the system console (tty/console.h) as a file, until the tty layer
// (step 5) brings line discipline and /dev/tty.
//
// Reading is a minimal cooked line: it blocks for the first character, then takes
// characters until the count is reached or a newline arrives (blocking for the rest of the
// line), with carriage return turned into newline (ICRNL) and Ctrl-D ending the read (at the
// start of a line: 0, end of file). No echo, no line editing, no signals. With O_NONBLOCK it
// returns what has arrived (EAGAIN when nothing). Writing goes to every console output
// ("\n" becomes "\r\n"). It is a stream: pread/pwrite and lseek give ESPIPE. Terminal
// ioctls answer ENOTTY for now.
#pragma once

#include "../lib/result.h"
#include "../lib/types.h"

namespace kernel {

inline constexpr u32 tty_major = 5;
inline constexpr u32 console_minor = 1;

// Registers (5,1) and creates /dev/console (0600 root:root) in devtmpfs (once, at boot).
Result<void> init_console_device();

}  // namespace kernel
