// The user-mode self-test (monitor command `usertest`): small hand-assembled x86-64 user
// programs run through the HAL alone (hal::create_address_space, hal::map, hal::enter_user),
// so the same test checks every backend's mmu.h and usermode.h. Prints one line per case,
// `usertest: <case>: ok`, `... FAILED: <why>` or `... skipped: <why>`, a line of measured
// figures and a summary `usertest: summary: P passed, F failed, S skipped`.
#pragma once

namespace kernel {

struct UserModeSelftestSummary {
    int passed = 0;
    int failed = 0;
    int skipped = 0;
};

// Runs the cases on the calling kernel thread (and threads it spawns) and counts them.
// `only`: just the cases whose name contains this text (nullptr: all); `repeat`: run each
// case that many times in a row (a case fails at its first failed run).
UserModeSelftestSummary run_user_mode_selftest(const char* only = nullptr, unsigned repeat = 1);

}  // namespace kernel
