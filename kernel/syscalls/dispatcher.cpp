#include "dispatcher.h"

#include "../core/klog.h"
#include "../proc/user_thread.h"
#include "credentials.h"
#include "fs.h"
#include "futex.h"
#include "memory.h"
#include "process.h"
#include "signal.h"
#include "syscall_argument.h"
#include "syscall_table.h"
#include "system.h"
#include "time.h"

namespace kernel {
namespace {

using Handler = Result<long> (*)(const u64*);

constexpr usize table_size = 512;

struct Entry {
    Handler handler = nullptr;
    const char* name = nullptr;
};

struct Table {
    Entry entries[table_size];
    constexpr Table() {
#define NEWT_SYSCALL_ENTRY(number, name) entries[number] = {syscall_detail::thunk<&sys_##name>, #name};
        NEWT_SYSCALLS(NEWT_SYSCALL_ENTRY)
#undef NEWT_SYSCALL_ENTRY
    }
};

constexpr Table table;

// The kernel command line's "strace=1": every syscall and its result in the kernel log.
bool trace_syscalls = false;

// Unknown numbers are logged once each (a program probing for features calls them often).
std::atomic<u64> logged_unknown[table_size / 64];

void log_unknown(u64 number) {
    if (number < table_size) {
        u64 bit = u64(1) << (number % 64);
        if (logged_unknown[number / 64].fetch_or(bit, std::memory_order_relaxed) & bit) return;
    }
    UserThread* thread = current_user_thread();
    klog(LogLevel::info, "pid %d: unknown syscall %llu (ENOSYS)", thread ? thread->tid() : 0,
         static_cast<unsigned long long>(number));
}

}  // namespace

const char* syscall_name(u64 number) { return number < table_size ? table.entries[number].name : nullptr; }

long invoke_syscall(u64 number, const u64 (&arguments)[6]) {
    if (number >= table_size || !table.entries[number].handler) {
        log_unknown(number);
        return -static_cast<long>(Errno::enosys);
    }
    Result<long> result = table.entries[number].handler(arguments);
    long value = result.is_error() ? -static_cast<long>(result.error()) : result.value();
    if (trace_syscalls) {
        UserThread* thread = current_user_thread();
        klog(LogLevel::info, "pid %d: %s(%#llx, %#llx, %#llx, %#llx) = %ld%s%s", thread ? thread->tid() : 0,
             table.entries[number].name, static_cast<unsigned long long>(arguments[0]),
             static_cast<unsigned long long>(arguments[1]), static_cast<unsigned long long>(arguments[2]),
             static_cast<unsigned long long>(arguments[3]), value, result.is_error() ? " " : "",
             result.is_error() ? errno_name(result.error()) : "");
    }
    return value;
}

void set_syscall_tracing(bool enabled) { trace_syscalls = enabled; }

void dispatch_syscall(UserThread& thread) {
    hal::UserContext& context = thread.context();
    u64 arguments[6] = {context.rdi, context.rsi, context.rdx, context.r10, context.r8, context.r9};
    u64 number = context.rax;
    long result = invoke_syscall(number, arguments);
    // execve and rt_sigreturn replaced the registers: rax is already what the program sees.
    if (!thread.took_new_context()) context.rax = static_cast<u64>(result);
    thread.note_syscall(number, result);
}

}  // namespace kernel
