// The x86_64 backend's part of the HAL contract: constants and the saved-context type.
// Included by kernel/hal/backend.h; nothing in kernel/ includes it by name.
#pragma once

#include <cstddef>

namespace hal {

namespace backend {

struct Traits {
    static constexpr unsigned max_cpus = 64;
    static constexpr std::size_t kernel_stack_size = 32 * 1024;
    static constexpr const char* name = "x86_64";
    // User addresses: Linux's default mmap_min_addr up to its TASK_SIZE (47-bit, minus the
    // guard page below the canonical hole).
    static constexpr unsigned long user_space_start = 0x10000;
    static constexpr unsigned long user_space_end = 0x7ffffffff000;
    // The XSAVE area for the components the kernel enables in XCR0 (at most AVX-512).
    static constexpr std::size_t fpu_state_size = 4096;
};

}  // namespace backend

// A kernel execution context: the saved stack pointer; the callee-saved registers are on
// that stack (pushed by newt_switch_stacks).
struct Context {
    void* stack_pointer = nullptr;
};

}  // namespace hal
