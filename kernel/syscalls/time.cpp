#include "time.h"

#include "../core/scheduler.h"
#include "../core/wall_clock.h"
#include "../hal/timer.h"
#include "../mm/user_memory.h"
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

}  // namespace kernel
