# The portable kernel's sources, relative to kernel/. Shared by the hosted build (kernel/CMakeLists.txt)
# and the bare-metal image (baremetal/sources.cmake).
set(NEWT_KERNEL_SOURCES
  hal/contract_check.cpp
  lib/errno.cpp
  lib/format.cpp
  lib/log_ring.cpp
  lib/string.cpp
  mm/buddy.cpp
  mm/frame_allocator.cpp
  mm/kmalloc.cpp
  core/boot.cpp
  core/command_line.cpp
  core/demo.cpp
  core/klog.cpp
  core/monitor.cpp
  core/mutex.cpp
  core/panic.cpp
  core/scheduler.cpp
  core/timer_queue.cpp
  core/wait_queue.cpp
  tty/console.cpp
  drivers/keyboard.cpp
  drivers/scancode_decoder.cpp
  drivers/serial_console.cpp
  drivers/vga_console.cpp
)
