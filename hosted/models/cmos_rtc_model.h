// An MC146818-compatible CMOS RTC on ports 0x70 (index; bit 7 is the PC's NMI mask) and
// 0x71 (data). The clock registers show the host's current UTC time in the format status B
// selects (BCD or binary, 24- or 12-hour), with the century at 0x32 as on a PC; status A's
// update-in-progress bit is set during the last 244 us of every host second, as a real
// chip's is before each update. The rest of the 128 bytes is plain NVRAM storage.
//
// Not modelled: setting the clock (writes to the time registers are ignored; it always
// follows the host), alarms, the periodic and update interrupts (IRQ 8), status C flags.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>

#include "../io_bus.h"

namespace hosted {

class CmosRtcModel final : public IoDevice {
public:
    static constexpr std::uint16_t base_port = 0x70;
    static constexpr std::uint16_t port_count = 2;
    static constexpr std::uint8_t century_register = 0x32;

    CmosRtcModel();

    std::uint32_t io_read(std::uint16_t offset, unsigned size) override;
    void io_write(std::uint16_t offset, unsigned size, std::uint32_t value) override;

    // Tests: register `index` reads `value` whatever the clock says (a stuck or garbage RTC);
    // clear_forced_registers() restores the clock.
    void force_register(std::uint8_t index, std::uint8_t value);
    void clear_forced_registers();
    // Whether the last index write set bit 7 (NMI disabled).
    bool nmi_disabled();

private:
    std::uint8_t read_register(std::uint8_t index);
    std::uint8_t encode(unsigned value) const;

    std::mutex lock_;
    std::uint8_t index_ = 0;
    bool nmi_disabled_ = false;
    std::array<std::uint8_t, 128> registers_ {};  // status A/B, alarms and NVRAM; the clock is computed
    std::array<std::int16_t, 128> forced_ {};     // -1: not forced
};

}  // namespace hosted
