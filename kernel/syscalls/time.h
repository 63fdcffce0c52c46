// Time syscalls: clock_gettime, clock_getres, gettimeofday, time, nanosleep,
// clock_nanosleep (there is no vDSO: every clock read is a syscall), and the real-time
// interval timer: alarm, setitimer, getitimer (ITIMER_REAL; kernel/proc/real_timer.h).
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
struct UserItimerval {
    i64 interval_seconds, interval_microseconds;
    i64 value_seconds, value_microseconds;
};

Result<long> sys_alarm(unsigned seconds);
Result<long> sys_setitimer(int which, UserPtr<UserItimerval> value, UserPtr<UserItimerval> old_value);
Result<long> sys_getitimer(int which, UserPtr<UserItimerval> value);
Result<long> sys_clock_nanosleep(int clock, int flags, UserPtr<UserTimespec> request, UserPtr<UserTimespec> remaining);

}  // namespace kernel
