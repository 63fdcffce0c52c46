// The hosted backend's part of the HAL contract: constants and the saved-context type.
// Included by kernel/hal/backend.h; nothing in kernel/ includes it by name.
#pragma once

#include <cstddef>

namespace hal {

namespace backend {

struct Traits {
    static constexpr unsigned max_cpus = 64;
    // Kernel code runs signal handlers (preemption) on thread stacks, and sanitizers make
    // frames larger.
#if defined(NEWT_ASAN) || defined(NEWT_TSAN)
    static constexpr std::size_t kernel_stack_size = 256 * 1024;
#else
    static constexpr std::size_t kernel_stack_size = 64 * 1024;
#endif
    static constexpr const char* name = "hosted";
    // User addresses: Linux's default mmap_min_addr up to the range reserved for the stub
    // that runs user code (docs/hal.md).
    static constexpr unsigned long user_space_start = 0x10000;
    static constexpr unsigned long user_space_end = 0x7f0000000000;
    // Room for the host CPU's XSAVE area as signal frames carry it (AVX-512: about 2.7 KiB).
    static constexpr std::size_t fpu_state_size = 4096;
};

}  // namespace backend

// A kernel execution context: the saved stack pointer (callee-saved registers are on that
// stack) plus what the sanitizers need to follow a stack switch.
struct Context {
    void* stack_pointer = nullptr;
    void* stack_bottom = nullptr;     // lowest address of the stack (for ASan)
    std::size_t stack_size = 0;
    void* asan_fake_stack = nullptr;  // ASan's per-fiber fake stack, saved across a switch
    void* tsan_fiber = nullptr;       // TSan's fiber handle
    bool owns_tsan_fiber = false;
};

}  // namespace hal
