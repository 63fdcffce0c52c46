// The portable user-mode self-test (kernel/core/user_mode_selftest.cpp, the monitor's
// `usertest`) in the hosted test machine: the same cases the bare-metal kernel passes in QEMU
// and Bochs (tests/baremetal), here through the stub processes.
#include <gtest/gtest.h>

#include "kernel/core/user_mode_selftest.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

// Cases skip only for a machine that lacks what they need: one CPU, or a host without AVX
// (the ymm case).
int expected_skips() {
    return (newt_test::test_machine_cpus() < 2 ? 2 : 0) + (__builtin_cpu_supports("avx") ? 0 : 1);
}

TEST(UserModeSelftest, EveryCasePasses) {
    kernel::UserModeSelftestSummary summary;
    newt_test::run_in_kernel([&] { summary = kernel::run_user_mode_selftest(); });
    EXPECT_EQ(summary.failed, 0) << "the FAILED lines above say why";
    EXPECT_EQ(summary.skipped, expected_skips());
    EXPECT_GE(summary.passed, 17);
}

// The cases where spaces run on several CPUs at once, again and again: a race between two
// stubs (spawning, mapping, kicks) shows up here first.
TEST(UserModeSelftest, SpacesOnSeveralCpusRepeatedly) {
    kernel::UserModeSelftestSummary summary;
    newt_test::run_in_kernel([&] { summary = kernel::run_user_mode_selftest("spaces", 10); });
    EXPECT_EQ(summary.failed, 0) << "the FAILED lines above say why";
    EXPECT_EQ(summary.passed + summary.skipped, 3);
}

}  // namespace
