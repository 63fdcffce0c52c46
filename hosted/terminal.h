// The host terminal: raw mode while Newt runs (Ctrl-C reaches the guest), restored on every
// exit the process survives.
#pragma once

namespace hosted {

// Puts stdin's terminal in raw mode when stdin is a terminal; registers the restore.
void enter_raw_terminal();
// Restores the saved terminal settings; safe to call many times and from signal handlers.
void restore_terminal();

}  // namespace hosted
