// Civil time: proleptic Gregorian dates in UTC and their Unix time, without a C library.
// The day arithmetic is Howard Hinnant's days_from_civil / civil_from_days (exact for any
// year, no tables, no loops).
#pragma once

#include "format.h"
#include "types.h"

namespace kernel {

struct CivilTime {
    i64 year;
    u8 month;   // 1..12
    u8 day;     // 1..31
    u8 hour;    // 0..23
    u8 minute;  // 0..59
    u8 second;  // 0..59 (no leap seconds: Unix time has none)
};

constexpr bool is_leap_year(i64 year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

constexpr unsigned days_in_month(i64 year, unsigned month) {
    constexpr u8 days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

// Days since 1970-01-01 of year-month-day (month 1..12, day 1..31).
constexpr i64 days_from_civil(i64 year, unsigned month, unsigned day) {
    year -= month <= 2;
    const i64 era = (year >= 0 ? year : year - 399) / 400;
    const i64 year_of_era = year - era * 400;                                    // [0, 399]
    const i64 day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
    const i64 day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

// The date `days` after 1970-01-01 (time of day zero).
constexpr CivilTime civil_from_days(i64 days) {
    days += 719468;
    const i64 era = (days >= 0 ? days : days - 146096) / 146097;
    const i64 day_of_era = days - era * 146097;                                                     // [0, 146096]
    const i64 year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;  // [0, 399]
    const i64 day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
    const i64 shifted_month = (5 * day_of_year + 2) / 153;                                          // [0, 11], March first
    const auto day = static_cast<u8>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    const auto month = static_cast<u8>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
    return {year_of_era + era * 400 + (month <= 2), month, day, 0, 0, 0};
}

// Whether every field is in range (day checked against the month's length).
constexpr bool is_valid(const CivilTime& time) {
    return time.month >= 1 && time.month <= 12 && time.day >= 1 && time.day <= days_in_month(time.year, time.month) &&
           time.hour < 24 && time.minute < 60 && time.second < 60;
}

// Seconds since 1970-01-01 00:00:00 UTC (negative before).
constexpr i64 to_unix_seconds(const CivilTime& time) {
    return days_from_civil(time.year, time.month, time.day) * 86400 + time.hour * 3600 + time.minute * 60 + time.second;
}

constexpr CivilTime from_unix_seconds(i64 seconds) {
    i64 days = seconds / 86400, rest = seconds % 86400;
    if (rest < 0) rest += 86400, --days;  // floor division
    CivilTime time = civil_from_days(days);
    time.hour = static_cast<u8>(rest / 3600);
    time.minute = static_cast<u8>(rest / 60 % 60);
    time.second = static_cast<u8>(rest % 60);
    return time;
}

// "YYYY-MM-DD HH:MM:SS" (20 bytes with the terminator for years 0..9999); returns the length.
inline usize format_civil_time(char* buffer, usize size, const CivilTime& time) {
    return kstd::format(buffer, size, "%04lld-%02u-%02u %02u:%02u:%02u", static_cast<long long>(time.year), time.month,
                        time.day, time.hour, time.minute, time.second);
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(to_unix_seconds(from_unix_seconds(951782400)) == 951782400);  // 2000-02-29

}  // namespace kernel
