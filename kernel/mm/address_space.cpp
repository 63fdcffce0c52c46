#include "address_space.h"

#include <new>

#include "../hal/physmem.h"
#include "../hal/usermode.h"
#include "../lib/string.h"
#include "heap.h"
#include "kmalloc.h"
#include "page.h"

namespace kernel {
namespace {

constexpr uptr page_size = hal::page_size;
// Linux's stack_guard_gap: the stack never grows closer than this to the mapping below.
constexpr uptr stack_guard_gap = 256 * page_size;

Vma* new_vma() {
    void* memory = kmalloc(sizeof(Vma));
    return memory ? new (memory) Vma() : nullptr;
}

void delete_vma(Vma* vma) {
    vma->~Vma();
    kfree(vma);
}

// The access a protection allows (x86: every mapped page is readable; write needs the W
// bit, execute the X bit).
bool allows(u32 protection, u32 access) {
    if (access & hal::access_write) return protection & hal::prot_write;
    if (access & hal::access_execute) return protection & hal::prot_exec;
    return protection & (hal::prot_read | hal::prot_write | hal::prot_exec);
}

}  // namespace

u64 Vma::file_page(uptr address) const { return (offset + (address - start)) / page_size; }

void Vma::copy_attributes(const Vma& other) {
    protection = other.protection;
    shared = other.shared;
    may_write = other.may_write;
    grows_down = other.grows_down;
    role = other.role;
    file = other.file;
    source = other.source;
    offset = other.offset;
}

Result<RefPtr<AddressSpace>> AddressSpace::create() {
    hal::AddressSpace* hardware = TRY(hal::create_address_space());
    auto space = make_ref<AddressSpace>(hardware);
    if (space.is_error()) hal::destroy_address_space(hardware);
    else space.value()->set_layout(0, hal::user_space_end, 8 << 20);
    return space;
}

AddressSpace::~AddressSpace() {
    // The last reference: no thread runs in this space any more.
    hal::walk(*hardware_, hal::user_space_start, hal::user_space_end,
              [](uptr, const hal::Mapping& mapping) { mm::put_page(mapping.pa); });
    hal::destroy_address_space(hardware_);
    while (Vma* vma = vmas_.take_first()) delete_vma(vma);
}

void AddressSpace::set_layout(uptr mmap_base, uptr stack_top, usize stack_limit) {
    MutexGuard guard(lock_);
    stack_top_ = stack_top;
    stack_limit_ = stack_limit;
    // Linux's mmap_base: below the stack's largest size (at least 128 MiB) and a guard gap.
    usize gap = stack_limit < (128ul << 20) ? (128ul << 20) : stack_limit;
    mmap_base_ = mmap_base ? mmap_base : align_down(stack_top - gap - stack_guard_gap, page_size);
}

// ---- VMA bookkeeping ----

Vma* AddressSpace::first_vma_ending_after(uptr address) const {
    for (Vma& vma : vmas_)
        if (vma.end > address) return &vma;
    return nullptr;
}

Vma* AddressSpace::find_vma_locked(uptr address) const {
    Vma* vma = first_vma_ending_after(address);
    return vma && vma->start <= address ? vma : nullptr;
}

void AddressSpace::insert_locked(Vma& vma) {
    Vma* after = first_vma_ending_after(vma.start);
    if (after) vmas_.insert_before(*after, vma);
    else vmas_.append(vma);
}

Result<void> AddressSpace::split_locked(uptr address) {
    Vma* vma = find_vma_locked(address);
    if (!vma || vma->start == address) return ok();
    Vma* tail = new_vma();
    if (!tail) return Errno::enomem;
    tail->copy_attributes(*vma);
    tail->start = address;
    tail->end = vma->end;
    tail->offset = vma->is_anonymous() ? 0 : vma->offset + (address - vma->start);
    vma->end = address;
    if (Vma* next = vmas_.next(*vma)) vmas_.insert_before(*next, *tail);
    else vmas_.append(*tail);
    return ok();
}

bool AddressSpace::range_is_free_locked(uptr start, uptr end) const {
    Vma* vma = first_vma_ending_after(start);
    return !vma || vma->start >= end;
}

Vma* AddressSpace::try_merge_locked(Vma& vma) {
    auto compatible = [](const Vma& a, const Vma& b) {
        return a.end == b.start && a.is_anonymous() && b.is_anonymous() && !a.file && !b.file &&
               a.protection == b.protection && a.shared == b.shared && a.may_write == b.may_write &&
               a.grows_down == b.grows_down && a.role == b.role;
    };
    Vma* current = &vma;
    Vma* previous = nullptr;
    for (Vma& candidate : vmas_) {
        if (&candidate == current) break;
        previous = &candidate;
    }
    if (previous && compatible(*previous, *current)) {
        previous->end = current->end;
        vmas_.remove(*current);
        delete_vma(current);
        current = previous;
    }
    Vma* next = vmas_.next(*current);
    if (next && compatible(*current, *next)) {
        current->end = next->end;
        vmas_.remove(*next);
        delete_vma(next);
    }
    return current;
}

// Page references go with the mappings: each mapped page holds one. The pages are put
// before the range is unmapped; that is safe while the space's only thread is in the
// kernel (no other CPU runs it, and the hosted stub applies the unmap before it runs guest
// code again). Threads (step 7) must unmap and shoot down first.
void AddressSpace::drop_pages_locked(uptr start, uptr end) {
    usize dropped = 0;
    hal::walk(*hardware_, start, end, [&](uptr, const hal::Mapping& mapping) {
        mm::put_page(mapping.pa);
        ++dropped;
    });
    hal::unmap(*hardware_, start, end - start);
    resident_pages_ -= dropped;
}

void AddressSpace::unmap_locked(uptr start, uptr end) {
    // Splits cannot fail here: callers split first when they need exact boundaries; an
    // allocation failure leaves a VMA whole, so unmap the pages of whole VMAs only.
    (void)split_locked(start);
    (void)split_locked(end);
    Vma* vma = first_vma_ending_after(start);
    while (vma && vma->start < end) {
        Vma* next = vmas_.next(*vma);
        if (vma->start >= start && vma->end <= end) {
            drop_pages_locked(vma->start, vma->end);
            vmas_.remove(*vma);
            delete_vma(vma);
        }
        vma = next;
    }
}

Result<uptr> AddressSpace::find_free_locked(usize length, uptr hint) const {
    if (length > hal::user_space_end - hal::user_space_start) return Errno::enomem;
    if (hint) {
        uptr start = align_up(hint, page_size);
        if (start >= hal::user_space_start && start <= hal::user_space_end - length &&
            range_is_free_locked(start, start + length))
            return start;
    }
    // Top-down below mmap_base: the highest gap that fits.
    uptr limit = mmap_base_;
    uptr best = 0;
    bool found = false;
    uptr gap_start = hal::user_space_start;
    auto consider = [&](uptr low, uptr high) {
        if (high > limit) high = limit;
        if (high <= low || high - low < length) return;
        best = high - length;
        found = true;
    };
    for (const Vma& vma : vmas_) {
        consider(gap_start, vma.start);
        gap_start = vma.end;
    }
    consider(gap_start, hal::user_space_end);
    if (!found) return Errno::enomem;
    return best;
}

// ---- mmap, munmap, mprotect, mremap, madvise, brk ----

Result<uptr> AddressSpace::map(MapRequest request) {
    if (request.length == 0) return Errno::einval;
    if (request.length > hal::user_space_end) return Errno::enomem;
    usize length = align_up<usize>(request.length, page_size);
    if (request.offset % page_size) return Errno::einval;
    if (!request.source.inode && request.source.kind == MappingSource::Kind::pages) return Errno::einval;
    MutexGuard guard(lock_);
    uptr start;
    if (request.fixed || request.no_replace) {
        start = request.address;
        if (start % page_size) return Errno::einval;
        if (start > hal::user_space_end - length) return Errno::enomem;
        if (start < hal::user_space_start) return Errno::eperm;  // Linux: mmap_min_addr
        if (request.no_replace && !range_is_free_locked(start, start + length)) return Errno::eexist;
    } else {
        start = TRY(find_free_locked(length, request.address));
    }
    Vma* vma = new_vma();
    if (!vma) return Errno::enomem;
    if (request.fixed) {
        // Exact boundaries first, so a failed split cannot leave a VMA half-replaced.
        if (split_locked(start).is_error() || split_locked(start + length).is_error()) {
            delete_vma(vma);
            return Errno::enomem;
        }
        unmap_locked(start, start + length);
    }
    vma->start = start;
    vma->end = start + length;
    vma->protection = request.protection;
    vma->shared = request.shared;
    vma->may_write = request.may_write;
    vma->grows_down = request.grows_down;
    vma->role = request.role;
    vma->file = std::move(request.file);
    vma->source = std::move(request.source);
    vma->offset = vma->is_anonymous() ? 0 : request.offset;
    insert_locked(*vma);
    try_merge_locked(*vma);
    return start;
}

Result<void> AddressSpace::unmap(uptr start, usize length) {
    if (start % page_size || length == 0) return Errno::einval;
    if (length > hal::user_space_end || start > hal::user_space_end - align_up<usize>(length, page_size))
        return Errno::einval;
    uptr end = start + align_up<usize>(length, page_size);
    MutexGuard guard(lock_);
    TRY(split_locked(start));
    TRY(split_locked(end));
    unmap_locked(start, end);
    return ok();
}

Result<void> AddressSpace::protect(uptr start, usize length, u32 protection) {
    if (start % page_size) return Errno::einval;
    if (protection & ~u32(hal::prot_read | hal::prot_write | hal::prot_exec)) return Errno::einval;
    if (length == 0) return ok();
    if (length > hal::user_space_end || start > hal::user_space_end - align_up<usize>(length, page_size))
        return Errno::enomem;
    uptr end = start + align_up<usize>(length, page_size);
    MutexGuard guard(lock_);
    // The whole range must be mapped; a shared file mapping gets write only if it may.
    uptr covered = start;
    for (Vma* vma = first_vma_ending_after(start); vma && vma->start < end; vma = vmas_.next(*vma)) {
        if (vma->start > covered) return Errno::enomem;
        if ((protection & hal::prot_write) && vma->shared && !vma->may_write) return Errno::eacces;
        covered = vma->end;
    }
    if (covered < end) return Errno::enomem;
    TRY(split_locked(start));
    TRY(split_locked(end));
    for (Vma* vma = first_vma_ending_after(start); vma && vma->start < end; vma = vmas_.next(*vma)) {
        vma->protection = protection;
        // Private pages may be shared copy-on-write: map them without write and let the
        // first store decide (in place when the page is ours alone, a copy otherwise).
        u32 applied = vma->shared ? protection : protection & ~u32(hal::prot_write);
        hal::protect(*hardware_, vma->start, vma->length(), applied);
    }
    // Merging may free the VMA after the one it keeps: one at a time, from the range's start
    // (and its left neighbour) to its end.
    for (Vma* vma = first_vma_ending_after(start > 0 ? start - 1 : 0); vma && vma->start <= end;)
        vma = vmas_.next(*try_merge_locked(*vma));
    return ok();
}

Result<uptr> AddressSpace::remap(uptr old_address, usize old_length, usize new_length, unsigned flags,
                                 uptr new_address) {
    constexpr unsigned may_move = 1, fixed = 2, dont_unmap = 4;
    if (flags & ~(may_move | fixed | dont_unmap)) return Errno::einval;
    if ((flags & fixed) && !(flags & may_move)) return Errno::einval;
    if (flags & dont_unmap) return Errno::einval;  // not supported (docs/memory.md)
    if (old_address % page_size) return Errno::einval;
    if (new_length == 0 || old_length == 0) return Errno::einval;  // old 0: shared duplicates, not supported
    if (old_length > hal::user_space_end || new_length > hal::user_space_end) return Errno::einval;
    old_length = align_up<usize>(old_length, page_size);
    new_length = align_up<usize>(new_length, page_size);
    MutexGuard guard(lock_);
    Vma* vma = find_vma_locked(old_address);
    if (!vma || old_address + old_length > vma->end) return Errno::efault;
    uptr old_end = old_address + old_length;

    if (flags & fixed) {
        if (new_address % page_size) return Errno::einval;
        if (new_address < hal::user_space_start || new_address > hal::user_space_end - new_length)
            return Errno::einval;
        if (new_address < old_end && old_address < new_address + new_length) return Errno::einval;
    } else if (new_length <= old_length) {
        // Shrinking in place.
        TRY(split_locked(old_address + new_length));
        TRY(split_locked(old_end));
        unmap_locked(old_address + new_length, old_end);
        return old_address;
    } else if (old_end == vma->end && old_address + new_length <= hal::user_space_end &&
               range_is_free_locked(old_end, old_address + new_length)) {
        // Growing in place: the VMA extends over the free pages after it.
        vma->end = old_address + new_length;
        return old_address;
    } else if (!(flags & may_move)) {
        return Errno::enomem;
    }

    // Moving: a new VMA for the pages at their new place; the pages move with their
    // references (no copy, no reference change).
    Vma* moved = new_vma();
    if (!moved) return Errno::enomem;
    if (split_locked(old_address).is_error() || split_locked(old_end).is_error()) {
        delete_vma(moved);
        return Errno::enomem;
    }
    vma = find_vma_locked(old_address);
    uptr target;
    if (flags & fixed) {
        if (split_locked(new_address).is_error() || split_locked(new_address + new_length).is_error()) {
            delete_vma(moved);
            return Errno::enomem;
        }
        unmap_locked(new_address, new_address + new_length);
        target = new_address;
    } else {
        auto found = find_free_locked(new_length, 0);
        if (found.is_error()) {
            delete_vma(moved);
            return found.error();
        }
        target = found.value();
    }
    usize kept = old_length < new_length ? old_length : new_length;
    bool failed = false;
    for (uptr va = old_address; va < old_address + kept && !failed; va += page_size) {
        auto mapping = hal::translate(*hardware_, va);
        if (mapping.has_value() &&
            hal::map(*hardware_, target + (va - old_address), mapping->pa, mapping->protection).is_error())
            failed = true;
    }
    if (failed) {
        // Out of page-table memory: undo the copies (the old mappings still hold the pages).
        hal::unmap(*hardware_, target, kept);
        delete_vma(moved);
        return Errno::enomem;
    }
    // Pages past `kept` (shrinking while moving) are dropped; the rest changed places.
    drop_pages_locked(old_address + kept, old_end);
    hal::unmap(*hardware_, old_address, kept);
    moved->copy_attributes(*vma);
    moved->start = target;
    moved->end = target + new_length;
    vmas_.remove(*vma);
    delete_vma(vma);
    insert_locked(*moved);
    return target;
}

Result<void> AddressSpace::discard(uptr start, usize length) {
    if (start % page_size) return Errno::einval;
    if (length == 0) return ok();
    if (length > hal::user_space_end || start > hal::user_space_end - align_up<usize>(length, page_size))
        return Errno::einval;
    uptr end = start + align_up<usize>(length, page_size);
    MutexGuard guard(lock_);
    bool hole = false;
    uptr covered = start;
    for (Vma* vma = first_vma_ending_after(start); vma && vma->start < end; vma = vmas_.next(*vma)) {
        if (vma->start > covered) hole = true;
        uptr from = vma->start > start ? vma->start : start;
        uptr to = vma->end < end ? vma->end : end;
        drop_pages_locked(from, to);
        covered = vma->end;
    }
    // Linux applies the advice to what is mapped and then reports the hole.
    if (hole || covered < end) return Errno::enomem;
    return ok();
}

void AddressSpace::set_brk_start(uptr start) {
    MutexGuard guard(lock_);
    brk_start_ = brk_ = start;
}

uptr AddressSpace::set_brk(uptr requested) {
    MutexGuard guard(lock_);
    if (requested < brk_start_ || requested > hal::user_space_end) return brk_;
    uptr old_end = align_up(brk_, page_size);
    uptr new_end = align_up(requested, page_size);
    if (new_end < old_end) {
        if (split_locked(new_end).is_error()) return brk_;
        unmap_locked(new_end, old_end);
    } else if (new_end > old_end) {
        // Linux keeps a page between the heap and the next mapping.
        if (new_end + page_size > hal::user_space_end || !range_is_free_locked(old_end, new_end + page_size)) return brk_;
        Vma* vma = new_vma();
        if (!vma) return brk_;
        vma->start = old_end;
        vma->end = new_end;
        vma->protection = hal::prot_read | hal::prot_write;
        vma->role = VmaRole::heap;
        insert_locked(*vma);
        try_merge_locked(*vma);
    }
    brk_ = requested;
    return brk_;
}

// ---- faults and copy-on-write ----

u32 AddressSpace::page_protection(const Vma& vma, PhysAddr page) const {
    u32 protection = vma.protection;
    // A private page someone else also holds (the file, a forked process) is copied on write.
    if (!vma.shared && (protection & hal::prot_write) && mm::page_references(page) > 1)
        protection &= ~u32(hal::prot_write);
    return protection;
}

bool AddressSpace::grow_stack_locked(Vma& stack, uptr address) {
    uptr new_start = align_down(address, page_size);
    if (new_start < hal::user_space_start || stack.end - new_start > stack_limit_) return false;
    Vma* previous = nullptr;
    for (Vma& vma : vmas_) {
        if (&vma == &stack) break;
        previous = &vma;
    }
    if (previous && previous->end + stack_guard_gap > new_start) return false;
    stack.start = new_start;
    return true;
}

FaultOutcome AddressSpace::handle_fault(uptr address, u32 access) {
    MutexGuard guard(lock_);
    return fault_locked(address, access);
}

FaultOutcome AddressSpace::fault_locked(uptr address, u32 access) {
    uptr va = align_down(address, page_size);
    Vma* vma = find_vma_locked(address);
    if (!vma) {
        Vma* above = first_vma_ending_after(address);
        if (!above || !above->grows_down || !grow_stack_locked(*above, address)) return FaultOutcome::no_mapping;
        vma = above;
    }
    if (!allows(vma->protection, access)) return FaultOutcome::access_denied;

    if (auto mapping = hal::translate(*hardware_, va); mapping.has_value()) {
        PhysAddr page = mapping->pa;
        if ((access & hal::access_write) && !(mapping->protection & hal::prot_write) && !vma->shared &&
            mm::page_references(page) > 1) {
            // Copy-on-write: this process gets its own copy.
            auto copy = mm::allocate_page(false);
            if (copy.is_error()) return FaultOutcome::out_of_memory;
            kstd::memcpy(hal::phys_to_virt(copy.value()), hal::phys_to_virt(page), page_size);
            if (hal::map(*hardware_, va, copy.value(), vma->protection).is_error()) {
                mm::put_page(copy.value());
                return FaultOutcome::out_of_memory;
            }
            mm::put_page(page);
            return FaultOutcome::handled;
        }
        // A store to a page that is ours alone (or shared by design) gets the VMA's
        // protection; anything else (a spurious fault) what the page may have.
        hal::protect(*hardware_, va, page_size,
                     (access & hal::access_write) ? vma->protection : page_protection(*vma, page));
        return FaultOutcome::handled;
    }

    PhysAddr page;
    u32 protection = vma->protection;
    if (vma->is_anonymous()) {
        auto fresh = mm::allocate_page();
        if (fresh.is_error()) return FaultOutcome::out_of_memory;
        page = fresh.value();
    } else {
        auto file_page = vma->source.inode->page_for_mapping(vma->file_page(va));
        if (file_page.is_error())
            return file_page.error() == Errno::efault ? FaultOutcome::bus_error : FaultOutcome::out_of_memory;
        page = file_page.value();
        if (!vma->shared && (access & hal::access_write)) {
            // A store to a private file page: the copy is made now rather than on a second fault.
            auto copy = mm::allocate_page(false);
            if (copy.is_error()) {
                mm::put_page(page);
                return FaultOutcome::out_of_memory;
            }
            kstd::memcpy(hal::phys_to_virt(copy.value()), hal::phys_to_virt(page), page_size);
            mm::put_page(page);
            page = copy.value();
        } else {
            protection = page_protection(*vma, page);
        }
    }
    if (hal::map(*hardware_, va, page, protection).is_error()) {
        mm::put_page(page);
        return FaultOutcome::out_of_memory;
    }
    ++resident_pages_;
    return FaultOutcome::handled;
}

Result<PhysAddr> AddressSpace::pin_page(uptr address, u32 access) {
    MutexGuard guard(lock_);
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto mapping = hal::translate(*hardware_, align_down(address, page_size));
        if (mapping.has_value() && allows(mapping->protection, access)) {
            mm::get_page(mapping->pa);
            return mapping->pa;
        }
        if (attempt == 0 && fault_locked(address, access) != FaultOutcome::handled) break;
    }
    return Errno::efault;
}

Result<RefPtr<AddressSpace>> AddressSpace::fork() {
    RefPtr<AddressSpace> child = TRY(create());
    MutexGuard guard(lock_);
    child->brk_start_ = brk_start_;
    child->brk_ = brk_;
    child->mmap_base_ = mmap_base_;
    child->stack_top_ = stack_top_;
    child->string_areas_ = string_areas_;
    child->stack_limit_ = stack_limit_;
    for (const Vma& vma : vmas_) {
        Vma* copy = new_vma();
        if (!copy) return Errno::enomem;
        copy->copy_attributes(vma);
        copy->start = vma.start;
        copy->end = vma.end;
        child->vmas_.append(*copy);
        bool failed = false;
        hal::walk(*hardware_, vma.start, vma.end, [&](uptr va, const hal::Mapping& mapping) {
            if (failed) return;
            u32 protection = vma.shared ? mapping.protection : mapping.protection & ~u32(hal::prot_write);
            if (hal::map(child->hardware(), va, mapping.pa, protection).is_error()) {
                failed = true;
                return;
            }
            mm::get_page(mapping.pa);
            ++child->resident_pages_;
        });
        if (failed) return Errno::enomem;  // the child's destructor drops what it took
        // Both sides now share the private pages: the first store copies.
        if (!vma.shared && (vma.protection & hal::prot_write))
            hal::protect(*hardware_, vma.start, vma.length(), vma.protection & ~u32(hal::prot_write));
    }
    return child;
}

void AddressSpace::for_each_vma_resident(FunctionRef<void(const Vma&, usize)> visitor) {
    MutexGuard guard(lock_);
    for (const Vma& vma : vmas_) {
        usize resident = 0;
        hal::walk(*hardware_, vma.start, vma.end, [&](uptr, const hal::Mapping&) { ++resident; });
        visitor(vma, resident);
    }
}

MemoryStats AddressSpace::stats() {
    MutexGuard guard(lock_);
    MemoryStats stats {0, resident_pages_, vmas_.size()};
    for (const Vma& vma : vmas_) stats.mapped_bytes += vma.length();
    return stats;
}

}  // namespace kernel
