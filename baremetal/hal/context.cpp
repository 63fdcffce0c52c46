// hal::Context on x86_64: stacks switched by newt_switch_stacks (x86_64/context_switch.S).
#include <cstdint>

#include "../../kernel/hal/context.h"

extern "C" {
void newt_switch_stacks(void** save_stack_pointer, void* load_stack_pointer);
void newt_context_trampoline();
[[noreturn]] void newt_context_start(hal::ThreadEntry entry, void* argument);
}

extern "C" void newt_context_start(hal::ThreadEntry entry, void* argument) {
    entry(argument);
    __builtin_trap();  // entries never return
}

namespace hal {

void context_init(Context& context, void* stack_base, kernel::usize stack_size, ThreadEntry entry, void* argument) {
    auto top = (reinterpret_cast<std::uintptr_t>(stack_base) + stack_size) & ~std::uintptr_t(15);
    auto* slot = reinterpret_cast<std::uintptr_t*>(top);
    *--slot = reinterpret_cast<std::uintptr_t>(newt_context_trampoline);  // popped by `ret`
    *--slot = 0;                                                        // rbp
    *--slot = 0;                                                        // rbx
    *--slot = reinterpret_cast<std::uintptr_t>(entry);                  // r12
    *--slot = reinterpret_cast<std::uintptr_t>(argument);               // r13
    *--slot = 0;                                                        // r14
    *--slot = 0;                                                        // r15
    context.stack_pointer = slot;
}

void context_adopt_current(Context&) {}  // nothing to describe: only the stack pointer matters

void switch_context(Context& from, Context& to) { newt_switch_stacks(&from.stack_pointer, to.stack_pointer); }

void context_destroy(Context& context) { context = Context(); }

}  // namespace hal
