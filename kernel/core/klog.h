// The kernel log: leveled messages kept as records (sequence number, timestamp, level,
// facility, CPU and thread, text) in a ring buffer (lib/log_ring.h), read by the monitor's
// `log`, by /dev/kmsg (one record per read) and later by dmesg, and echoed to the console
// when their level is below the console level (`loglevel=N` on the command line, as Linux:
// the default 7 shows everything but debug; loglevel=4 shows only errors and worse). The
// console shows a record as "[    1.234567] cpu0 main: WARN text".
//
// klog may be called from interrupt handlers and with spinlocks held, but never with a
// scheduler lock (run queue, thread state) or a WaitQueue lock held: it wakes the threads
// waiting for new records (/dev/kmsg readers).
#pragma once

#include "../lib/function_ref.h"
#include "../lib/log_ring.h"
#include "../lib/types.h"

namespace kernel {

enum class LogLevel : int { emergency = 0, alert, critical, error, warning, notice, info, debug };

// syslog facilities of records (the high bits of /dev/kmsg's "<N>" prefix).
inline constexpr u8 log_facility_kernel = 0;
inline constexpr u8 log_facility_user = 1;

[[gnu::format(printf, 2, 3)]] void klog(LogLevel level, const char* format, ...);
// Logs `text` as one record as it is (no formatting; /dev/kmsg writes). Text beyond
// LogRing::max_text is cut.
void klog_write(u8 facility, LogLevel level, const char* text, usize length);

#define klog_error(...) ::kernel::klog(::kernel::LogLevel::error, __VA_ARGS__)
#define klog_warn(...) ::kernel::klog(::kernel::LogLevel::warning, __VA_ARGS__)
#define klog_info(...) ::kernel::klog(::kernel::LogLevel::info, __VA_ARGS__)
#define klog_debug(...) ::kernel::klog(::kernel::LogLevel::debug, __VA_ARGS__)

void set_console_log_level(int level);

// Records: the oldest kept one numbered `sequence` or later, its text (at most `capacity`
// bytes) in `text`; false when there is none yet.
bool read_kernel_log_record(u64 sequence, LogRecord& record, char* text, usize capacity);
u64 kernel_log_first_sequence();  // the oldest kept record
u64 kernel_log_next_sequence();   // the number the next record gets
// Blocks until a record numbered `sequence` or later exists.
void wait_for_kernel_log_record(u64 sequence);

// Formats a record as the console shows it, newline included; returns the length it needs
// (like snprintf; the output is cut to `size` and terminated).
usize format_kernel_log_line(const LogRecord& record, const char* text, char* buffer, usize size);
// Calls visit(line, length) for every kept record, oldest first, formatted as on the console.
void for_each_kernel_log_line(FunctionRef<void(const char* line, usize length)> visit);

// The kept log as console text (oldest first) into `buffer`, skipping `skip` bytes; returns bytes.
usize read_kernel_log(char* buffer, usize size, usize skip = 0);
// Bytes of console text the kept log makes.
usize kernel_log_size();

}  // namespace kernel
