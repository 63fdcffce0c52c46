// hal::Context on x86_64: stacks switched by newt_switch_stacks (x86_64/context_switch.S).
#include <cstdint>

#include "../../kernel/hal/context.h"
#include "../../arch/x86_64/initial_frame.h"
#include "../x86_64/address_space.h"

extern "C" [[noreturn]] void newt_context_start(hal::ThreadEntry entry, void* argument);

extern "C" void newt_context_start(hal::ThreadEntry entry, void* argument) {
    entry(argument);
    __builtin_trap();  // entries never return
}

namespace hal {

void context_init(Context& context, void* stack_base, kernel::usize stack_size, ThreadEntry entry, void* argument) {
    context.stack_pointer = arch::build_initial_frame(stack_base, stack_size, reinterpret_cast<void*>(entry), argument);
}

void context_adopt_current(Context&) {}  // nothing to describe: only the stack pointer matters

void switch_context(Context& from, Context& to) {
    // The CR3 rule (x86_64/address_space.h): a user space's tables stay on a CPU only while
    // the thread that entered it runs.
    x86::leave_user_address_space();
    newt_switch_stacks(&from.stack_pointer, to.stack_pointer);
}

void context_destroy(Context& context) { context = Context(); }

}  // namespace hal
