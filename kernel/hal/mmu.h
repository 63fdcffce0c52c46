// Address spaces for user mode: DECLARED ONLY. Processes arrive in step 4, and with them the
// backends' definitions; nothing calls these yet.
//
// The portable kernel owns the VMAs (kernel/mm) and decides what is mapped; a backend only
// applies it: page tables on bare metal, mmap of the physical-memory memfd into a stub host
// process in hosted mode.
#pragma once

#include "../lib/result.h"
#include "../lib/types.h"

namespace hal {

enum Protection : kernel::u32 { prot_none = 0, prot_read = 1, prot_write = 2, prot_exec = 4 };

// A backend's hardware address space (page tables, or a stub process's mappings).
class AddressSpace;

kernel::Result<AddressSpace*> create_address_space();
void destroy_address_space(AddressSpace* space);

// Maps one page at user address `va` to frame `pa` with `protection` (Protection bits).
kernel::Result<void> map(AddressSpace& space, kernel::uptr va, kernel::PhysAddr pa, kernel::u32 protection);
// Removes every mapping in [va, va + length).
void unmap(AddressSpace& space, kernel::uptr va, kernel::usize length);
// Changes the protection of the mapped pages in [va, va + length).
void protect(AddressSpace& space, kernel::uptr va, kernel::usize length, kernel::u32 protection);
// The frame mapped at `va` (EFAULT when none).
kernel::Result<kernel::PhysAddr> translate(const AddressSpace& space, kernel::uptr va);
// Makes `space` the current CPU's user address space.
void activate(AddressSpace& space);

}  // namespace hal
