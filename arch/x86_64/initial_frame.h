// Shared by both x86_64 backends (hosted and bare metal): the stack a fresh context starts
// from, laid out for newt_switch_stacks in context_switch.S to "return" into
// newt_context_trampoline, which calls newt_context_start(entry, argument).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" void newt_switch_stacks(void** save_stack_pointer, void* load_stack_pointer);
extern "C" void newt_context_trampoline();

namespace arch {

// Returns the stack pointer to store in the new context.
inline void* build_initial_frame(void* stack_base, std::size_t stack_size, void* entry, void* argument) {
    auto top = (reinterpret_cast<std::uintptr_t>(stack_base) + stack_size) & ~std::uintptr_t(15);
    auto* slot = reinterpret_cast<std::uintptr_t*>(top);
    *--slot = reinterpret_cast<std::uintptr_t>(newt_context_trampoline);  // popped by `ret`
    *--slot = 0;                                                        // rbp
    *--slot = 0;                                                        // rbx
    *--slot = reinterpret_cast<std::uintptr_t>(entry);                  // r12
    *--slot = reinterpret_cast<std::uintptr_t>(argument);               // r13
    *--slot = 0;                                                        // r14
    *--slot = 0;                                                        // r15
    return slot;
}

}  // namespace arch
