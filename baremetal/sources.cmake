# Sources of the bare-metal image beyond the boot code: the portable kernel, devices/, and
# the x86_64 HAL. Included by baremetal/CMakeLists.txt with NEWT_ROOT set.
include(${NEWT_ROOT}/kernel/sources.cmake)
list(TRANSFORM NEWT_KERNEL_SOURCES PREPEND ${NEWT_ROOT}/kernel/)
list(APPEND NEWT_BAREMETAL_SOURCES
  ${NEWT_KERNEL_SOURCES}
  ${NEWT_ROOT}/devices/cmos_rtc.cpp
  ${NEWT_ROOT}/devices/i8042.cpp
  ${NEWT_ROOT}/devices/pci.cpp
  ${NEWT_ROOT}/devices/uart16550.cpp
  ${NEWT_ROOT}/devices/vga_text.cpp
  ${NEWT_ROOT}/baremetal/hal/context.cpp
  ${NEWT_ROOT}/baremetal/hal/cpu.cpp
  ${NEWT_ROOT}/baremetal/hal/debug.cpp
  ${NEWT_ROOT}/baremetal/hal/entropy.cpp
  ${NEWT_ROOT}/baremetal/hal/io.cpp
  ${NEWT_ROOT}/baremetal/hal/mmu.cpp
  ${NEWT_ROOT}/baremetal/hal/physmem.cpp
  ${NEWT_ROOT}/baremetal/hal/runtime.cpp
  ${NEWT_ROOT}/baremetal/hal/usermode.cpp
  ${NEWT_ROOT}/baremetal/x86_64/acpi.cpp
  ${NEWT_ROOT}/baremetal/x86_64/apic.cpp
  ${NEWT_ROOT}/baremetal/x86_64/boot_info.cpp
  ${NEWT_ROOT}/baremetal/x86_64/fpu.cpp
  ${NEWT_ROOT}/arch/x86_64/context_switch.S
  ${NEWT_ROOT}/arch/x86_64/cpu_exception.cpp
  ${NEWT_ROOT}/baremetal/x86_64/gdt.cpp
  ${NEWT_ROOT}/baremetal/x86_64/interrupt_stubs.S
  ${NEWT_ROOT}/baremetal/x86_64/interrupts.cpp
  ${NEWT_ROOT}/baremetal/x86_64/main.cpp
  ${NEWT_ROOT}/baremetal/x86_64/paging.cpp
  ${NEWT_ROOT}/baremetal/x86_64/smp.cpp
  ${NEWT_ROOT}/baremetal/x86_64/user_entry.S
  ${NEWT_ROOT}/baremetal/x86_64/user_mode.cpp
  ${NEWT_ROOT}/baremetal/x86_64/ap_trampoline.S
)
# The real entry replaces the boot skeleton's stub.
list(FILTER NEWT_BAREMETAL_SOURCES EXCLUDE REGEX "entry_stub\\.cpp$")
include_directories(${NEWT_ROOT}/baremetal/include)
# kstd's loops must stay loops: memcpy here forwards to kstd::memcpy.
set_source_files_properties(${NEWT_ROOT}/kernel/lib/string.cpp PROPERTIES COMPILE_OPTIONS "-fno-tree-loop-distribute-patterns")
