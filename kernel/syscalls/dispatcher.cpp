#include "dispatcher.h"

#include "../core/klog.h"
#include "../proc/user_thread.h"
#include "fs.h"
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
    return result.is_error() ? -static_cast<long>(result.error()) : result.value();
}

void dispatch_syscall(UserThread& thread) {
    hal::UserContext& context = thread.context();
    u64 arguments[6] = {context.rdi, context.rsi, context.rdx, context.r10, context.r8, context.r9};
    long result = invoke_syscall(context.rax, arguments);
    // execve replaced the registers: its result is the new program's rax (0).
    if (!thread.took_new_context()) context.rax = static_cast<u64>(result);
}

}  // namespace kernel
