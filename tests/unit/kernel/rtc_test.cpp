// The CMOS RTC driver against the hosted RTC model (which shows the host's UTC time), and
// the kernel's wall clock set from it at boot.
#include <gtest/gtest.h>
#include <time.h>

#include "devices/cmos_rtc.h"
#include "hosted/machine.h"
#include "hosted/models/cmos_rtc_model.h"
#include "kernel/core/wall_clock.h"
#include "kernel/hal/interrupts.h"
#include "kernel/hal/io.h"
#include "kernel/lib/civil_time.h"
#include "kernel_fixture.h"

using devices::CmosRtc;
using kernel::Errno;
using newt_test::run_in_kernel;

namespace {

const CmosRtc rtc(hosted::CmosRtcModel::century_register);

kernel::i64 host_now() { return static_cast<kernel::i64>(time(nullptr)); }

// Model changes from a test body hold a host mutex: no kernel interrupt on this CPU meanwhile.
template <typename Change>
void change_model(Change change) {
    hal::InterruptGuard interrupts;
    change(hosted::cmos_rtc_model());
}

void expect_host_time(const kernel::Result<kernel::CivilTime>& time) {
    ASSERT_FALSE(time.is_error()) << kernel::errno_name(time.error());
    EXPECT_NEAR(static_cast<double>(kernel::to_unix_seconds(time.value())), static_cast<double>(host_now()), 2.0);
}

TEST(CmosRtc, ReadsTheHostTimeWithinTwoSeconds) {
    run_in_kernel([] {
        expect_host_time(rtc.read_time());
        // Without the century register the year is assumed to be 20xx: the same answer here.
        expect_host_time(CmosRtc().read_time());
    });
}

TEST(CmosRtc, BinaryAndTwelveHourModesGiveTheSameTime) {
    run_in_kernel([] {
        const kernel::u8 status_b = rtc.read_register(CmosRtc::status_b);
        EXPECT_EQ(status_b & (CmosRtc::b_binary | CmosRtc::b_24_hour), CmosRtc::b_24_hour);  // PC default: BCD, 24 h
        for (kernel::u8 format : {kernel::u8(CmosRtc::b_binary | CmosRtc::b_24_hour), kernel::u8(CmosRtc::b_binary),
                                  kernel::u8(0), kernel::u8(CmosRtc::b_24_hour)}) {
            rtc.write_register(CmosRtc::status_b, static_cast<kernel::u8>((status_b & ~0x06) | format));
            SCOPED_TRACE(testing::Message() << "status B " << std::hex << int(format));
            expect_host_time(rtc.read_time());
            if (format & CmosRtc::b_binary) {
                const kernel::u8 year = rtc.read_register(CmosRtc::year);
                tm utc {};
                time_t now = time(nullptr);
                gmtime_r(&now, &utc);
                EXPECT_EQ(year, (utc.tm_year + 1900) % 100);  // binary, not BCD
            }
        }
        rtc.write_register(CmosRtc::status_b, status_b);
    });
}

TEST(CmosRtc, GarbageGivesAnErrorNotATime) {
    run_in_kernel([] {
        const struct {
            kernel::u8 index, value;
            Errno error;
        } cases[] = {
            {CmosRtc::month, 0x13, Errno::einval},    // month 13
            {CmosRtc::seconds, 0x5a, Errno::einval},  // not BCD
            {CmosRtc::day_of_month, 0x00, Errno::einval},
            {CmosRtc::hours, 0x24, Errno::einval},
            {hosted::CmosRtcModel::century_register, 0x19, Errno::einval},  // 19xx: before 1970
            {CmosRtc::status_a, 0xa6, Errno::eio},    // update in progress forever
        };
        for (const auto& c : cases) {
            change_model([&](hosted::CmosRtcModel& model) { model.force_register(c.index, c.value); });
            auto time = rtc.read_time();
            change_model([](hosted::CmosRtcModel& model) { model.clear_forced_registers(); });
            ASSERT_TRUE(time.is_error()) << "register " << int(c.index) << " = " << int(c.value);
            EXPECT_EQ(time.error(), c.error) << "register " << int(c.index);
        }
        // No chip at all: every register reads all ones.
        change_model([](hosted::CmosRtcModel& model) {
            for (unsigned index = 0; index < 128; ++index) model.force_register(static_cast<kernel::u8>(index), 0xff);
        });
        auto time = rtc.read_time();
        change_model([](hosted::CmosRtcModel& model) { model.clear_forced_registers(); });
        EXPECT_TRUE(time.is_error());
        expect_host_time(rtc.read_time());
    });
}

TEST(CmosRtc, CenturyRegisterIsUsed) {
    run_in_kernel([] {
        change_model([](hosted::CmosRtcModel& model) { model.force_register(hosted::CmosRtcModel::century_register, 0x21); });
        auto time = rtc.read_time();
        auto assumed = CmosRtc().read_time();
        change_model([](hosted::CmosRtcModel& model) { model.clear_forced_registers(); });
        ASSERT_FALSE(time.is_error());
        ASSERT_FALSE(assumed.is_error());
        EXPECT_EQ(time->year / 100, 21);
        EXPECT_EQ(assumed->year / 100, 20);
    });
}

TEST(CmosRtc, KeepsNmiEnabledAndNvramIsStorage) {
    run_in_kernel([] {
        {
            hal::InterruptGuard interrupts;
            hal::outb(CmosRtc::index_port, 0x80 | 0x0f);  // someone disabled NMI
            EXPECT_TRUE(hosted::cmos_rtc_model().nmi_disabled());
        }
        ASSERT_FALSE(rtc.read_time().is_error());
        {
            hal::InterruptGuard interrupts;
            EXPECT_FALSE(hosted::cmos_rtc_model().nmi_disabled());
        }
        for (kernel::u8 index : {kernel::u8(0x0e), kernel::u8(0x40), kernel::u8(0x7f)}) {
            rtc.write_register(index, static_cast<kernel::u8>(index ^ 0xa5));
            EXPECT_EQ(rtc.read_register(index), index ^ 0xa5);
        }
        EXPECT_EQ(rtc.read_register(CmosRtc::status_d) & CmosRtc::d_valid_ram_time, CmosRtc::d_valid_ram_time);
    });
}

TEST(WallClock, SetFromTheRtcAtBootAndSettable) {
    run_in_kernel([] {
        const double host_ns = static_cast<double>(host_now()) * 1e9;
        EXPECT_NEAR(static_cast<double>(kernel::realtime_ns()), host_ns, 2e9);
        const kernel::u64 saved = kernel::realtime_ns();
        kernel::set_realtime_ns(1'000'000'000'000'000'000ull);  // 2001-09-09
        const kernel::u64 now = kernel::realtime_ns();
        EXPECT_GE(now, 1'000'000'000'000'000'000ull);
        EXPECT_LT(now, 1'000'000'001'000'000'000ull);
        kernel::set_realtime_ns(saved);
        EXPECT_NEAR(static_cast<double>(kernel::realtime_ns()), host_ns, 2e9);
    });
}

}  // namespace
