// CPUs on x86_64: per-CPU data reached through the GS base, and bring-up of the application
// processors listed in the MADT (INIT-SIPI-SIPI through a real-mode trampoline).
#pragma once

#include <atomic>
#include <cstdint>

#include "user_mode_layout.h"

namespace hal {
class AddressSpace;
}

namespace x86 {

struct UserEntry;  // user_mode.h

// What `%gs:` points at on each CPU. `self` first so that the address of the block can be
// read with one instruction; the offsets are part of the contract with assembly
// (user_mode_layout.h).
struct PerCpu {
    PerCpu* self;
    std::uint32_t index;    // hal::current_cpu()
    std::uint32_t apic_id;
    // User mode (user_mode.h). Written with interrupts disabled by the CPU itself.
    std::uint64_t kernel_stack;  // rsp of the running enter_user: TSS.rsp0 and the syscall stack
    std::uint64_t user_rsp;      // scratch for the syscall entry
    std::uint64_t tss_rsp0;      // the address of this CPU's TSS.rsp0
    UserEntry* user_entry;       // the enter_user in progress on this CPU, or nullptr
    // The address space whose tables are in CR3 (nullptr: the kernel's). Other CPUs read it:
    // destroy_address_space waits until no CPU holds the space it frees.
    std::atomic<hal::AddressSpace*> loaded_space;
};
static_assert(__builtin_offsetof(PerCpu, index) == 8);
static_assert(__builtin_offsetof(PerCpu, kernel_stack) == PER_CPU_KERNEL_STACK);
static_assert(__builtin_offsetof(PerCpu, user_rsp) == PER_CPU_USER_RSP);
static_assert(__builtin_offsetof(PerCpu, tss_rsp0) == PER_CPU_TSS_RSP0);

// The calling CPU's block (interrupts disabled, or the answer may be another CPU's).
inline PerCpu& this_cpu() {
    PerCpu* block;
    asm volatile("movq %%gs:0, %0" : "=r"(block));
    return *block;
}
// CPU `cpu`'s block.
PerCpu& cpu_block(unsigned cpu);

// Points the boot CPU's GS base at its per-CPU block (index 0); first thing at boot, since
// logging asks for the current CPU.
void init_boot_cpu();
// Numbers the CPUs from the MADT, the boot CPU first; needs ACPI and the local APIC.
void plan_cpus();

// The CPUs the kernel will use: the boot CPU plus every enabled MADT entry, capped at
// hal::max_cpus. Fixed once the secondaries have been started.
unsigned planned_cpu_count();
std::uint32_t cpu_apic_id(unsigned cpu);

// Starts the application processors one at a time; each runs kernel_secondary_main.
void start_application_processors();

}  // namespace x86
