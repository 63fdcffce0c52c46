// printf-style formatting into a buffer: %d %i %u %x %X %o %p %s %c %%, length modifiers
// hh h l ll z t j, flags '-' '0' '+' ' ' '#', field width and precision (also '*').
// Output is always terminated and truncated to the buffer; the return value is the length
// the full output would have had (like snprintf).
#pragma once

#include <cstddef>

namespace kstd {

using va_list = __builtin_va_list;

std::size_t vformat(char* buffer, std::size_t size, const char* format, va_list arguments);
[[gnu::format(printf, 3, 4)]] std::size_t format(char* buffer, std::size_t size, const char* format, ...);

}  // namespace kstd
