// The FPU/SSE/AVX state of user threads. Kernel code never touches these registers (it is
// built -mgeneral-regs-only), so they hold the user state of whichever thread last entered
// user mode on the CPU; enter_user restores a thread's state before it leaves for ring 3
// and every trap saves it again (eager switching).
//
// The area is the XSAVE standard format (kernel/hal/usermode.h): legacy FXSAVE region,
// header, extended components at their CPUID leaf 0xD offsets. Without XSAVE the CPU saves
// only the legacy region (FXSAVE) and the rest of the area is unused.
#pragma once

#include <cstddef>
#include <cstdint>

namespace x86 {

// Turns the FPU on for user code on the calling CPU: CR0 (MP, NE; no EM, TS), CR4.OSFXSR,
// OSXMMEXCPT and, when the CPU has XSAVE, CR4.OSXSAVE and XCR0 = x87 | SSE, plus AVX and
// AVX-512 when the CPU has them and their state fits hal::fpu_state_size. The boot CPU
// decides (`boot_cpu`); the others enable the same components.
void init_fpu(bool boot_cpu);

// XCR0 as enabled (x87 | SSE only without XSAVE).
std::uint64_t fpu_enabled_components();
// Whether state is saved with XSAVE (else FXSAVE).
bool fpu_uses_xsave();
// Bytes of the area the CPU writes for the enabled components.
std::size_t fpu_state_bytes();

// Saves the CPU's FPU registers into `area` (64-byte aligned, hal::fpu_state_size bytes).
void fpu_save(void* area);
// Makes `area` loadable without a fault (MXCSR's reserved bits cleared; the XSAVE header's
// XSTATE_BV limited to the enabled components, x87 and SSE always taken from the legacy
// region, XCOMP_BV and the reserved header bytes zero) and loads it into the registers.
void fpu_restore(void* area);
// The state a fresh program starts with: FCW 0x37f, MXCSR 0x1f80, everything else initial.
void fpu_reset(void* area);

}  // namespace x86
