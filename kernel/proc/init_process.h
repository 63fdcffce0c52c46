// Starting pid 1. The kernel runs `init=` from its command line (default /sbin/init) with
// /dev/console as descriptors 0, 1 and 2, the arguments that follow "--" on the command
// line, and Linux's initial environment (HOME=/, TERM=linux). When init exits, the machine
// powers off with init's exit status (128 + N when a signal N ended it): that is how
// `newt -- /path args` reports its program's status.
#pragma once

#include "../lib/result.h"

namespace kernel {

struct InitStarted {
    bool started = false;       // there was an init to run
    bool with_command = false;  // arguments followed "--" (init runs them and exits)
};

Result<InitStarted> start_init();

}  // namespace kernel
