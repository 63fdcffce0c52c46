// hal::AddressSpace on x86_64: a PML4 whose lower half holds one process's user mappings
// and whose upper half is a copy of the kernel's PML4 entries (paging.h), which are all
// created at boot and never change, so every space shares the same kernel tables.
//
// The CR3 rule: a CPU holds a user space's tables in CR3 only while the thread that entered
// it is running (in user mode, or in the kernel after a trap). enter_user loads them;
// switch_context loads the kernel's tables whenever the CPU switches threads; and
// destroy_address_space loads the kernel's tables first when the caller's own CPU still holds
// the space (a process exiting on its own thread), and panics if another CPU does (a caller
// broke the contract). So no CPU ever runs on the tables of a destroyed space, and each
// CR3 load flushes the previous space's (non-global) TLB entries.
#pragma once

#include <cstdint>

#include "../../kernel/hal/mmu.h"

namespace hal {

class AddressSpace {
public:
    std::uint64_t root = 0;  // physical address of the PML4
};

}  // namespace hal

namespace x86 {

// Loads `space`'s tables on the calling CPU unless they are there already. Interrupts off.
void activate_address_space(hal::AddressSpace& space);
// Loads the kernel's tables if the calling CPU holds a user space's. Interrupts off.
void leave_user_address_space();
// Whether user address `va` has a mapping in `space`, present or prot_none (page faults
// report prot_none pages as present: a mapping is there).
bool has_user_mapping(const hal::AddressSpace& space, std::uint64_t va);

}  // namespace x86
