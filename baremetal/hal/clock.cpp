// hal wall clock on x86_64: the CMOS RTC read once at boot, advanced by the TSC clock.
#include "../../kernel/hal/timer.h"
#include "../x86_64/arch.h"

namespace x86 {
namespace {

std::uint64_t realtime_at_boot_ns = 0;

std::uint8_t cmos(std::uint8_t reg) {
    outb(0x70, reg);
    return inb(0x71);
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2;
    std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    unsigned year_of_era = static_cast<unsigned>(year - era * 400);
    unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

}  // namespace

void read_rtc() {
    while (cmos(0x0a) & 0x80) pause();  // wait out an update in progress
    std::uint8_t second = cmos(0x00), minute = cmos(0x02), hour = cmos(0x04);
    std::uint8_t day = cmos(0x07), month = cmos(0x08), year = cmos(0x09), status_b = cmos(0x0b);
    auto bcd = [](std::uint8_t value) { return static_cast<std::uint8_t>((value & 0x0f) + (value >> 4) * 10); };
    bool pm = hour & 0x80;
    hour &= 0x7f;
    if (!(status_b & 0x04)) second = bcd(second), minute = bcd(minute), hour = bcd(hour), day = bcd(day), month = bcd(month), year = bcd(year);
    if (!(status_b & 0x02) && pm) hour = static_cast<std::uint8_t>((hour % 12) + 12);
    std::int64_t days = days_from_civil(2000 + year, month, day);
    std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
    realtime_at_boot_ns = static_cast<std::uint64_t>(seconds) * 1'000'000'000ull - hal::monotonic_ns();
}

}  // namespace x86

namespace hal {

kernel::u64 realtime_ns() { return x86::realtime_at_boot_ns + monotonic_ns(); }

}  // namespace hal
