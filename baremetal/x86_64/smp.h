// CPUs on x86_64: per-CPU data reached through the GS base, and bring-up of the application
// processors listed in the MADT (INIT-SIPI-SIPI through a real-mode trampoline).
#pragma once

#include <cstdint>

namespace x86 {

// What `%gs:` points at on each CPU. `self` first so that the address of the block can be
// read with one instruction; the offsets are part of the contract with assembly.
struct PerCpu {
    PerCpu* self;
    std::uint32_t index;    // hal::current_cpu()
    std::uint32_t apic_id;
};
static_assert(__builtin_offsetof(PerCpu, index) == 8);

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
