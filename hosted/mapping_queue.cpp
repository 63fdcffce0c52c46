#include "mapping_queue.h"

#include "../kernel/hal/physmem.h"
#include "address_space.h"

namespace hosted {

unsigned queue_mapping_changes(hal::AddressSpace& space, newt_stub_op* ops, unsigned capacity, bool stub_maps_nothing) {
    constexpr std::uint64_t page = hal::page_size;
    kernel::SpinlockGuard guard(space.lock);
    unsigned count = 0;
    unsigned ranges = space.dirty.normalize();
    for (unsigned r = 0; r < ranges; ++r) {
        const std::uint64_t end = space.dirty[r].end;
        std::uint64_t cursor = space.dirty[r].start;  // everything below is queued
        struct Run {
            std::uint64_t start, end, pa;
            std::uint32_t protection;
        } run {};
        bool have_run = false, full = false;
        // Queues the gap before `run` (unless nothing is mapped there) and `run`.
        auto queue_run = [&]() {
            bool gap = !stub_maps_nothing && run.start > cursor;
            if (count + (gap ? 2 : 1) > capacity) return false;
            if (gap) ops[count++] = {cursor, run.start - cursor, 0, NEWT_STUB_OP_UNMAP, 0};
            ops[count++] = {run.start, run.end - run.start, run.pa, NEWT_STUB_OP_MAP, run.protection};
            cursor = run.end;
            return true;
        };
        space.table.visit(cursor, end, [&](std::uint64_t va, const PageEntry& entry) {
            if (have_run && va == run.end && entry.pa == run.pa + (run.end - run.start) && entry.protection == run.protection) {
                run.end += page;
                return true;
            }
            if (have_run && !queue_run()) {
                full = true;
                return false;
            }
            run = {va, va + page, entry.pa, entry.protection};
            have_run = true;
            return true;
        });
        if (!full && have_run && !queue_run()) full = true;
        if (!full && cursor < end) {
            if (stub_maps_nothing) cursor = end;
            else if (count < capacity) {
                ops[count++] = {cursor, end - cursor, 0, NEWT_STUB_OP_UNMAP, 0};
                cursor = end;
            } else {
                full = true;
            }
        }
        if (full) {
            space.dirty.drop_before(cursor);
            return count;
        }
    }
    space.dirty.clear();
    return count;
}

}  // namespace hosted
