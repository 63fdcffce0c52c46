// hal::AddressSpace on x86_64: a PML4 whose lower half holds one process's user mappings
// and whose upper half is a copy of the kernel's PML4 entries (paging.h), which are all
// created at boot and never change, so every space shares the same kernel tables.
//
// The CR3 rule: a CPU holds a user space's tables in CR3 only while the thread that entered
// it is running (in user mode, or in the kernel after a trap). enter_user loads them;
// switch_context loads the kernel's tables whenever the CPU switches threads; and
// destroy_address_space makes every CPU that still holds the space let go before it frees
// anything: its own CPU at once (a process exiting on its own thread), any other by an IPI
// and a wait (a thread that has exited but not yet switched away). So no CPU ever runs on the
// tables of a destroyed space, and each CR3 load flushes the previous space's (non-global)
// TLB entries.
#pragma once

#include <atomic>
#include <cstdint>

#include "../../kernel/hal/mmu.h"

namespace hal {

class AddressSpace {
public:
    std::uint64_t root = 0;  // physical address of the PML4
    // Set by destroy_address_space: CPUs drop the space at the next IPI, none may load it.
    std::atomic<bool> dying {false};
};

}  // namespace hal

namespace x86 {

// Loads `space`'s tables on the calling CPU unless they are there already (panics on a
// space being destroyed). Interrupts off.
void activate_address_space(hal::AddressSpace& space);
// Loads the kernel's tables if the calling CPU holds a user space's. Interrupts off.
void leave_user_address_space();
// From the IPI handler: lets go of the calling CPU's space if it is being destroyed.
void leave_dying_address_space();
// Whether user address `va` has a mapping in `space`, present or prot_none (page faults
// report prot_none pages as present: a mapping is there).
bool has_user_mapping(const hal::AddressSpace& space, std::uint64_t va);

}  // namespace x86
