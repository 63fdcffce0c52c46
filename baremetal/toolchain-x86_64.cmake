# Toolchain for the bare-metal x86_64 kernel (baremetal/CMakeLists.txt, built as an
# ExternalProject of the top-level project so that flags of the hosted build, sanitizers in
# particular, never reach kernel objects). The host's GCC builds freestanding code: no libc,
# no PIE, the kernel code model (higher half), no red zone (interrupts push onto the kernel
# stack), no SSE/x87 (no FPU state is saved for kernel code), no stack protector, no C++
# runtime (exceptions, RTTI, thread-safe static guards).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

if(NOT CMAKE_C_COMPILER)
  set(CMAKE_C_COMPILER gcc)
endif()
if(NOT CMAKE_CXX_COMPILER)
  set(CMAKE_CXX_COMPILER g++)
endif()
if(NOT CMAKE_ASM_COMPILER)
  set(CMAKE_ASM_COMPILER gcc)
endif()

# Nothing links without the linker script, so configure checks compile static libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -fno-strict-aliasing matches the flags the same kernel code gets in the hosted build
# (cmake/warnings.cmake: newt_kernel_flags).
set(NEWT_BAREMETAL_MACHINE_FLAGS
  "-ffreestanding -fno-pie -fno-pic -mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing")

set(CMAKE_C_FLAGS_INIT "${NEWT_BAREMETAL_MACHINE_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT
  "${NEWT_BAREMETAL_MACHINE_FLAGS} -fno-exceptions -fno-rtti -fno-threadsafe-statics")
set(CMAKE_ASM_FLAGS_INIT "-fno-pie -fno-pic")

# No crt files, no libc, no libgcc (it is built with the red zone and the small code model;
# the kernel provides the few helpers GCC may call: memcpy, memset, memmove, memcmp).
set(CMAKE_EXE_LINKER_FLAGS_INIT
  "-nostdlib -static -no-pie -z max-page-size=0x1000 -Wl,--build-id=none")
