// Binds the first 16550 UART (COM1) to the console: output sink and input interrupt.
#pragma once

namespace kernel {

// Returns false when no UART is present (the console keeps the early console).
bool init_serial_console();

}  // namespace kernel
