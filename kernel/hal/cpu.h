// CPUs: identity, idling, inter-processor interrupts, bring-up.
#pragma once

#include "../lib/types.h"
#include "backend.h"

namespace hal {

// Number of CPUs running or about to run (fixed after boot).
unsigned cpu_count();

// Index of the CPU executing the caller, 0 .. cpu_count()-1. Only meaningful in kernel
// context; a thread may migrate right after the call unless interrupts are disabled.
// Never inlined, so that the compiler does not cache it across a context switch.
unsigned current_cpu();

// Called with interrupts disabled: waits until an interrupt is pending, then returns with
// interrupts enabled after the pending handlers have run (the x86 "sti; hlt" pair, without
// its race). Idle threads use it; the hosted backend sleeps in the host.
void halt_until_interrupt();

// Spin-wait hint (x86 `pause`).
void cpu_relax();

// Interrupts CPU `cpu` so that it runs kernel_ipi() and re-checks its run queue.
void send_ipi(unsigned cpu);

// Starts CPUs 1 .. cpu_count()-1; each enters kernel_secondary_main(cpu).
void start_secondary_cpus();

// What the processor is (/proc/cpuinfo). Every CPU of a machine is alike.
struct CpuDescription {
    char vendor[16] = {};        // "GenuineIntel"
    char model_name[64] = {};    // the brand string
    kernel::u32 family = 0, model = 0, stepping = 0;
    kernel::u64 frequency_khz = 0;  // 0 when unknown
    // What user programs are told in their auxiliary vector (Linux x86-64): AT_HWCAP is
    // CPUID leaf 1 EDX; AT_HWCAP2 has bit 1 (HWCAP2_FSGSBASE) when user code may use the
    // FS/GS base instructions.
    kernel::u64 user_hwcap = 0, user_hwcap2 = 0;
};
void describe_cpu(CpuDescription& description);

}  // namespace hal

// Kernel hook: an IPI arrived on the current CPU (interrupts disabled).
void kernel_ipi();
