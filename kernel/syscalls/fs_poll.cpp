#include "fs_poll.h"

#include "../core/scheduler.h"
#include "../hal/timer.h"
#include "../mm/kmalloc.h"
#include "../proc/user_thread.h"
#include "fs_support.h"

namespace kernel {
namespace {

constexpr u64 forever = ~u64(0);
constexpr u64 first_pause_ns = 1'000'000;
constexpr u64 longest_pause_ns = 16'000'000;
constexpr u64 ns_per_second = 1'000'000'000;

// What select counts as readable, writable and exceptional (Linux's POLLIN_SET, ...).
constexpr u32 poll_rdband = 0x080, poll_wrband = 0x200;
constexpr u32 readable_set = poll_in | poll_rdnorm | poll_rdband | poll_hup | poll_err;
constexpr u32 writable_set = poll_out | poll_wrnorm | poll_wrband | poll_err;
constexpr u32 exceptional_set = poll_pri;

u64 deadline_after(u64 duration_ns) {
    u64 now = hal::monotonic_ns();
    return duration_ns > forever - now ? forever : now + duration_ns;
}

u64 remaining_until(u64 deadline) {
    u64 now = hal::monotonic_ns();
    return deadline > now ? deadline - now : 0;
}

// Runs `check` (the number of ready entries, or an error) until it finds something ready,
// the deadline passes (then 0) or the thread is asked to stop (EINTR).
template <typename Check>
Result<long> wait_until_ready(u64 deadline, Check check) {
    u64 pause = first_pause_ns;
    for (;;) {
        long ready = TRY(check());
        if (ready) return ready;
        u64 left = remaining_until(deadline);
        if (left == 0) return 0l;
        if (current_thread_must_stop()) return Errno::eintr;
        sleep_ns(left < pause ? left : pause);
        pause = pause * 2 < longest_pause_ns ? pause * 2 : longest_pause_ns;
    }
}

// The events `fd` has now: POLLNVAL when it is not an open descriptor (O_PATH ones are not:
// Linux's fdget does not see them).
u32 events_of(int fd) {
    auto file = file_for_io(fd);
    return file.is_error() ? u32(poll_nval) : file.value()->poll_events();
}

// ppoll/pselect6: the caller's signal mask for the length of the wait. When a handler is
// due, the temporary mask stays for its delivery and the frame saves the caller's (Linux's
// restore_saved_sigmask_unless), so a signal the wait unblocked does run.
class TemporarySignalMask {
public:
    TemporarySignalMask() = default;
    ~TemporarySignalMask() {
        if (!thread_) return;
        if (thread_->has_deliverable_signal()) thread_->set_saved_mask(saved_);
        else thread_->set_blocked_signals(saved_);
    }
    TemporarySignalMask(const TemporarySignalMask&) = delete;
    TemporarySignalMask& operator=(const TemporarySignalMask&) = delete;

    // Linux's set_user_sigmask: a null mask changes nothing, a size other than sigset_t's
    // is EINVAL.
    Result<void> install(UserPtr<u64> mask, usize size) {
        if (mask.is_null()) return ok();
        if (size != sizeof(u64)) return Errno::einval;
        u64 value = TRY(copy_value_from_user(mask));
        thread_ = current_user_thread();
        saved_ = thread_->blocked_signals();
        thread_->set_blocked_signals(value);
        return ok();
    }

private:
    UserThread* thread_ = nullptr;
    u64 saved_ = 0;
};

Result<u64> timespec_duration(UserPtr<UserTimespec> pointer) {
    UserTimespec value = TRY(copy_value_from_user(pointer));
    if (value.seconds < 0 || value.nanoseconds < 0 || value.nanoseconds >= static_cast<i64>(ns_per_second))
        return Errno::einval;
    if (static_cast<u64>(value.seconds) >= forever / ns_per_second) return forever;
    return static_cast<u64>(value.seconds) * ns_per_second + static_cast<u64>(value.nanoseconds);
}

// The time left goes back to the caller (Linux's poll_select_finish; a failed copy is
// ignored, as a constant timeout is allowed).
void write_back_timespec(UserPtr<UserTimespec> pointer, u64 deadline) {
    u64 left = remaining_until(deadline);
    UserTimespec value {static_cast<i64>(left / ns_per_second), static_cast<i64>(left % ns_per_second)};
    (void)copy_value_to_user(pointer, value);
}

Result<long> poll_files(UserPtr<abi::PollFd> fds, u32 count, u64 deadline) {
    if (count > calling_process().limit(abi::rlimit_nofile).current) return Errno::einval;
    abi::PollFd* entries = nullptr;
    if (count) {
        entries = static_cast<abi::PollFd*>(kmalloc(sizeof(abi::PollFd) * count));
        if (!entries) return Errno::enomem;
    }
    auto copied = copy_from_user(calling_memory(), entries, fds.address(), sizeof(abi::PollFd) * count);
    if (copied.is_error()) {
        kfree(entries);
        return copied.error();
    }
    Result<long> result = wait_until_ready(deadline, [&]() -> Result<long> {
        long ready = 0;
        for (u32 i = 0; i < count; ++i) {
            abi::PollFd& entry = entries[i];
            if (entry.fd < 0) {
                entry.revents = 0;
                continue;
            }
            u32 wanted = static_cast<u16>(entry.events) | poll_err | poll_hup | poll_nval;
            entry.revents = static_cast<i16>(events_of(entry.fd) & wanted);
            if (entry.revents) ++ready;
        }
        return ready;
    });
    for (u32 i = 0; i < count && result.has_value(); ++i) {
        auto put = copy_to_user(calling_memory(), fds.offset(i).address() + offsetof(abi::PollFd, revents),
                                &entries[i].revents, sizeof entries[i].revents);
        if (put.is_error()) result = put.error();
    }
    kfree(entries);
    return result;
}

// select's three descriptor sets, FD_SETSIZE bits each.
struct DescriptorSets {
    static constexpr usize words = abi::fd_setsize / 64;
    u64 in[3][words] = {};
    u64 out[3][words] = {};
};

Result<long> select_files(int count, UserPtr<u64> read_set, UserPtr<u64> write_set, UserPtr<u64> except_set,
                          u64 deadline) {
    if (count < 0) return Errno::einval;
    if (count > abi::fd_setsize) count = abi::fd_setsize;  // Linux: the table's size
    usize bytes = (static_cast<usize>(count) + 63) / 64 * sizeof(u64);
    UserPtr<u64> sets[3] = {read_set, write_set, except_set};
    constexpr u32 wanted[3] = {readable_set, writable_set, exceptional_set};
    DescriptorSets* state = static_cast<DescriptorSets*>(kzalloc(sizeof(DescriptorSets)));
    if (!state) return Errno::enomem;
    Result<long> result = 0l;
    for (int set = 0; set < 3 && result.has_value(); ++set)
        if (!sets[set].is_null()) {
            auto copied = copy_from_user(calling_memory(), state->in[set], sets[set].address(), bytes);
            if (copied.is_error()) result = copied.error();
        }
    if (result.has_value()) {
        result = wait_until_ready(deadline, [&]() -> Result<long> {
            long ready = 0;
            for (int fd = 0; fd < count; ++fd) {
                usize word = static_cast<usize>(fd) / 64;
                u64 bit = u64(1) << (fd % 64);
                if (!((state->in[0][word] | state->in[1][word] | state->in[2][word]) & bit)) continue;
                RefPtr<OpenFile> file = TRY(file_for_io(fd));
                u32 events = file->poll_events();
                for (int set = 0; set < 3; ++set) {
                    if ((state->in[set][word] & bit) && (events & wanted[set])) {
                        state->out[set][word] |= bit;
                        ++ready;  // select counts each set a descriptor is ready in
                    } else {
                        state->out[set][word] &= ~bit;
                    }
                }
            }
            return ready;
        });
    }
    for (int set = 0; set < 3 && result.has_value(); ++set)
        if (!sets[set].is_null()) {
            auto copied = copy_to_user(calling_memory(), sets[set].address(), state->out[set], bytes);
            if (copied.is_error()) result = copied.error();
        }
    kfree(state);
    return result;
}

}  // namespace

Result<long> sys_poll(UserPtr<abi::PollFd> fds, u32 count, int timeout_ms) {
    u64 deadline = timeout_ms < 0 ? forever : deadline_after(static_cast<u64>(timeout_ms) * 1'000'000);
    return poll_files(fds, count, deadline);
}

Result<long> sys_ppoll(UserPtr<abi::PollFd> fds, u32 count, UserPtr<UserTimespec> timeout, UserPtr<u64> sigmask,
                       usize sigset_size) {
    u64 deadline = forever;
    if (!timeout.is_null()) deadline = deadline_after(TRY(timespec_duration(timeout)));
    TemporarySignalMask mask;
    TRY(mask.install(sigmask, sigset_size));
    Result<long> result = poll_files(fds, count, deadline);
    if (!timeout.is_null()) write_back_timespec(timeout, deadline);
    return result;
}

Result<long> sys_select(int count, UserPtr<u64> read_set, UserPtr<u64> write_set, UserPtr<u64> except_set,
                        UserPtr<abi::Timeval> timeout) {
    u64 deadline = forever;
    if (!timeout.is_null()) {
        abi::Timeval value = TRY(copy_value_from_user(timeout));
        if (value.seconds < 0 || value.microseconds < 0) return Errno::einval;
        // Microseconds beyond a second carry over (Linux normalizes them).
        u64 seconds = static_cast<u64>(value.seconds) + static_cast<u64>(value.microseconds) / 1'000'000;
        u64 nanoseconds = static_cast<u64>(value.microseconds) % 1'000'000 * 1000;
        deadline = seconds >= forever / ns_per_second ? forever : deadline_after(seconds * ns_per_second + nanoseconds);
    }
    Result<long> result = select_files(count, read_set, write_set, except_set, deadline);
    if (!timeout.is_null()) {
        u64 left = remaining_until(deadline);
        abi::Timeval value {static_cast<i64>(left / ns_per_second), static_cast<i64>(left % ns_per_second / 1000)};
        (void)copy_value_to_user(timeout, value);
    }
    return result;
}

Result<long> sys_pselect6(int count, UserPtr<u64> read_set, UserPtr<u64> write_set, UserPtr<u64> except_set,
                          UserPtr<UserTimespec> timeout, UserPtr<PselectSigmask> sigmask) {
    u64 deadline = forever;
    if (!timeout.is_null()) deadline = deadline_after(TRY(timespec_duration(timeout)));
    TemporarySignalMask mask;
    if (!sigmask.is_null()) {
        PselectSigmask argument = TRY(copy_value_from_user(sigmask));
        TRY(mask.install(UserPtr<u64>(argument.mask), argument.size));
    }
    Result<long> result = select_files(count, read_set, write_set, except_set, deadline);
    if (!timeout.is_null()) write_back_timespec(timeout, deadline);
    return result;
}

}  // namespace kernel
