#include "cmos_rtc.h"

#include "../kernel/hal/cpu.h"
#include "../kernel/hal/io.h"
#include "../kernel/hal/timer.h"
#include "../kernel/lib/spinlock.h"

namespace devices {

using kernel::CivilTime;
using kernel::Errno;
using kernel::Result;
using kernel::u8;

namespace {

// The index register is shared by every CMOS user (clock, NVRAM): one lock for the chip
// (Linux's rtc_lock).
kernel::Spinlock cmos_lock;

// An update takes at most 1984 us after UIP rises; far longer means no working clock.
constexpr kernel::u64 settle_timeout_ns = 20'000'000;
constexpr int max_reads = 10;

}  // namespace

u8 CmosRtc::read_register(u8 index) const {
    kernel::SpinlockGuard guard(cmos_lock);
    hal::outb(index_port, static_cast<u8>(index & ~nmi_disable));
    return hal::inb(data_port);
}

void CmosRtc::write_register(u8 index, u8 value) const {
    kernel::SpinlockGuard guard(cmos_lock);
    hal::outb(index_port, static_cast<u8>(index & ~nmi_disable));
    hal::outb(data_port, value);
}

CmosRtc::Registers CmosRtc::read_registers() const {
    return {read_register(seconds),
            read_register(minutes),
            read_register(hours),
            read_register(day_of_month),
            read_register(month),
            read_register(year),
            century_register_ ? read_register(century_register_) : u8 {0}};
}

Result<CivilTime> CmosRtc::read_time() const {
    // After UIP reads clear, no update starts for at least 244 us, and a pass takes a few
    // microseconds; comparing two passes also catches a pass an update tore anyway (an SMI,
    // a descheduled hosted CPU).
    const kernel::u64 deadline = hal::monotonic_ns() + settle_timeout_ns;
    auto wait_until_idle = [&] {
        while (read_register(status_a) & a_update_in_progress) {
            if (hal::monotonic_ns() > deadline) return false;
            hal::cpu_relax();
        }
        return true;
    };
    if (!wait_until_idle()) return Errno::eio;
    Registers previous = read_registers();
    for (int attempt = 1;; ++attempt) {
        if (!wait_until_idle()) return Errno::eio;
        Registers current = read_registers();
        if (current == previous) break;
        if (attempt == max_reads) return Errno::eio;
        previous = current;
    }
    return decode(previous, read_register(status_b), century_register_ != 0);
}

Result<CivilTime> CmosRtc::decode(const Registers& registers, u8 status_b_value, bool has_century) {
    const bool binary = status_b_value & b_binary;
    const bool twelve_hour = !(status_b_value & b_24_hour);
    bool valid = true;
    auto value = [&](u8 raw) -> u8 {
        if (binary) return raw;
        if (!is_bcd(raw)) valid = false;
        return bcd_to_binary(raw);
    };
    const bool pm = twelve_hour && (registers.hours & hour_pm);
    u8 hour = value(twelve_hour ? static_cast<u8>(registers.hours & ~hour_pm) : registers.hours);
    if (twelve_hour) {
        if (hour < 1 || hour > 12) return Errno::einval;
        hour = static_cast<u8>(hour % 12 + (pm ? 12 : 0));  // 12 AM is 0:xx, 12 PM is 12:xx
    }
    const u8 year_in_century = value(registers.year);
    // A century register that reads 0 is not maintained by this firmware: assume 20xx.
    const u8 century = has_century ? value(registers.century) : u8 {0};
    CivilTime time {
        .year = (century ? century : 20) * 100 + kernel::i64 {year_in_century},
        .month = value(registers.month),
        .day = value(registers.day),
        .hour = hour,
        .minute = value(registers.minutes),
        .second = value(registers.seconds),
    };
    if (!valid || year_in_century > 99 || time.year < 1970 || !kernel::is_valid(time)) return Errno::einval;
    return time;
}

}  // namespace devices
