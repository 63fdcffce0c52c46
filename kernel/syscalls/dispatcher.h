// The system-call dispatcher: the one place where a Result becomes a Linux return value
// (-errno). Handlers are typed functions (`Result<long> sys_read(int fd, UserPtr<u8>
// buffer, usize count)`) listed once in syscall_table.h; the dispatcher converts the
// six argument registers to their parameter types.
#pragma once

#include "../lib/types.h"

namespace kernel {

class UserThread;

// Runs the syscall in `thread`'s registers (rax = number; rdi, rsi, rdx, r10, r8, r9 =
// arguments) and puts the result in rax. Callable in-process with a synthetic context
// (tests and the syscall fuzzer drive it so).
void dispatch_syscall(UserThread& thread);

// The same for a number and arguments; returns what rax would get. The calling kernel
// thread must run `thread` (current_user_thread() == &thread).
long invoke_syscall(u64 number, const u64 (&arguments)[6]);

// Logs every syscall with its arguments and result (the command line's strace=1).
void set_syscall_tracing(bool enabled);

// The name of a syscall number ("read"), or nullptr when Newt does not know it.
const char* syscall_name(u64 number);

}  // namespace kernel
