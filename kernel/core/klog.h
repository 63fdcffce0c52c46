// The kernel log: leveled messages with a timestamp and CPU/thread prefix, kept in a ring
// buffer (the monitor's `log`, later dmesg) and echoed to the console when their level is
// below the console level (`loglevel=N` on the command line, as Linux: the default 7 shows
// everything but debug; loglevel=4 shows only errors and worse).
#pragma once

#include "../lib/types.h"

namespace kernel {

enum class LogLevel : int { emergency = 0, alert, critical, error, warning, notice, info, debug };

[[gnu::format(printf, 2, 3)]] void klog(LogLevel level, const char* format, ...);

#define klog_error(...) ::kernel::klog(::kernel::LogLevel::error, __VA_ARGS__)
#define klog_warn(...) ::kernel::klog(::kernel::LogLevel::warning, __VA_ARGS__)
#define klog_info(...) ::kernel::klog(::kernel::LogLevel::info, __VA_ARGS__)
#define klog_debug(...) ::kernel::klog(::kernel::LogLevel::debug, __VA_ARGS__)

void set_console_log_level(int level);

// Copies the kept log text (oldest first) into `buffer`, skipping `skip` bytes; returns bytes.
usize read_kernel_log(char* buffer, usize size, usize skip = 0);
// Bytes currently kept in the log ring.
usize kernel_log_size();

}  // namespace kernel
