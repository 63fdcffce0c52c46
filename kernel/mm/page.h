// Pages: single frames with a reference count, for memory that several owners share and
// the last one frees: a tmpfs file's page and every mapping of it, a copy-on-write page and
// the address spaces that share it. (Kernel heap and page-table frames are not pages: they
// have one owner and use allocate_frames/free_frames.)
#pragma once

#include "../lib/result.h"
#include "../lib/types.h"

namespace kernel::mm {

// A zeroed (or, with zero = false, uninitialised) frame holding one reference; ENOMEM.
Result<PhysAddr> allocate_page(bool zero = true);
// Adds a reference to a page from allocate_page.
void get_page(PhysAddr page);
// Drops a reference; the last one frees the frame.
void put_page(PhysAddr page);
// The current count (1: the caller's reference is the only one, so it may write in place).
u32 page_references(PhysAddr page);

}  // namespace kernel::mm
