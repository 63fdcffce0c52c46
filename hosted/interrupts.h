// Device interrupt lines of the hosted machine (the IOAPIC's role): models raise lines, the
// kernel's handlers run on the CPU the lines are routed to (CPU 0).
#pragma once

namespace hosted {

// Called by device-model threads: latches `line` and kicks the CPU it is routed to.
void raise_irq(unsigned line);

// Installs the kick-signal handler; once per process, before any CPU thread starts.
void install_interrupt_handler();

// Runs everything pending on the calling CPU (interrupts disabled on entry and exit).
void dispatch_pending_interrupts();

}  // namespace hosted
