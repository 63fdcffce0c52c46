// User address spaces: the backend's half. The portable kernel (kernel/mm) owns the VMAs and
// every decision about what is mapped; a backend only applies the page mappings it is told
// about and answers questions about them: hardware page tables on bare metal, the mappings
// of a stub host process in hosted mode (see docs/hal.md).
//
// Rules every backend keeps:
// - User addresses are in [user_space_start, user_space_end) (backend Traits); map() refuses
//   anything else with EINVAL, so no user mapping can reach the kernel or the hosted stub.
// - Each mapping is one 4 KiB page of one frame. The backend never frees or references the
//   frames it maps; the kernel keeps them alive while mapped (frame reference counts).
// - Changes made while no thread runs the space in user mode take effect before the next
//   enter_user() on it. Until threads arrive (step 7) the kernel changes a space only from
//   its own (single) thread or while that thread is stopped, so no remote TLB shootdown is
//   needed yet.
// - Page-table memory is the backend's: it allocates and frees it itself (ENOMEM fails map).
#pragma once

#include "../lib/function_ref.h"
#include "../lib/result.h"
#include "../lib/types.h"
#include "backend.h"

namespace hal {

enum Protection : kernel::u32 { prot_none = 0, prot_read = 1, prot_write = 2, prot_exec = 4 };

// The lowest and one past the highest user address (Linux's mmap_min_addr and TASK_SIZE on
// bare metal; hosted ends below the range reserved for the stub).
inline constexpr kernel::uptr user_space_start = backend::Traits::user_space_start;
inline constexpr kernel::uptr user_space_end = backend::Traits::user_space_end;

// A backend's hardware address space (page tables, or a stub process's mappings).
class AddressSpace;

kernel::Result<AddressSpace*> create_address_space();
// Frees the space's own memory (page tables, the stub process). No thread may enter_user()
// with it any more; the backend makes sure no CPU still uses its tables. The frames it
// mapped are the kernel's business (unmap them first, or walk() them to drop references).
void destroy_address_space(AddressSpace* space);

// Maps the page at user address `va` (page-aligned) to frame `pa` with `protection`
// (Protection bits; prot_none keeps the page reserved but inaccessible), replacing any
// mapping there. EINVAL outside the user range or unaligned, ENOMEM for page tables.
kernel::Result<void> map(AddressSpace& space, kernel::uptr va, kernel::PhysAddr pa, kernel::u32 protection);
// Removes every mapping in [va, va + length) (page-aligned).
void unmap(AddressSpace& space, kernel::uptr va, kernel::usize length);
// Sets the protection of the mapped pages in [va, va + length); unmapped pages stay so.
void protect(AddressSpace& space, kernel::uptr va, kernel::usize length, kernel::u32 protection);

struct Mapping {
    kernel::PhysAddr pa;     // the frame
    kernel::u32 protection;  // Protection bits as last set by map() or protect()
};
// The mapping of the page holding `va` (EFAULT when none).
kernel::Result<Mapping> translate(const AddressSpace& space, kernel::uptr va);
// Visits the mapped pages in [start, end) in address order (va is page-aligned). Used by
// fork (copy-on-write) and teardown; the visitor must not change the space.
void walk(const AddressSpace& space, kernel::uptr start, kernel::uptr end,
          kernel::FunctionRef<void(kernel::uptr va, const Mapping& mapping)> visitor);

}  // namespace hal
