// Sets the wall clock from the CMOS real-time clock at boot.
#pragma once

#include "../lib/types.h"

namespace kernel {

// Reads the RTC (`century_register` from BootInfo: the FADT's CENTURY, 0 when unknown) and
// sets the wall clock. Returns false, and leaves the wall clock alone, when the RTC cannot
// be read or holds no valid date.
bool init_rtc_clock(u8 century_register);

}  // namespace kernel
