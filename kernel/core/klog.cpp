#include "klog.h"

#include <atomic>

#include "../hal/cpu.h"
#include "../hal/timer.h"
#include "../lib/format.h"
#include "../lib/spinlock.h"
#include "../lib/string.h"
#include "../tty/console.h"
#include "scheduler.h"
#include "wait_queue.h"

namespace kernel {
namespace {

constexpr usize ring_capacity = 64 * KiB;
char ring_storage[ring_capacity];
// Lock order: log_lock is taken before the console lock. It is released before waking
// readers (which takes the wait queue's lock).
Spinlock log_lock;
LogRing ring(ring_storage, ring_capacity);
std::atomic<u64> next_sequence {0};  // ring.next_sequence(), readable without log_lock
WaitQueue record_waiters;            // threads waiting for a new record
int console_level = 7;  // as Linux: messages with a level below it reach the console

const char* const level_tags[] = {"EMERG ", "ALERT ", "CRIT ", "ERROR ", "WARN ", "", "", ""};

// Room for the console prefix "[12345.123456] cpu63 <thread name>: EMERG ".
constexpr usize prefix_capacity = 128;

usize format_prefix(const LogRecord& record, char* buffer, usize size) {
    usize length = kstd::format(buffer, size, "[%5llu.%06llu] cpu%u %s: %s",
                                static_cast<unsigned long long>(record.timestamp_ns / 1'000'000'000),
                                static_cast<unsigned long long>(record.timestamp_ns / 1000 % 1'000'000),
                                static_cast<unsigned>(record.cpu), record.caller, level_tags[record.level & 7]);
    return length < size ? length : size - 1;
}

// With interrupts disabled: the CPU and thread in the record must stay ours.
void describe_caller(LogRecord& record, u8 facility, LogLevel level) {
    record.level = static_cast<u8>(static_cast<int>(level) & 7);
    record.facility = facility;
    record.cpu = static_cast<u16>(hal::current_cpu());
    kstd::strlcpy(record.caller, current_thread_name(), sizeof record.caller);
}

// `line` holds the console prefix and the text, with room for a newline after them.
void store(const LogRecord& record, char* line, usize prefix_length, usize text_length) {
    line[prefix_length + text_length] = '\n';
    log_lock.lock_raw();
    u64 sequence = ring.append(record, line + prefix_length, text_length);
    next_sequence.store(sequence + 1, std::memory_order_release);
    if (static_cast<int>(record.level) < console_level) console_write(line, prefix_length + text_length + 1);
    log_lock.unlock_raw();
    record_waiters.wake_all();
}

}  // namespace

void set_console_log_level(int level) { console_level = level; }

void klog(LogLevel level, const char* format, ...) {
    char line[640];
    LogRecord record;
    record.timestamp_ns = hal::monotonic_ns();
    hal::InterruptGuard guard;
    describe_caller(record, log_facility_kernel, level);
    usize prefix_length = format_prefix(record, line, sizeof line);
    kstd::va_list arguments;
    __builtin_va_start(arguments, format);
    usize text_length = kstd::vformat(line + prefix_length, sizeof line - prefix_length, format, arguments);
    __builtin_va_end(arguments);
    if (prefix_length + text_length > sizeof line - 2) text_length = sizeof line - 2 - prefix_length;
    store(record, line, prefix_length, text_length);
}

void klog_write(u8 facility, LogLevel level, const char* text, usize length) {
    char line[prefix_capacity + LogRing::max_text + 1];
    if (length > LogRing::max_text) length = LogRing::max_text;
    LogRecord record;
    record.timestamp_ns = hal::monotonic_ns();
    hal::InterruptGuard guard;
    describe_caller(record, facility, level);
    usize prefix_length = format_prefix(record, line, prefix_capacity);
    kstd::memcpy(line + prefix_length, text, length);
    store(record, line, prefix_length, length);
}

bool read_kernel_log_record(u64 sequence, LogRecord& record, char* text, usize capacity) {
    SpinlockGuard guard(log_lock);
    return ring.read(sequence, record, text, capacity);
}

u64 kernel_log_first_sequence() {
    SpinlockGuard guard(log_lock);
    return ring.first_sequence();
}

u64 kernel_log_next_sequence() { return next_sequence.load(std::memory_order_acquire); }

void wait_for_kernel_log_record(u64 sequence) {
    record_waiters.wait_until([&] { return next_sequence.load(std::memory_order_acquire) > sequence; });
}

usize format_kernel_log_line(const LogRecord& record, const char* text, char* buffer, usize size) {
    char prefix[prefix_capacity];
    usize prefix_length = format_prefix(record, prefix, sizeof prefix);
    usize text_length = record.text_length < LogRing::max_text ? record.text_length : LogRing::max_text;
    usize needed = prefix_length + text_length + 1;
    if (size == 0) return needed;
    usize written = 0;
    auto put = [&](const char* bytes, usize count) {
        usize room = size - 1 - written;
        if (count > room) count = room;
        kstd::memcpy(buffer + written, bytes, count);
        written += count;
    };
    put(prefix, prefix_length);
    put(text, text_length);
    put("\n", 1);
    buffer[written] = '\0';
    return needed;
}

void for_each_kernel_log_line(FunctionRef<void(const char* line, usize length)> visit) {
    char text[LogRing::max_text];
    char line[prefix_capacity + LogRing::max_text + 2];
    u64 end = kernel_log_next_sequence();  // records logged meanwhile (by visit) are not visited
    LogRecord record;
    for (u64 sequence = 0; sequence < end && read_kernel_log_record(sequence, record, text, sizeof text);
         sequence = record.sequence + 1) {
        if (record.sequence >= end) break;
        usize length = format_kernel_log_line(record, text, line, sizeof line);
        visit(line, length < sizeof line ? length : sizeof line - 1);
    }
}

usize read_kernel_log(char* buffer, usize size, usize skip) {
    usize copied = 0;
    for_each_kernel_log_line([&](const char* line, usize length) {
        if (skip >= length) {
            skip -= length;
            return;
        }
        line += skip;
        length -= skip;
        skip = 0;
        if (length > size - copied) length = size - copied;
        kstd::memcpy(buffer + copied, line, length);
        copied += length;
    });
    return copied;
}

usize kernel_log_size() {
    usize total = 0;
    for_each_kernel_log_line([&](const char*, usize length) { total += length; });
    return total;
}

}  // namespace kernel
