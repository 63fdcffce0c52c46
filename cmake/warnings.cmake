# Every target of ours builds with -Wall -Wextra -Werror.
add_library(newt_warnings INTERFACE)
target_compile_options(newt_warnings INTERFACE -Wall -Wextra -Werror)

# Flags the portable kernel and devices/ are built with in the hosted build: no exceptions,
# no RTTI, frame pointers kept for panic backtraces.
add_library(newt_kernel_flags INTERFACE)
target_compile_options(newt_kernel_flags INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics>
  -fno-omit-frame-pointer -fno-strict-aliasing)
target_link_libraries(newt_kernel_flags INTERFACE newt_warnings)
