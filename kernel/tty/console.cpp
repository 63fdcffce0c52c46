#include "console.h"

#include "../core/wait_queue.h"
#include "../hal/debug.h"
#include "../lib/format.h"
#include "../lib/spinlock.h"

namespace kernel {
namespace {

struct Sink {
    ConsoleOutput output;
    void* context;
};

constexpr usize max_sinks = 4;
// Lock order: console_lock is taken after the log lock and before any driver lock.
Spinlock console_lock;
Sink sinks[max_sinks];
usize sink_count = 0;

// The most recent output (as the sinks got it), replayed to sinks that register late so a
// screen shows the boot log written before its driver started. Protected by console_lock.
constexpr usize backlog_capacity = 4 * KiB;
char backlog[backlog_capacity];
usize backlog_end = 0;  // where the next byte goes
bool backlog_wrapped = false;

// Received characters waiting for a reader.
constexpr usize input_capacity = 1024;
Spinlock input_lock;
char input[input_capacity];
usize input_head = 0, input_count = 0;
WaitQueue input_waiters;

void emit(const char* text, usize length) {
    if (sink_count == 0) {
        hal::early_console_write(text, length);
        return;
    }
    for (usize i = 0; i < sink_count; ++i) sinks[i].output(sinks[i].context, text, length);
}

void remember(const char* text, usize length) {
    for (usize i = 0; i < length; ++i) {
        backlog[backlog_end++] = text[i];
        if (backlog_end == backlog_capacity) {
            backlog_end = 0;
            backlog_wrapped = true;
        }
    }
}

void replay_backlog(ConsoleOutput output, void* context) {
    if (!backlog_wrapped) {
        if (backlog_end) output(context, backlog, backlog_end);
        return;
    }
    // The oldest bytes start mid-line: begin after the first line break.
    usize start = backlog_end;
    usize left = backlog_capacity;
    while (left && backlog[start] != '\n') {
        start = (start + 1) % backlog_capacity;
        --left;
    }
    if (!left) return;
    start = (start + 1) % backlog_capacity;
    --left;
    usize first = backlog_capacity - start < left ? backlog_capacity - start : left;
    if (first) output(context, backlog + start, first);
    if (left > first) output(context, backlog, left - first);
}

// Writes text with "\n" expanded to "\r\n", in chunks.
void write_translated(const char* text, usize length) {
    char chunk[256];
    usize used = 0;
    for (usize i = 0; i < length; ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) chunk[used++] = '\r';
        chunk[used++] = text[i];
        if (used >= sizeof chunk - 2) {
            remember(chunk, used);
            emit(chunk, used);
            used = 0;
        }
    }
    if (used) {
        remember(chunk, used);
        emit(chunk, used);
    }
}

}  // namespace

void register_console_output(ConsoleOutput output, void* context, ConsoleReplay replay) {
    SpinlockGuard guard(console_lock);
    if (sink_count == max_sinks) return;
    if (replay == ConsoleReplay::recent_output) replay_backlog(output, context);
    sinks[sink_count++] = {output, context};
}

void console_write(const char* text, usize length) {
    SpinlockGuard guard(console_lock);
    write_translated(text, length);
}

void console_write_emergency(const char* text, usize length) { emit(text, length); }

void kprintf(const char* format, ...) {
    char buffer[1024];
    kstd::va_list arguments;
    __builtin_va_start(arguments, format);
    usize length = kstd::vformat(buffer, sizeof buffer, format, arguments);
    __builtin_va_end(arguments);
    if (length >= sizeof buffer) length = sizeof buffer - 1;
    console_write(buffer, length);
}

void console_receive(char character) {
    {
        SpinlockGuard guard(input_lock);
        if (input_count == input_capacity) return;  // no reader keeps up: drop, as a UART would
        input[(input_head + input_count) % input_capacity] = character;
        ++input_count;
    }
    input_waiters.wake_all();
}

bool console_read_char_unless(char& character, bool (*stop)()) {
    bool stopped = false;
    input_waiters.wait_until([&] {
        if (console_try_read_char(character)) return true;
        stopped = stop();
        return stopped;
    });
    return !stopped;
}

char console_read_char() {
    char character = 0;
    input_waiters.wait_until([&] { return console_try_read_char(character); });
    return character;
}

bool console_try_read_char(char& character) {
    SpinlockGuard guard(input_lock);
    if (input_count == 0) return false;
    character = input[input_head];
    input_head = (input_head + 1) % input_capacity;
    --input_count;
    return true;
}

bool console_has_input() {
    SpinlockGuard guard(input_lock);
    return input_count != 0;
}

}  // namespace kernel
