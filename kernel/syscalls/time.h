// Time syscalls: clock_gettime, clock_getres, gettimeofday, time, nanosleep,
// clock_nanosleep (there is no vDSO: every clock read is a syscall).
#pragma once

#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

struct UserTimespec {
    i64 seconds;
    i64 nanoseconds;
};

Result<long> sys_clock_gettime(int clock, UserPtr<UserTimespec> time);
Result<long> sys_clock_getres(int clock, UserPtr<UserTimespec> resolution);
Result<long> sys_gettimeofday(UserPtr<i64> time, uptr timezone);
Result<long> sys_time(UserPtr<i64> time);
Result<long> sys_nanosleep(UserPtr<UserTimespec> request, UserPtr<UserTimespec> remaining);
Result<long> sys_clock_nanosleep(int clock, int flags, UserPtr<UserTimespec> request, UserPtr<UserTimespec> remaining);

}  // namespace kernel
