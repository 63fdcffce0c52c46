// CMOS RTC register decoding: BCD and binary, 12- and 24-hour, century, invalid contents.
// The expected instants come from the host's timegm.
#include "devices/cmos_rtc.h"

#include <gtest/gtest.h>
#include <time.h>

using devices::CmosRtc;
using kernel::Errno;

namespace {

constexpr kernel::u8 bcd_24 = CmosRtc::b_24_hour;
constexpr kernel::u8 binary_24 = CmosRtc::b_24_hour | CmosRtc::b_binary;
constexpr kernel::u8 bcd_12 = 0;
constexpr kernel::u8 binary_12 = CmosRtc::b_binary;

kernel::i64 host_timegm(int year, int month, int day, int hour, int minute, int second) {
    tm t {};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_hour = hour;
    t.tm_min = minute;
    t.tm_sec = second;
    return timegm(&t);
}

kernel::i64 decoded_seconds(const CmosRtc::Registers& registers, kernel::u8 status_b, bool has_century = true) {
    auto time = CmosRtc::decode(registers, status_b, has_century);
    EXPECT_FALSE(time.is_error()) << kernel::errno_name(time.error());
    return time.is_error() ? -1 : kernel::to_unix_seconds(time.value());
}

TEST(CmosRtcDecode, BcdHelpers) {
    EXPECT_EQ(CmosRtc::bcd_to_binary(0x59), 59);
    EXPECT_EQ(CmosRtc::bcd_to_binary(0x00), 0);
    EXPECT_EQ(CmosRtc::bcd_to_binary(0x99), 99);
    for (unsigned value = 0; value < 256; ++value)
        EXPECT_EQ(CmosRtc::is_bcd(static_cast<kernel::u8>(value)), (value & 0xf) <= 9 && (value >> 4) <= 9) << value;
}

TEST(CmosRtcDecode, SameInstantInEveryFormat) {
    const kernel::i64 expected = host_timegm(2024, 7, 31, 23, 58, 7);
    EXPECT_EQ(decoded_seconds({0x07, 0x58, 0x23, 0x31, 0x07, 0x24, 0x20}, bcd_24), expected);
    EXPECT_EQ(decoded_seconds({7, 58, 23, 31, 7, 24, 20}, binary_24), expected);
    EXPECT_EQ(decoded_seconds({0x07, 0x58, 0x80 | 0x11, 0x31, 0x07, 0x24, 0x20}, bcd_12), expected);  // 11 PM
    EXPECT_EQ(decoded_seconds({7, 58, 0x80 | 11, 31, 7, 24, 20}, binary_12), expected);
}

TEST(CmosRtcDecode, TwelveHourMidnightAndNoon) {
    // 12 AM is hour 0, 12 PM is hour 12, 1 AM is 1, 1 PM is 13.
    const struct {
        kernel::u8 raw;
        int hour;
    } cases[] = {{0x12, 0}, {0x80 | 0x12, 12}, {0x01, 1}, {0x80 | 0x01, 13}, {0x11, 11}};
    for (const auto& c : cases)
        EXPECT_EQ(decoded_seconds({0, 0, c.raw, 0x01, 0x01, 0x25, 0x20}, bcd_12), host_timegm(2025, 1, 1, c.hour, 0, 0))
            << std::hex << int(c.raw);
}

TEST(CmosRtcDecode, CenturyRegisterOrAssumed20xx) {
    EXPECT_EQ(decoded_seconds({0, 0, 0, 0x01, 0x01, 0x99, 0x19}, bcd_24), host_timegm(1999, 1, 1, 0, 0, 0));
    EXPECT_EQ(decoded_seconds({0, 0, 0, 0x01, 0x01, 0x05, 0x21}, bcd_24), host_timegm(2105, 1, 1, 0, 0, 0));
    // No century register, or one that firmware leaves at 0: 20xx.
    EXPECT_EQ(decoded_seconds({0, 0, 0, 0x01, 0x01, 0x99, 0x19}, bcd_24, false), host_timegm(2099, 1, 1, 0, 0, 0));
    EXPECT_EQ(decoded_seconds({0, 0, 0, 0x01, 0x01, 0x30, 0x00}, bcd_24), host_timegm(2030, 1, 1, 0, 0, 0));
}

TEST(CmosRtcDecode, LeapDay) {
    EXPECT_EQ(decoded_seconds({0x30, 0x15, 0x10, 0x29, 0x02, 0x24, 0x20}, bcd_24), host_timegm(2024, 2, 29, 10, 15, 30));
    EXPECT_EQ(CmosRtc::decode({0, 0, 0, 0x29, 0x02, 0x23, 0x20}, bcd_24, true).error(), Errno::einval);
}

TEST(CmosRtcDecode, GarbageIsAnErrorNotATime) {
    const CmosRtc::Registers good {0x30, 0x15, 0x10, 0x15, 0x06, 0x24, 0x20};
    ASSERT_FALSE(CmosRtc::decode(good, bcd_24, true).is_error());
    auto with = [&](int field, kernel::u8 value) {
        CmosRtc::Registers r = good;
        kernel::u8* fields[] = {&r.seconds, &r.minutes, &r.hours, &r.day, &r.month, &r.year, &r.century};
        *fields[field] = value;
        return r;
    };
    const struct {
        int field;
        kernel::u8 value;
        kernel::u8 status_b;
    } bad[] = {
        {0, 0x5a, bcd_24},  {0, 0x60, bcd_24},  {0, 60, binary_24}, {1, 0x60, bcd_24},  {2, 0x24, bcd_24},
        {2, 0x00, bcd_12},  {2, 0x13, bcd_12},  {2, 24, binary_24}, {3, 0x00, bcd_24},  {3, 0x32, bcd_24},
        {4, 0x00, bcd_24},  {4, 0x13, bcd_24},  {4, 13, binary_24}, {5, 0xa0, bcd_24},  {5, 100, binary_24},
        {6, 0x1f, bcd_24},  {6, 0x19, bcd_24} /* 1924: before the epoch */, {0, 0xff, bcd_24},
    };
    for (const auto& b : bad)
        EXPECT_EQ(CmosRtc::decode(with(b.field, b.value), b.status_b, true).error(), Errno::einval)
            << "field " << b.field << " = " << std::hex << int(b.value);
    // An absent chip reads all ones everywhere.
    EXPECT_TRUE(CmosRtc::decode({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0xff, true).is_error());
}

}  // namespace
