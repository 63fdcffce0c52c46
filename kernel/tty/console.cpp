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

// Writes text with "\n" expanded to "\r\n", in chunks.
void write_translated(const char* text, usize length) {
    char chunk[256];
    usize used = 0;
    for (usize i = 0; i < length; ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) chunk[used++] = '\r';
        chunk[used++] = text[i];
        if (used >= sizeof chunk - 2) {
            emit(chunk, used);
            used = 0;
        }
    }
    if (used) emit(chunk, used);
}

}  // namespace

void register_console_output(ConsoleOutput output, void* context) {
    SpinlockGuard guard(console_lock);
    if (sink_count < max_sinks) sinks[sink_count++] = {output, context};
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

char console_read_char() {
    char character = 0;
    input_waiters.wait_until([&] {
        SpinlockGuard guard(input_lock);
        if (input_count == 0) return false;
        character = input[input_head];
        input_head = (input_head + 1) % input_capacity;
        --input_count;
        return true;
    });
    return character;
}

}  // namespace kernel
