// The boot sequence (kernel_main in boot.cpp) and the first kernel threads.
#pragma once

#include "../lib/result.h"

namespace kernel {

inline constexpr const char* version = "0.1.0";

// Replaces what the first kernel thread does after boot (self-demo + monitor) with `hook`.
// The unit tests boot a machine inside the test process and drive it through this; set it
// before the backend starts the kernel.
using BootHook = void (*)();
void set_boot_hook(BootHook hook);

// Work a backend adds to the boot, as its own drivers plugging into kernel interfaces
// (hosted: registers hostfs and mounts the --mount-host directories). The first kernel
// thread runs the steps in the order added, once the root file system and /dev are up and
// before the boot hook, the demo and the monitor. A step that fails has said why (klog);
// the machine then powers off with status 1. Add steps before the backend starts the
// kernel; at most max_boot_steps (false beyond).
using BootStep = Result<void> (*)();
inline constexpr unsigned max_boot_steps = 4;
bool add_boot_step(BootStep step);

void run_self_demo();
[[noreturn]] void run_monitor();

}  // namespace kernel
