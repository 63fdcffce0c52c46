#include "page.h"

#include <atomic>

#include "../core/panic.h"
#include "../hal/physmem.h"
#include "../lib/string.h"
#include "frame_allocator.h"

namespace kernel::mm {
namespace {

std::atomic_ref<u32> references_of(PhysAddr page) {
    FrameInfo* info = frame_info(page);
    if (!info || info->state != FrameInfo::State::allocated_head || info->order != 0)
        panic("page: %#llx is not an allocated page", static_cast<unsigned long long>(page));
    return std::atomic_ref<u32>(info->references);
}

}  // namespace

Result<PhysAddr> allocate_page(bool zero) {
    PhysAddr page = TRY(allocate_frames(0));
    if (zero) kstd::memset(hal::phys_to_virt(page), 0, hal::page_size);
    references_of(page).store(1, std::memory_order_relaxed);
    return page;
}

void get_page(PhysAddr page) {
    u32 before = references_of(page).fetch_add(1, std::memory_order_relaxed);
    if (before == 0) panic("get_page: %#llx has no references", static_cast<unsigned long long>(page));
}

void put_page(PhysAddr page) {
    u32 before = references_of(page).fetch_sub(1, std::memory_order_acq_rel);
    if (before == 0) panic("put_page: %#llx has no references", static_cast<unsigned long long>(page));
    if (before == 1) free_frames(page, 0);
}

u32 page_references(PhysAddr page) { return references_of(page).load(std::memory_order_acquire); }

}  // namespace kernel::mm
