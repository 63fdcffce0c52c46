// Address spaces for user mode. Declared now, implemented with processes in step 4.
//
// The portable kernel owns the VMAs and decides what is mapped; the backend only applies it:
//   AddressSpace: map(va, pa, prot), unmap(va, length), protect(va, length, prot),
//   translate(va) -> pa, activate().
#pragma once

#include "../lib/types.h"

namespace hal {

enum Protection : kernel::u32 { prot_none = 0, prot_read = 1, prot_write = 2, prot_exec = 4 };

}  // namespace hal
