#include "klog.h"

#include "../hal/cpu.h"
#include "../hal/timer.h"
#include "../lib/format.h"
#include "../lib/log_ring.h"
#include "../lib/spinlock.h"
#include "../tty/console.h"
#include "scheduler.h"

namespace kernel {
namespace {

constexpr usize ring_capacity = 64 * KiB;
char ring_storage[ring_capacity];
// Lock order: log_lock is taken before the console lock.
Spinlock log_lock;
LogRing ring(ring_storage, ring_capacity);
int console_level = 7;  // as Linux: messages with a level below it reach the console

const char* const level_tags[] = {"EMERG ", "ALERT ", "CRIT ", "ERROR ", "WARN ", "", "", ""};

}  // namespace

void set_console_log_level(int level) { console_level = level; }

void klog(LogLevel level, const char* format, ...) {
    char line[512];
    u64 now = hal::monotonic_ns();
    hal::InterruptGuard guard;  // the CPU and thread in the prefix must stay ours
    usize length = kstd::format(line, sizeof line, "[%5llu.%06llu] cpu%u %s: %s",
                                static_cast<unsigned long long>(now / 1000000000),
                                static_cast<unsigned long long>(now / 1000 % 1000000), hal::current_cpu(),
                                current_thread_name(), level_tags[static_cast<int>(level)]);
    if (length >= sizeof line) length = sizeof line - 1;
    kstd::va_list arguments;
    __builtin_va_start(arguments, format);
    length += kstd::vformat(line + length, sizeof line - length, format, arguments);
    __builtin_va_end(arguments);
    if (length >= sizeof line - 1) length = sizeof line - 2;
    line[length++] = '\n';

    log_lock.lock_raw();
    ring.append(line, length);
    if (static_cast<int>(level) < console_level) console_write(line, length);
    log_lock.unlock_raw();
}

usize read_kernel_log(char* buffer, usize size, usize skip) {
    SpinlockGuard guard(log_lock);
    return ring.read(buffer, size, skip);
}

usize kernel_log_size() {
    SpinlockGuard guard(log_lock);
    return ring.used();
}

}  // namespace kernel
