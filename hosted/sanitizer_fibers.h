// Declarations of the ASan/TSan fiber interfaces (from <sanitizer/common_interface_defs.h>
// and <sanitizer/tsan_interface.h>), used only when the matching sanitizer is on.
#pragma once

#include <cstddef>

extern "C" {
#if defined(NEWT_ASAN)
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, size_t size);
void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old, size_t* size_old);
#endif
#if defined(NEWT_TSAN)
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
#endif
}
