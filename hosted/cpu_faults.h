// Hosted CPU exceptions: a fault in kernel code on a CPU thread (SIGSEGV, SIGBUS, SIGFPE,
// SIGILL) becomes the same report and kernel panic as on bare metal. Linux hands the
// handler the hardware trap number, error code and fault address, so nothing is guessed.
#pragma once

namespace hosted {

// Installs the handlers (once, before the CPU threads start). Faults on other host threads
// go to whatever handler was there before (the default, or ASan's).
void install_cpu_fault_handlers();

// Gives the calling CPU thread an alternate signal stack, so that a fault on an exhausted
// kernel stack can still be reported.
void give_this_cpu_a_fault_stack();

}  // namespace hosted
