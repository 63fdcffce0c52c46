// What the compiler may call in a freestanding kernel: memory functions (struct copies) and
// the C++ ABI hooks for static objects. In the bare-metal image there is no host libc to
// collide with, so they forward to kstd.
#include <cstddef>

#include "../../kernel/core/panic.h"
#include "../../kernel/lib/string.h"

extern "C" {

void* memcpy(void* destination, const void* source, std::size_t count) { return kstd::memcpy(destination, source, count); }
void* memmove(void* destination, const void* source, std::size_t count) { return kstd::memmove(destination, source, count); }
void* memset(void* destination, int value, std::size_t count) { return kstd::memset(destination, value, count); }
int memcmp(const void* left, const void* right, std::size_t count) { return kstd::memcmp(left, right, count); }

// Kernel globals live until power-off: their destructors never need to run.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;
void __cxa_pure_virtual() { kernel::panic("pure virtual function called"); }

}

// Classes with virtual destructors (inodes, open files) make the compiler emit "deleting
// destructors" that call operator delete. The kernel never uses delete expressions: objects
// are destroyed and freed by kernel::destroy (own_ptr.h). These exist only to link.
void operator delete(void*) noexcept { __builtin_trap(); }
void operator delete(void*, unsigned long) noexcept { __builtin_trap(); }
