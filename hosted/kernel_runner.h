// Runs host code in kernel context: boots a hosted machine inside this process whose first
// kernel thread executes jobs handed over by host threads (like LKL's boot test). The unit
// tests' fixture and the fuzz targets use it; `newt` itself does not.
#pragma once

#include <functional>

#include "machine.h"

namespace hosted {

// Boots the machine (once per process) and waits until it takes jobs. `config`'s console
// input and signal handling should be off.
void start_kernel_runner(const MachineConfig& config);

// Runs `body` on a new kernel thread pinned to CPU 0 and waits for it. Returns false when
// the kernel could not start the thread. If the kernel powers off meanwhile (a panic), the
// process exits with the kernel's status, as `newt` would.
//
// The body may call host code: pinned to one CPU it always resumes on the same host thread
// after a preemption. Kernel threads it spawns must not (a second fiber on that host thread
// could find a host lock held by the preempted body).
bool run_in_kernel(const std::function<void()>& body);

// Powers the machine off and returns its exit status.
int stop_kernel_runner();

}  // namespace hosted
