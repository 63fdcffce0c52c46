// getrandom and sysinfo: flags and errors against the host's Linux, the bytes and fields
// checked for sense on Newt.
#include <gtest/gtest.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

#include <set>

#include "kernel/mm/frame_allocator.h"
#include "syscall_differential.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;
using Returns = SyscallDifferential::Returns;

Arg value(long number) { return Arg::value(static_cast<u64>(number)); }

TEST(Getrandom, FlagsAndBytes) {
    run_in_kernel([] {
        SyscallDifferential both("getrandom");
        for (long flags : {0L, long(GRND_NONBLOCK), long(GRND_RANDOM), long(GRND_RANDOM | GRND_NONBLOCK), long(GRND_INSECURE)})
            EXPECT_EQ(both.call(SYS_getrandom, {Arg::output(64), value(64), value(flags)}), "OK") << flags;
        EXPECT_EQ(both.call(SYS_getrandom, {Arg::output(64), value(64), value(GRND_INSECURE | GRND_RANDOM)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_getrandom, {Arg::output(64), value(64), value(8)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_getrandom, {Arg::bad_pointer(), value(64), value(8)}), "EINVAL");  // flags first
        EXPECT_EQ(both.call(SYS_getrandom, {Arg::output(1), value(0), value(0)}), "OK");
        // The bytes: all written, different each time, not all the same value.
        SyscallHarness& newt = both.harness();
        std::set<std::string> seen;
        for (int i = 0; i < 8; ++i) {
            ASSERT_EQ(newt.call(SYS_getrandom, {newt.scratch(), 1000, 0}), 1000);
            std::string bytes = newt.get(newt.scratch(), 1000);
            EXPECT_TRUE(seen.insert(bytes).second);
            EXPECT_GT(std::set<char>(bytes.begin(), bytes.end()).size(), 100u);
        }
        // A buffer running into unmapped memory: the whole pieces before it.
        uptr near_end = newt.scratch() + newt.scratch_size() - 300;
        long got = newt.call(SYS_getrandom, {near_end, 1000, 0});
        EXPECT_EQ(got, 256);
    });
}

TEST(Sysinfo, FieldsMakeSense) {
    run_in_kernel([] {
        SyscallHarness newt;
        ASSERT_EQ(newt.outcome(SYS_sysinfo, {newt.scratch()}), "OK");
        auto info = newt.get_value<struct sysinfo>(newt.scratch());
        EXPECT_EQ(info.mem_unit, 4096u);
        kernel::mm::FrameStats frames = kernel::mm::frame_stats();
        EXPECT_EQ(info.totalram, frames.total_frames);
        EXPECT_GT(info.freeram, 0u);
        EXPECT_LE(info.freeram, info.totalram);
        EXPECT_EQ(info.totalswap, 0u);
        EXPECT_GE(info.procs, 1);
        EXPECT_GE(info.uptime, 0);
        EXPECT_LT(info.uptime, 3600);  // the test machine booted just now
    });
}

}  // namespace
