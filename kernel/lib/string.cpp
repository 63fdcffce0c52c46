#include "string.h"

#include <cstdint>

namespace kstd {

void* memcpy(void* destination, const void* source, std::size_t count) {
    auto* d = static_cast<unsigned char*>(destination);
    auto* s = static_cast<const unsigned char*>(source);
    // Word copies when both are aligned alike. The compiler must not turn these loops into
    // calls to the C library's memcpy (kernel/CMakeLists.txt builds this file so).
    if (((reinterpret_cast<std::uintptr_t>(d) ^ reinterpret_cast<std::uintptr_t>(s)) & 7) == 0) {
        while (count && (reinterpret_cast<std::uintptr_t>(d) & 7)) {
            *d++ = *s++;
            --count;
        }
        for (; count >= 8; count -= 8, d += 8, s += 8)
            *reinterpret_cast<std::uint64_t*>(d) = *reinterpret_cast<const std::uint64_t*>(s);
    }
    while (count--) *d++ = *s++;
    return destination;
}

void* memmove(void* destination, const void* source, std::size_t count) {
    auto* d = static_cast<unsigned char*>(destination);
    auto* s = static_cast<const unsigned char*>(source);
    if (d == s || count == 0) return destination;
    if (d < s || d >= s + count) return memcpy(destination, source, count);
    while (count--) d[count] = s[count];
    return destination;
}

void* memset(void* destination, int value, std::size_t count) {
    auto* d = static_cast<unsigned char*>(destination);
    auto byte = static_cast<unsigned char>(value);
    while (count && (reinterpret_cast<std::uintptr_t>(d) & 7)) {
        *d++ = byte;
        --count;
    }
    std::uint64_t word = 0x0101010101010101ULL * byte;
    for (; count >= 8; count -= 8, d += 8) *reinterpret_cast<std::uint64_t*>(d) = word;
    while (count--) *d++ = byte;
    return destination;
}

int memcmp(const void* left, const void* right, std::size_t count) {
    auto* l = static_cast<const unsigned char*>(left);
    auto* r = static_cast<const unsigned char*>(right);
    for (std::size_t i = 0; i < count; ++i)
        if (l[i] != r[i]) return l[i] < r[i] ? -1 : 1;
    return 0;
}

std::size_t strlen(const char* text) {
    std::size_t length = 0;
    while (text[length]) ++length;
    return length;
}

std::size_t strnlen(const char* text, std::size_t max_length) {
    std::size_t length = 0;
    while (length < max_length && text[length]) ++length;
    return length;
}

int strcmp(const char* left, const char* right) {
    while (*left && *left == *right) ++left, ++right;
    return static_cast<unsigned char>(*left) - static_cast<unsigned char>(*right);
}

int strncmp(const char* left, const char* right, std::size_t count) {
    for (; count; --count, ++left, ++right) {
        if (*left != *right) return static_cast<unsigned char>(*left) - static_cast<unsigned char>(*right);
        if (!*left) return 0;
    }
    return 0;
}

char* strchr(const char* text, int character) {
    for (;; ++text) {
        if (*text == static_cast<char>(character)) return const_cast<char*>(text);
        if (!*text) return nullptr;
    }
}

std::size_t strlcpy(char* destination, const char* source, std::size_t size) {
    std::size_t length = strlen(source);
    if (size) {
        std::size_t copy = length < size - 1 ? length : size - 1;
        memcpy(destination, source, copy);
        destination[copy] = '\0';
    }
    return length;
}

void memzero_explicit(void* destination, std::size_t count) {
    memset(destination, 0, count);
    // The compiler must assume the asm reads the zeroed memory, so the stores stay.
    asm volatile("" : : "r"(destination) : "memory");
}

}  // namespace kstd
