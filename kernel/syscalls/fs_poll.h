// Waiting for descriptors: poll, ppoll, select, pselect6, over OpenFile::poll_events().
// There is no wait queue a thread can sleep on for several files at once yet, so a wait
// re-checks the files with short sleeps in between (1 ms, doubling up to 16 ms):
// docs/syscalls.md.
#pragma once

#include "../abi/io.h"
#include "../abi/process.h"
#include "../lib/result.h"
#include "../lib/user_ptr.h"
#include "time.h"

namespace kernel {

// pselect6's sixth argument: the signal mask and its size.
struct PselectSigmask {
    u64 mask;  // address of a sigset_t, or 0
    u64 size;
};

Result<long> sys_poll(UserPtr<abi::PollFd> fds, u32 count, int timeout_ms);
Result<long> sys_ppoll(UserPtr<abi::PollFd> fds, u32 count, UserPtr<UserTimespec> timeout, UserPtr<u64> sigmask,
                       usize sigset_size);
Result<long> sys_select(int count, UserPtr<u64> read_set, UserPtr<u64> write_set, UserPtr<u64> except_set,
                        UserPtr<abi::Timeval> timeout);
Result<long> sys_pselect6(int count, UserPtr<u64> read_set, UserPtr<u64> write_set, UserPtr<u64> except_set,
                          UserPtr<UserTimespec> timeout, UserPtr<PselectSigmask> sigmask);

}  // namespace kernel
