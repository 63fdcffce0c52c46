// Memory and string functions of the kernel. They live in kstd so they never collide with
// the host libc in the hosted build.
#pragma once

#include <cstddef>

namespace kstd {

void* memcpy(void* destination, const void* source, std::size_t count);
void* memmove(void* destination, const void* source, std::size_t count);
void* memset(void* destination, int value, std::size_t count);
int memcmp(const void* left, const void* right, std::size_t count);
std::size_t strlen(const char* text);
std::size_t strnlen(const char* text, std::size_t max_length);
int strcmp(const char* left, const char* right);
int strncmp(const char* left, const char* right, std::size_t count);
char* strchr(const char* text, int character);
// Copies at most size-1 characters and always terminates (when size > 0); returns strlen(source).
std::size_t strlcpy(char* destination, const char* source, std::size_t size);

// Zeroes `count` bytes in a way the compiler may not drop as a dead store, for erasing
// secrets (keys, random output) from memory that is about to go out of scope.
void memzero_explicit(void* destination, std::size_t count);

}  // namespace kstd
