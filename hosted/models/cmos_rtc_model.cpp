#include "cmos_rtc_model.h"

#include <time.h>

namespace hosted {
namespace {

enum : std::uint8_t {
    seconds = 0x00, minutes = 0x02, hours = 0x04, weekday = 0x06, day = 0x07, month = 0x08, year = 0x09,
    status_a = 0x0a, status_b = 0x0b, status_c = 0x0c, status_d = 0x0d,
};
constexpr std::uint8_t a_update_in_progress = 0x80;
constexpr std::uint8_t a_divider_mask = 0x70, a_divider_normal = 0x20;  // 32.768 kHz time base running
constexpr std::uint8_t b_set = 0x80, b_binary = 0x04, b_24_hour = 0x02;
constexpr long update_warning_ns = 244'000;  // UIP rises this long before the update

}  // namespace

CmosRtcModel::CmosRtcModel() {
    registers_[status_a] = 0x26;  // normal divider, 1024 Hz periodic rate: what PC firmware sets
    registers_[status_b] = b_24_hour;  // BCD, 24-hour, no interrupts
    forced_.fill(-1);
}

std::uint8_t CmosRtcModel::encode(unsigned value) const {
    if (registers_[status_b] & b_binary) return static_cast<std::uint8_t>(value);
    return static_cast<std::uint8_t>(value / 10 << 4 | value % 10);
}

std::uint8_t CmosRtcModel::read_register(std::uint8_t index) {
    if (forced_[index] >= 0) return static_cast<std::uint8_t>(forced_[index]);
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    tm utc;
    gmtime_r(&now.tv_sec, &utc);
    switch (index) {
    case seconds: return encode(static_cast<unsigned>(utc.tm_sec % 60));  // no leap second on the RTC
    case minutes: return encode(static_cast<unsigned>(utc.tm_min));
    case hours: {
        if (registers_[status_b] & b_24_hour) return encode(static_cast<unsigned>(utc.tm_hour));
        const unsigned hour12 = utc.tm_hour % 12 == 0 ? 12 : utc.tm_hour % 12;
        return static_cast<std::uint8_t>(encode(hour12) | (utc.tm_hour >= 12 ? 0x80 : 0));
    }
    case weekday: return encode(static_cast<unsigned>(utc.tm_wday + 1));  // Sunday is 1
    case day: return encode(static_cast<unsigned>(utc.tm_mday));
    case month: return encode(static_cast<unsigned>(utc.tm_mon + 1));
    case year: return encode(static_cast<unsigned>((utc.tm_year + 1900) % 100));
    case century_register: return encode(static_cast<unsigned>((utc.tm_year + 1900) / 100));
    case status_a: {
        const bool updating = (registers_[status_a] & a_divider_mask) == a_divider_normal &&
                              !(registers_[status_b] & b_set) && now.tv_nsec >= 1'000'000'000 - update_warning_ns;
        return static_cast<std::uint8_t>((registers_[status_a] & ~a_update_in_progress) | (updating ? a_update_in_progress : 0));
    }
    case status_c: return 0;     // no interrupt flags (reading clears them on a real chip)
    case status_d: return 0x80;  // VRT: the battery is fine
    default: return registers_[index];
    }
}

std::uint32_t CmosRtcModel::io_read(std::uint16_t offset, unsigned) {
    std::lock_guard guard(lock_);
    if (offset == 0) return 0xff;  // the index register is write-only
    return read_register(index_);
}

void CmosRtcModel::io_write(std::uint16_t offset, unsigned, std::uint32_t value) {
    std::lock_guard guard(lock_);
    const auto byte = static_cast<std::uint8_t>(value);
    if (offset == 0) {
        index_ = byte & 0x7f;
        nmi_disabled_ = byte & 0x80;
        return;
    }
    switch (index_) {
    case seconds: case minutes: case hours: case weekday: case day: case month: case year: case century_register:
    case status_c: case status_d:
        return;  // the clock follows the host; C and D are read-only
    case status_a:
        registers_[status_a] = byte & ~a_update_in_progress;
        return;
    default:
        registers_[index_] = byte;  // status B, alarms, NVRAM
    }
}

void CmosRtcModel::force_register(std::uint8_t index, std::uint8_t value) {
    std::lock_guard guard(lock_);
    forced_[index & 0x7f] = value;
}

void CmosRtcModel::clear_forced_registers() {
    std::lock_guard guard(lock_);
    forced_.fill(-1);
}

bool CmosRtcModel::nmi_disabled() {
    std::lock_guard guard(lock_);
    return nmi_disabled_;
}

}  // namespace hosted
