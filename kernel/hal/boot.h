// Boot information: what the backend found, handed to the portable kernel once.
#pragma once

#include "../lib/types.h"

namespace hal {

enum class MemoryType : kernel::u32 {
    usable = 1,      // free RAM the frame allocator may hand out
    reserved = 2,    // never touched by the kernel
    kernel = 3,      // kernel image (bare metal) - not free
    initrd = 4,      // boot module, free after it has been unpacked
};

struct MemoryRange {
    kernel::PhysAddr base;
    kernel::u64 length;
    MemoryType type;
};

struct BootInfo {
    static constexpr kernel::usize max_memory_ranges = 64;

    const char* command_line = "";       // Linux-style "key=value ..." words
    MemoryRange memory_map[max_memory_ranges] {};
    kernel::usize memory_range_count = 0;
    kernel::PhysAddr initrd_base = 0;    // 0 when there is no initrd
    kernel::u64 initrd_size = 0;
    unsigned cpu_count = 1;              // CPUs the backend can start (boot CPU included)
    kernel::u8 rtc_century_register = 0; // CMOS register with the RTC's century (ACPI FADT), 0: none
};

}  // namespace hal

// Entry points the portable kernel provides and the backend calls.
//
// kernel_main runs on the boot CPU (cpu 0) with interrupts disabled, on a stack the backend
// owns; it becomes that CPU's idle thread and never returns.
// kernel_secondary_main runs on every other CPU after hal::start_secondary_cpus(), also with
// interrupts disabled and a backend stack, and never returns.
[[noreturn]] void kernel_main(const hal::BootInfo& boot_info);
[[noreturn]] void kernel_secondary_main(unsigned cpu);
