# NEWT_SANITIZER selects ASan+UBSan ("address") or TSan ("thread") for everything in the
# hosted build. The kernel code knows through NEWT_ASAN / NEWT_TSAN and annotates its own
# allocators and context switches.
#
# UBSan's vptr check is off: it needs the type_info of every polymorphic class a call goes
# through, and the kernel is built without RTTI, so a test (built with RTTI) that calls a
# virtual kernel method (OpenFile::read, Inode::lookup...) would not link.
if(NEWT_SANITIZER STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(NEWT_ASAN=1)
elseif(NEWT_SANITIZER STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  add_compile_definitions(NEWT_TSAN=1)
elseif(NOT NEWT_SANITIZER STREQUAL "")
  message(FATAL_ERROR "Unknown NEWT_SANITIZER '${NEWT_SANITIZER}'")
endif()
