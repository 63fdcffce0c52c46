#include "rtc_clock.h"

#include "../../devices/cmos_rtc.h"
#include "../core/klog.h"
#include "../core/wall_clock.h"
#include "../lib/civil_time.h"

namespace kernel {

bool init_rtc_clock(u8 century_register) {
    // The century lives in NVRAM (0x0e..0x7f); anything else is a firmware mistake.
    if (century_register && (century_register < 0x0e || century_register > 0x7f)) {
        klog_warn("rtc: ignoring century register %#x outside the CMOS NVRAM", century_register);
        century_register = 0;
    }
    const devices::CmosRtc rtc(century_register);
    auto time = rtc.read_time();
    if (time.is_error()) {
        klog_warn("rtc: no valid time in the CMOS clock (%s); the wall clock starts at 1970", errno_name(time.error()));
        return false;
    }
    // The RTC counts whole seconds: the wall clock is up to one second behind from here.
    set_realtime_ns(static_cast<u64>(to_unix_seconds(time.value())) * 1'000'000'000ull);
    char text[32];
    format_civil_time(text, sizeof text, time.value());
    klog_info("rtc: CMOS clock %s UTC%s", text, century_register ? "" : " (no century register: 20xx)");
    return true;
}

}  // namespace kernel
