// Civil dates and Unix time, checked against the host C library (timegm, gmtime_r).
#include "kernel/lib/civil_time.h"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdio>
#include <random>

using namespace kernel;

namespace {

time_t host_timegm(i64 year, unsigned month, unsigned day, unsigned hour = 0, unsigned minute = 0, unsigned second = 0) {
    tm t {};
    t.tm_year = static_cast<int>(year - 1900);
    t.tm_mon = static_cast<int>(month - 1);
    t.tm_mday = static_cast<int>(day);
    t.tm_hour = static_cast<int>(hour);
    t.tm_min = static_cast<int>(minute);
    t.tm_sec = static_cast<int>(second);
    return timegm(&t);
}

TEST(CivilTime, EveryDayFrom1600To2400MatchesTimegm) {
    i64 expected_days = days_from_civil(1600, 1, 1);
    for (i64 year = 1600; year <= 2400; ++year) {
        for (unsigned month = 1; month <= 12; ++month) {
            const unsigned length = days_in_month(year, month);
            tm probe {};
            probe.tm_year = static_cast<int>(year - 1900);
            probe.tm_mon = static_cast<int>(month - 1);
            probe.tm_mday = static_cast<int>(length + 1);  // timegm normalizes: the 1st of the next month
            tm normalized = probe;
            timegm(&normalized);
            ASSERT_EQ(normalized.tm_mday, 1) << year << "-" << month << " has " << length << " days";
            for (unsigned day = 1; day <= length; ++day) {
                const i64 days = days_from_civil(year, month, day);
                ASSERT_EQ(days, expected_days++) << year << "-" << month << "-" << day;
                ASSERT_EQ(days * 86400, host_timegm(year, month, day)) << year << "-" << month << "-" << day;
                const CivilTime back = civil_from_days(days);
                ASSERT_EQ(back.year, year);
                ASSERT_EQ(back.month, month);
                ASSERT_EQ(back.day, day);
            }
        }
    }
}

TEST(CivilTime, RandomInstantsRoundTripAndMatchGmtime) {
    std::mt19937_64 random(42);
    std::uniform_int_distribution<i64> seconds(-62'135'596'800, 253'402'300'799);  // years 1..9999
    for (int i = 0; i < 200000; ++i) {
        const i64 instant = seconds(random);
        const CivilTime civil = from_unix_seconds(instant);
        const time_t host_instant = static_cast<time_t>(instant);
        tm expected {};
        ASSERT_NE(gmtime_r(&host_instant, &expected), nullptr);
        ASSERT_EQ(civil.year, expected.tm_year + 1900) << instant;
        ASSERT_EQ(civil.month, expected.tm_mon + 1) << instant;
        ASSERT_EQ(civil.day, expected.tm_mday) << instant;
        ASSERT_EQ(civil.hour, expected.tm_hour) << instant;
        ASSERT_EQ(civil.minute, expected.tm_min) << instant;
        ASSERT_EQ(civil.second, expected.tm_sec) << instant;
        ASSERT_TRUE(is_valid(civil));
        ASSERT_EQ(to_unix_seconds(civil), instant);
    }
}

TEST(CivilTime, KnownInstants) {
    EXPECT_EQ(to_unix_seconds({1970, 1, 1, 0, 0, 0}), 0);
    EXPECT_EQ(to_unix_seconds({2000, 2, 29, 12, 0, 0}), 951825600);
    EXPECT_EQ(to_unix_seconds({2038, 1, 19, 3, 14, 8}), 2147483648);  // one past 32-bit time_t
    EXPECT_EQ(to_unix_seconds({1969, 12, 31, 23, 59, 59}), -1);
    const CivilTime before_epoch = from_unix_seconds(-1);
    EXPECT_EQ(before_epoch.year, 1969);
    EXPECT_EQ(before_epoch.second, 59);
}

TEST(CivilTime, ValidationRejectsEveryFieldOutOfRange) {
    EXPECT_TRUE(is_valid({2024, 2, 29, 23, 59, 59}));
    EXPECT_FALSE(is_valid({2023, 2, 29, 0, 0, 0}));  // not a leap year
    EXPECT_FALSE(is_valid({1900, 2, 29, 0, 0, 0}));  // century, not a leap year
    EXPECT_TRUE(is_valid({2000, 2, 29, 0, 0, 0}));   // divisible by 400
    EXPECT_FALSE(is_valid({2024, 0, 1, 0, 0, 0}));
    EXPECT_FALSE(is_valid({2024, 13, 1, 0, 0, 0}));
    EXPECT_FALSE(is_valid({2024, 4, 31, 0, 0, 0}));
    EXPECT_FALSE(is_valid({2024, 1, 0, 0, 0, 0}));
    EXPECT_FALSE(is_valid({2024, 1, 1, 24, 0, 0}));
    EXPECT_FALSE(is_valid({2024, 1, 1, 0, 60, 0}));
    EXPECT_FALSE(is_valid({2024, 1, 1, 0, 0, 60}));
}

TEST(CivilTime, FormatsLikeStrftime) {
    const i64 instant = 1'700'000'000;
    char ours[32], expected[32];
    format_civil_time(ours, sizeof ours, from_unix_seconds(instant));
    const time_t host_instant = instant;
    tm t {};
    gmtime_r(&host_instant, &t);
    strftime(expected, sizeof expected, "%Y-%m-%d %H:%M:%S", &t);
    EXPECT_STREQ(ours, expected);
    EXPECT_STREQ(ours, "2023-11-14 22:13:20");
}

}  // namespace
