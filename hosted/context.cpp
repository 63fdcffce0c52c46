// hal::Context for the hosted backend: stacks switched by newt_switch_stacks, with the
// ASan and TSan fiber annotations so both sanitizers follow every switch.
#include <pthread.h>

#include <cstdint>

#include "../kernel/hal/context.h"
#include "../arch/x86_64/initial_frame.h"
#include "sanitizer_fibers.h"
#include "host_cpu.h"

extern "C" [[noreturn]] void newt_context_start(hal::ThreadEntry entry, void* argument);

extern "C" void newt_context_start(hal::ThreadEntry entry, void* argument) {
#if defined(NEWT_ASAN)
    __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
    entry(argument);
    __builtin_trap();  // entries never return
}

namespace hal {

void context_init(Context& context, void* stack_base, kernel::usize stack_size, ThreadEntry entry, void* argument) {
    context.stack_pointer = arch::build_initial_frame(stack_base, stack_size, reinterpret_cast<void*>(entry), argument);
    context.stack_bottom = stack_base;
    context.stack_size = stack_size;
#if defined(NEWT_TSAN)
    context.tsan_fiber = __tsan_create_fiber(0);
    context.owns_tsan_fiber = true;
#endif
}

void switch_context(Context& from, Context& to) {
#if defined(NEWT_ASAN)
    __sanitizer_start_switch_fiber(&from.asan_fake_stack, to.stack_bottom, to.stack_size);
#endif
#if defined(NEWT_TSAN)
    __tsan_switch_to_fiber(to.tsan_fiber, 0);
#endif
    newt_switch_stacks(&from.stack_pointer, to.stack_pointer);
#if defined(NEWT_ASAN)
    __sanitizer_finish_switch_fiber(from.asan_fake_stack, nullptr, nullptr);
#endif
}

void context_adopt_current(Context& context) {
    // Kernel code runs first on the CPU's boot context, whose stack and fiber the backend made.
    const Context& boot = hosted::this_host_cpu()->boot_context;
    context.stack_bottom = boot.stack_bottom;
    context.stack_size = boot.stack_size;
    context.tsan_fiber = boot.tsan_fiber;
    context.owns_tsan_fiber = false;
}

void context_destroy(Context& context) {
#if defined(NEWT_TSAN)
    if (context.owns_tsan_fiber) __tsan_destroy_fiber(context.tsan_fiber);
#endif
    context = Context();
}

}  // namespace hal

namespace hosted {

void capture_host_context(hal::Context& context) {
    pthread_attr_t attributes;
    pthread_getattr_np(pthread_self(), &attributes);
    void* bottom = nullptr;
    size_t size = 0;
    pthread_attr_getstack(&attributes, &bottom, &size);
    pthread_attr_destroy(&attributes);
    context.stack_bottom = bottom;
    context.stack_size = size;
#if defined(NEWT_TSAN)
    context.tsan_fiber = __tsan_get_current_fiber();
    context.owns_tsan_fiber = false;
#endif
}

}  // namespace hosted
