// Binds the VGA text screen to the console: an output sink that first replays the recent
// console output, so the boot log written before it started is on the screen too.
#pragma once

namespace kernel {

// Returns false when there is no VGA text screen (the other console outputs carry on).
bool init_vga_console();

}  // namespace kernel
