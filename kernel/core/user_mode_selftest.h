// The user-mode self-test (monitor command `usertest`): small hand-assembled x86-64 user
// programs run through the HAL alone (hal::create_address_space, hal::map, hal::enter_user),
// so the same test checks every backend's mmu.h and usermode.h. Prints one line per case,
// `usertest: <case>: ok`, `... FAILED: <why>` or `... skipped: <why>`, a line of measured
// figures and a summary `usertest: summary: P passed, F failed, S skipped`.
#pragma once

namespace kernel {

// Runs every case on the calling kernel thread (and threads it spawns); returns the number
// of failed cases. Declared weak because only the bare-metal image links it so far (the
// hosted backend's user mode is being written): the monitor calls it when it is there.
[[gnu::weak]] int run_user_mode_selftest();

}  // namespace kernel
