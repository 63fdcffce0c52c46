#include "time.h"

#include "../core/scheduler.h"
#include "../core/wall_clock.h"
#include "../hal/timer.h"
#include "../mm/user_memory.h"
#include "../proc/real_timer.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

constexpr int clock_realtime = 0, clock_monotonic = 1, clock_process_cputime = 2, clock_thread_cputime = 3,
              clock_monotonic_raw = 4, clock_realtime_coarse = 5, clock_monotonic_coarse = 6, clock_boottime = 7,
              clock_realtime_alarm = 8, clock_boottime_alarm = 9, clock_tai = 11;
constexpr int timer_abstime = 1;

AddressSpace& memory() { return current_user_thread()->process().memory(); }

Result<u64> clock_now(int clock) {
    switch (clock) {
    case clock_realtime:
    case clock_realtime_coarse:
    case clock_realtime_alarm:
    case clock_tai: return realtime_ns();
    case clock_monotonic:
    case clock_monotonic_raw:
    case clock_monotonic_coarse:
    case clock_boottime:
    case clock_boottime_alarm: return hal::monotonic_ns();
    case clock_process_cputime:
    case clock_thread_cputime: return current_thread()->runtime_ns();
    default: return Errno::einval;
    }
}

UserTimespec to_timespec(u64 ns) { return {static_cast<i64>(ns / 1'000'000'000), static_cast<i64>(ns % 1'000'000'000)}; }

Result<u64> read_duration(UserPtr<UserTimespec> pointer) {
    UserTimespec value;
    TRY(copy_from_user(memory(), &value, pointer.address(), sizeof value));
    if (value.seconds < 0 || value.nanoseconds < 0 || value.nanoseconds >= 1'000'000'000) return Errno::einval;
    if (static_cast<u64>(value.seconds) > ~u64(0) / 1'000'000'000 - 1) return ~u64(0);
    return static_cast<u64>(value.seconds) * 1'000'000'000 + static_cast<u64>(value.nanoseconds);
}

// Sleeps until the monotonic `deadline`, ending early (EINTR) when the thread must stop.
Result<void> sleep_until(u64 deadline) {
    while (hal::monotonic_ns() < deadline) {
        if (current_thread_must_stop()) return Errno::eintr;
        u64 left = deadline - hal::monotonic_ns();
        sleep_ns(left < 50'000'000 ? left : 50'000'000);  // wakes now and then to notice a kill
    }
    return ok();
}

}  // namespace

Result<long> sys_clock_gettime(int clock, UserPtr<UserTimespec> time) {
    UserTimespec now = to_timespec(TRY(clock_now(clock)));
    TRY(copy_to_user(memory(), time.address(), &now, sizeof now));
    return 0;
}

Result<long> sys_clock_getres(int clock, UserPtr<UserTimespec> resolution) {
    TRY(clock_now(clock));
    if (resolution.is_null()) return 0;
    bool coarse = clock == clock_realtime_coarse || clock == clock_monotonic_coarse;
    UserTimespec value {0, coarse ? 4'000'000 : 1};
    TRY(copy_to_user(memory(), resolution.address(), &value, sizeof value));
    return 0;
}

Result<long> sys_gettimeofday(UserPtr<i64> time, uptr timezone) {
    u64 now = realtime_ns();
    if (!time.is_null()) {
        i64 value[2] = {static_cast<i64>(now / 1'000'000'000), static_cast<i64>(now % 1'000'000'000 / 1000)};
        TRY(copy_to_user(memory(), time.address(), value, sizeof value));
    }
    if (timezone) {
        i32 zone[2] = {0, 0};  // UTC, no DST
        TRY(copy_to_user(memory(), timezone, zone, sizeof zone));
    }
    return 0;
}

Result<long> sys_time(UserPtr<i64> time) {
    i64 now = static_cast<i64>(realtime_ns() / 1'000'000'000);
    if (!time.is_null()) TRY(copy_to_user(memory(), time.address(), &now, sizeof now));
    return now;
}

Result<long> sys_nanosleep(UserPtr<UserTimespec> request, UserPtr<UserTimespec> remaining) {
    u64 duration = TRY(read_duration(request));
    u64 start = hal::monotonic_ns();
    u64 deadline = duration > ~u64(0) - start ? ~u64(0) : start + duration;
    auto slept = sleep_until(deadline);
    if (slept.is_error() && !remaining.is_null()) {
        u64 now = hal::monotonic_ns();
        UserTimespec left = to_timespec(deadline > now ? deadline - now : 0);
        (void)copy_to_user(memory(), remaining.address(), &left, sizeof left);
    }
    TRY(slept);
    return 0;
}

Result<long> sys_clock_nanosleep(int clock, int flags, UserPtr<UserTimespec> request, UserPtr<UserTimespec> remaining) {
    if (clock == clock_thread_cputime) return Errno::einval;
    if (clock == clock_process_cputime) return Errno::eopnotsupp;
    u64 now = TRY(clock_now(clock));
    u64 value = TRY(read_duration(request));
    u64 duration = (flags & timer_abstime) ? (value > now ? value - now : 0) : value;
    u64 start = hal::monotonic_ns();
    u64 deadline = duration > ~u64(0) - start ? ~u64(0) : start + duration;
    auto slept = sleep_until(deadline);
    if (slept.is_error() && !(flags & timer_abstime) && !remaining.is_null()) {
        u64 after = hal::monotonic_ns();
        UserTimespec left = to_timespec(deadline > after ? deadline - after : 0);
        (void)copy_to_user(memory(), remaining.address(), &left, sizeof left);
    }
    TRY(slept);
    return 0;
}

namespace {

constexpr int itimer_real = 0, itimer_virtual = 1, itimer_prof = 2;

UserItimerval to_itimerval(const RealTimer& timer) {
    // A timer about to fire reads as 1 us left, as on Linux.
    u64 left = timer.remaining_ns && timer.remaining_ns < 1000 ? 1000 : timer.remaining_ns;
    return {static_cast<i64>(timer.interval_ns / 1'000'000'000), static_cast<i64>(timer.interval_ns % 1'000'000'000 / 1000),
            static_cast<i64>(left / 1'000'000'000), static_cast<i64>(left % 1'000'000'000 / 1000)};
}

bool valid_timeval(i64 seconds, i64 microseconds) {
    return seconds >= 0 && microseconds >= 0 && microseconds < 1'000'000 && seconds < i64(1) << 33;
}

// ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) are not implemented: EINVAL, as for
// an unknown timer (docs/syscalls.md).
Result<void> check_which(int which) {
    static_assert(itimer_virtual == 1 && itimer_prof == 2);
    return which == itimer_real ? Result<void>(ok()) : Result<void>(Errno::einval);
}

}  // namespace

Result<long> sys_alarm(unsigned seconds) {
    RealTimer old = TRY(set_real_timer(current_user_thread()->process(), {u64(seconds) * 1'000'000'000, 0}));
    // Linux's alarm_setitimer: whole seconds, rounded to the nearest, never 0 for a timer left.
    u64 whole = old.remaining_ns / 1'000'000'000;
    u64 micros = old.remaining_ns % 1'000'000'000 / 1000;
    if ((!whole && micros) || micros >= 500'000) ++whole;
    return static_cast<long>(whole);
}

Result<long> sys_setitimer(int which, UserPtr<UserItimerval> value, UserPtr<UserItimerval> old_value) {
    UserItimerval wanted {};
    if (!value.is_null()) TRY(copy_from_user(memory(), &wanted, value.address(), sizeof wanted));  // NULL disarms
    TRY(check_which(which));
    if (!valid_timeval(wanted.value_seconds, wanted.value_microseconds) ||
        !valid_timeval(wanted.interval_seconds, wanted.interval_microseconds))
        return Errno::einval;
    RealTimer timer {u64(wanted.value_seconds) * 1'000'000'000 + u64(wanted.value_microseconds) * 1000,
                     u64(wanted.interval_seconds) * 1'000'000'000 + u64(wanted.interval_microseconds) * 1000};
    if (!timer.remaining_ns) timer.interval_ns = 0;
    RealTimer old = TRY(set_real_timer(current_user_thread()->process(), timer));
    if (!old_value.is_null()) {
        UserItimerval previous = to_itimerval(old);
        TRY(copy_to_user(memory(), old_value.address(), &previous, sizeof previous));
    }
    return 0;
}

Result<long> sys_getitimer(int which, UserPtr<UserItimerval> value) {
    TRY(check_which(which));
    UserItimerval current = to_itimerval(real_timer(current_user_thread()->process()));
    TRY(copy_to_user(memory(), value.address(), &current, sizeof current));
    return 0;
}

}  // namespace kernel
