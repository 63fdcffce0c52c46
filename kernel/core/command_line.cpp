#include "command_line.h"

#include "../lib/string.h"

namespace kernel {
namespace {

char text_storage[1024];

}  // namespace

void set_command_line(const char* text) { kstd::strlcpy(text_storage, text ? text : "", sizeof text_storage); }

const char* command_line() { return text_storage; }

// Where the kernel's own words end: at a " -- " word, after which everything is init's.
const char* end_of_kernel_words() {
    for (const char* word = text_storage; *word;) {
        while (*word == ' ') ++word;
        const char* end = word;
        while (*end && *end != ' ') ++end;
        if (end - word == 2 && word[0] == '-' && word[1] == '-') return word;
        word = end;
    }
    return text_storage + kstd::strlen(text_storage);
}

const char* command_line_init_arguments() {
    const char* separator = end_of_kernel_words();
    if (!*separator) return nullptr;
    separator += 2;
    while (*separator == ' ') ++separator;
    return separator;
}

bool command_line_value(const char* key, char* value, usize size) {
    usize key_length = kstd::strlen(key);
    const char* limit = end_of_kernel_words();
    for (const char* word = text_storage; word < limit && *word;) {
        while (*word == ' ') ++word;
        if (word >= limit) break;
        const char* end = word;
        while (*end && *end != ' ') ++end;
        if (static_cast<usize>(end - word) >= key_length && kstd::strncmp(word, key, key_length) == 0 &&
            (word + key_length == end || word[key_length] == '=')) {
            const char* start = word + key_length + (word + key_length == end ? 0 : 1);
            usize length = static_cast<usize>(end - start);
            if (size) {
                if (length >= size) length = size - 1;
                kstd::memcpy(value, start, length);
                value[length] = '\0';
            }
            return true;
        }
        word = end;
    }
    return false;
}

long command_line_int(const char* key, long fallback) {
    char value[32];
    if (!command_line_value(key, value, sizeof value) || !value[0]) return fallback;
    bool negative = value[0] == '-';
    const char* digits = value + (negative ? 1 : 0);
    if (!*digits) return fallback;
    // Accumulate negatively: the range of long is one larger on that side.
    long result = 0;
    constexpr long limit = -0x7fffffffffffffffL - 1;
    for (const char* c = digits; *c; ++c) {
        if (*c < '0' || *c > '9') return fallback;
        int digit = *c - '0';
        if (result < (limit + digit) / 10) return fallback;  // result * 10 - digit < limit
        result = result * 10 - digit;
    }
    if (!negative && result == limit) return fallback;
    return negative ? result : -result;
}

}  // namespace kernel
