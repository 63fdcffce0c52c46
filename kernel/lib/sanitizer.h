// Hooks into AddressSanitizer's manual poisoning, declared here so the kernel needs no host
// header. Without ASan they compile to nothing.
#pragma once

#include <cstddef>

#if defined(NEWT_ASAN)
extern "C" void __asan_poison_memory_region(void const volatile* address, std::size_t size);
extern "C" void __asan_unpoison_memory_region(void const volatile* address, std::size_t size);
extern "C" int __asan_address_is_poisoned(void const volatile* address);
#endif

namespace kernel {

#if defined(NEWT_ASAN)
inline constexpr bool asan_enabled = true;
inline void asan_poison(const void* address, std::size_t size) { __asan_poison_memory_region(address, size); }
inline void asan_unpoison(const void* address, std::size_t size) { __asan_unpoison_memory_region(address, size); }
inline bool asan_is_poisoned(const void* address) { return __asan_address_is_poisoned(address); }
#else
inline constexpr bool asan_enabled = false;
inline void asan_poison(const void*, std::size_t) {}
inline void asan_unpoison(const void*, std::size_t) {}
inline bool asan_is_poisoned(const void*) { return false; }
#endif

}  // namespace kernel
