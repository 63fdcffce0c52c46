// The boot sequence (kernel_main in boot.cpp) and the first kernel threads.
#pragma once

namespace kernel {

inline constexpr const char* version = "0.1.0";

// Replaces what the first kernel thread does after boot (self-demo + monitor) with `hook`.
// The unit tests boot a machine inside the test process and drive it through this; set it
// before the backend starts the kernel.
using BootHook = void (*)();
void set_boot_hook(BootHook hook);

void run_self_demo();
[[noreturn]] void run_monitor();

}  // namespace kernel
