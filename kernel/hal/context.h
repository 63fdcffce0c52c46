// Kernel execution contexts and the context switch.
#pragma once

#include "../lib/types.h"
#include "backend.h"

namespace hal {

using ThreadEntry = void (*)(void* argument);

// Prepares `context` so that the first switch_context() into it runs entry(argument) on the
// stack [stack_base, stack_base + stack_size). entry must never return.
void context_init(Context& context, void* stack_base, kernel::usize stack_size, ThreadEntry entry,
                  void* argument);

// Describes, in `context`, the backend-made context the caller runs on (the boot stack that
// kernel_main / kernel_secondary_main were entered on), so that the kernel can switch away
// from it and back. The stack stays the backend's.
void context_adopt_current(Context& context);

// Saves the current execution state into `from` and resumes `to`. Returns when some CPU
// switches back to `from`. Called with interrupts disabled; they stay disabled.
void switch_context(Context& from, Context& to);

// Releases backend resources of a context that will never run again (sanitizer fibers).
// Called by another thread after the owner has switched away for the last time.
void context_destroy(Context& context);

}  // namespace hal
