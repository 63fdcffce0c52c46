// The PC's CMOS real-time clock (Motorola MC146818 and compatibles): index port 0x70, data
// port 0x71. Register level, through hal::io port I/O only.
//
// Port 0x70 bit 7 is the NMI mask on PCs. Like Linux, every index write keeps it clear (NMI
// enabled): the port is write-only on most chipsets, so there is no earlier state to keep.
#pragma once

#include "../kernel/lib/civil_time.h"
#include "../kernel/lib/result.h"
#include "../kernel/lib/types.h"

namespace devices {

class CmosRtc {
public:
    static constexpr kernel::u16 index_port = 0x70;
    static constexpr kernel::u16 data_port = 0x71;
    static constexpr kernel::u8 nmi_disable = 0x80;  // index bit 7

    // Register numbers.
    enum Register : kernel::u8 {
        seconds = 0x00,
        minutes = 0x02,
        hours = 0x04,  // bit 7: PM in 12-hour mode
        day_of_month = 0x07,
        month = 0x08,
        year = 0x09,
        status_a = 0x0a,
        status_b = 0x0b,
        status_c = 0x0c,
        status_d = 0x0d,
        default_century = 0x32,  // where PC firmware keeps it; the FADT names the real one
    };
    static constexpr kernel::u8 a_update_in_progress = 0x80;
    static constexpr kernel::u8 b_set = 0x80;          // updates stopped while software sets the time
    static constexpr kernel::u8 b_binary = 0x04;       // DM: binary, else BCD
    static constexpr kernel::u8 b_24_hour = 0x02;
    static constexpr kernel::u8 d_valid_ram_time = 0x80;  // VRT: the battery kept the contents
    static constexpr kernel::u8 hour_pm = 0x80;

    // `century_register`: the CMOS register holding the century (the FADT's CENTURY field),
    // or 0 when none is known: the year is then taken as 20xx.
    explicit CmosRtc(kernel::u8 century_register = 0) : century_register_(century_register) {}

    // The current date and time (the RTC keeps UTC on Newt, as Linux assumes by default).
    // Waits out an update in progress and reads until two consecutive reads agree.
    // EIO when the clock never settles (no RTC: every register reads 0xff), EINVAL when the
    // registers do not hold a valid date.
    kernel::Result<kernel::CivilTime> read_time() const;

    // One register (also the battery-backed NVRAM at 0x0e..0x7f), under the CMOS lock.
    kernel::u8 read_register(kernel::u8 index) const;
    void write_register(kernel::u8 index, kernel::u8 value) const;

    // The time and date registers as read in one pass.
    struct Registers {
        kernel::u8 seconds, minutes, hours, day, month, year, century;
        bool operator==(const Registers&) const = default;
    };

    // Turns raw registers into a date, given status B's format bits and whether a century
    // register was read. Pure logic: EINVAL for a digit that is not BCD or a field out of range.
    static kernel::Result<kernel::CivilTime> decode(const Registers& registers, kernel::u8 status_b, bool has_century);

    static constexpr bool is_bcd(kernel::u8 value) { return (value & 0x0f) <= 9 && (value >> 4) <= 9; }
    static constexpr kernel::u8 bcd_to_binary(kernel::u8 value) {
        return static_cast<kernel::u8>((value >> 4) * 10 + (value & 0x0f));
    }

private:
    Registers read_registers() const;

    kernel::u8 century_register_;
};

}  // namespace devices
