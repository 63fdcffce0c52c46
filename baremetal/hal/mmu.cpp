// hal address spaces on x86_64: 4-level page tables per process (x86_64/address_space.h has
// the design and the CR3 rule).
//
// A user leaf entry is a 4 KiB page: present, user, writable for prot_write, no-execute
// unless prot_exec. x86 cannot express write-only or execute-only pages, so those are also
// readable. prot_none is an entry without the present bit that still holds the frame. Two
// software bits make translate() exact: bit 9 marks a user mapping (present or not), and
// bits 52..54 keep the Protection bits as given. Intermediate tables are created on demand
// (user, writable: the leaf carries the limits) and freed only with the space, so a racing
// translate() never reads a freed table; two map() calls creating the same table agree
// through a compare-and-swap.
//
// Callers serialize changes to one space (the kernel's VMA lock). TLB: a change is flushed
// on the calling CPU when it holds the space in CR3; any other CPU loads CR3 (a full flush
// of user entries) before it runs the space again. Remote shootdown is not needed until
// threads share a space across CPUs (step 7).
#include "../../kernel/core/panic.h"
#include "../../kernel/hal/cpu.h"
#include "../../kernel/hal/interrupts.h"
#include "../../kernel/hal/mmu.h"
#include "../../kernel/hal/physmem.h"
#include "../../kernel/lib/string.h"
#include "../../kernel/mm/frame_allocator.h"
#include "../../kernel/mm/kmalloc.h"
#include "../x86_64/address_space.h"
#include "../x86_64/paging.h"
#include "../x86_64/smp.h"

namespace {

using kernel::PhysAddr;
using kernel::u32;
using kernel::u64;
using kernel::uptr;
using kernel::usize;

constexpr u64 pte_present = 1, pte_writable = 2, pte_user = 4;
constexpr u64 pte_mapped = 1u << 9;          // software: a user mapping, present or prot_none
constexpr unsigned pte_protection_shift = 52;  // software: the Protection bits (3)
constexpr u64 pte_no_execute = 1ull << 63;
constexpr u64 pte_address = 0x000ffffffffff000ull;
constexpr u32 all_protections = hal::prot_read | hal::prot_write | hal::prot_exec;
constexpr unsigned kernel_half_first_entry = 256;
constexpr usize page = 4096;
// Beyond this many changed pages one CR3 reload is cheaper than invlpg for each.
constexpr usize max_single_invalidations = 32;

u64* table(PhysAddr pa) { return static_cast<u64*>(hal::phys_to_virt(pa)); }

unsigned index_of(uptr va, unsigned level) { return static_cast<unsigned>((va >> (12 + 9 * level)) & 511); }

u64 load_entry(const u64* entry) { return __atomic_load_n(entry, __ATOMIC_RELAXED); }
void store_entry(u64* entry, u64 value) { __atomic_store_n(entry, value, __ATOMIC_RELAXED); }

kernel::Result<PhysAddr> new_table() {
    PhysAddr pa = TRY(kernel::mm::allocate_frames(0));
    kstd::memset(table(pa), 0, page);
    return pa;
}

u64 leaf_entry(PhysAddr pa, u32 protection) {
    protection &= all_protections;
    u64 entry = pa | pte_mapped | (u64(protection) << pte_protection_shift);
    if (protection == hal::prot_none) return entry;
    entry |= pte_present | pte_user;
    if (protection & hal::prot_write) entry |= pte_writable;
    if (!(protection & hal::prot_exec) && x86::no_execute_enabled()) entry |= pte_no_execute;
    return entry;
}

// The leaf entry for `va`, creating missing tables when `create` (nullptr: a table is missing
// and `create` is false; ENOMEM: a table could not be allocated).
kernel::Result<u64*> leaf_slot(const hal::AddressSpace& space, uptr va, bool create) {
    PhysAddr table_pa = space.root;
    for (unsigned level = 3; level > 0; --level) {
        u64* entry = &table(table_pa)[index_of(va, level)];
        u64 value = load_entry(entry);
        if (!(value & pte_present)) {
            if (!create) return static_cast<u64*>(nullptr);
            PhysAddr fresh = TRY(new_table());
            u64 desired = fresh | pte_present | pte_writable | pte_user;
            if (__atomic_compare_exchange_n(entry, &value, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                value = desired;
            else
                kernel::mm::free_frames(fresh);  // another map() installed one: `value` holds it
        }
        table_pa = value & pte_address;
    }
    return &table(table_pa)[index_of(va, 0)];
}

// Calls visit(va, entry) for every leaf slot in [start, end) whose tables exist, skipping
// whole missing tables. start and end are page-aligned user addresses.
template <typename Visit>
void for_each_leaf_slot(const hal::AddressSpace& space, uptr start, uptr end, Visit visit) {
    uptr va = start;
    while (va < end) {
        PhysAddr table_pa = space.root;
        unsigned level = 3;
        for (; level > 0; --level) {
            u64 entry = load_entry(&table(table_pa)[index_of(va, level)]);
            if (!(entry & pte_present)) break;
            table_pa = entry & pte_address;
        }
        if (level > 0) {  // no table below this entry: skip the range it covers
            uptr span = uptr(1) << (12 + 9 * level);
            va = (va & ~(span - 1)) + span;
            continue;
        }
        u64* leaves = table(table_pa);
        for (unsigned i = index_of(va, 0); i < 512 && va < end; ++i, va += page) visit(va, &leaves[i]);
    }
}

// [start, end) clipped to user space and page-aligned outward; false when empty.
bool clip_to_user_space(uptr va, usize length, uptr& start, uptr& end) {
    if (length == 0) return false;
    start = kernel::align_down(va, uptr(page));
    end = va + length < va ? hal::user_space_end : kernel::align_up(va + length, uptr(page));
    if (end == 0 || end > hal::user_space_end) end = hal::user_space_end;
    if (start < hal::user_space_start) start = hal::user_space_start;
    return start < end;
}

// Collects the pages a change touched and flushes them from this CPU's TLB if it holds the
// space in CR3 (x86_64/address_space.h: no other CPU does while the caller changes it).
class TlbFlush {
public:
    explicit TlbFlush(const hal::AddressSpace& space) : space_(space) {}
    void add(uptr va) {
        if (count_ < max_single_invalidations) pages_[count_] = va;
        ++count_;
    }
    ~TlbFlush() {
        if (count_ == 0) return;
        hal::InterruptGuard interrupts;
        if (x86::this_cpu().loaded_space.load(std::memory_order_relaxed) != &space_) return;
        if (count_ > max_single_invalidations) {
            asm volatile("mov %0, %%cr3" ::"r"(space_.root) : "memory");
            return;
        }
        for (usize i = 0; i < count_; ++i) asm volatile("invlpg (%0)" ::"r"(pages_[i]) : "memory");
    }
    TlbFlush(const TlbFlush&) = delete;
    TlbFlush& operator=(const TlbFlush&) = delete;

private:
    const hal::AddressSpace& space_;
    uptr pages_[max_single_invalidations];
    usize count_ = 0;
};

void free_tables(PhysAddr table_pa, unsigned level) {
    if (level > 0) {
        u64* entries = table(table_pa);
        for (unsigned i = 0; i < 512; ++i)
            if (entries[i] & pte_present) free_tables(entries[i] & pte_address, level - 1);
    }
    kernel::mm::free_frames(table_pa);
}

}  // namespace

namespace x86 {

void activate_address_space(hal::AddressSpace& space) {
    PerCpu& cpu = this_cpu();
    if (space.dying.load(std::memory_order_acquire)) kernel::panic("enter_user on an address space being destroyed");
    if (cpu.loaded_space.load(std::memory_order_relaxed) == &space) return;
    asm volatile("mov %0, %%cr3" ::"r"(space.root) : "memory");
    cpu.loaded_space.store(&space, std::memory_order_relaxed);
}

void leave_user_address_space() {
    PerCpu& cpu = this_cpu();
    if (!cpu.loaded_space.load(std::memory_order_relaxed)) return;
    asm volatile("mov %0, %%cr3" ::"r"(kernel_page_table_root()) : "memory");
    cpu.loaded_space.store(nullptr, std::memory_order_release);
}

void leave_dying_address_space() {
    hal::AddressSpace* space = this_cpu().loaded_space.load(std::memory_order_relaxed);
    if (space && space->dying.load(std::memory_order_acquire)) leave_user_address_space();
}

bool has_user_mapping(const hal::AddressSpace& space, std::uint64_t va) {
    if (va < hal::user_space_start || va >= hal::user_space_end) return false;
    auto slot = leaf_slot(space, va, false);
    return slot.has_value() && slot.value() && (load_entry(slot.value()) & pte_mapped);
}

}  // namespace x86

namespace hal {

kernel::Result<AddressSpace*> create_address_space() {
    void* memory = kernel::kmalloc(sizeof(AddressSpace));
    if (!memory) return kernel::Errno::enomem;
    auto root = new_table();
    if (root.is_error()) {
        kernel::kfree(memory);
        return root.error();
    }
    auto* space = new (memory) AddressSpace;
    space->root = root.value();
    // The kernel half: the same PDPTs as the kernel's own PML4 (fixed since boot).
    const u64* kernel_entries = table(x86::kernel_page_table_root());
    u64* entries = table(space->root);
    for (unsigned i = kernel_half_first_entry; i < 512; ++i) entries[i] = kernel_entries[i];
    return space;
}

void destroy_address_space(AddressSpace* space) {
    if (!space) return;
    // Every CPU lets go of the tables first (the CR3 rule): this one at once, another one at
    // its next IPI (or its next thread switch, whichever comes first).
    space->dying.store(true, std::memory_order_release);
    for (unsigned cpu = 0; cpu < cpu_count(); ++cpu) {
        bool asked = false;
        for (;;) {
            {
                InterruptGuard interrupts;
                if (x86::cpu_block(cpu).loaded_space.load(std::memory_order_acquire) != space) break;
                if (cpu == current_cpu()) {
                    x86::leave_user_address_space();
                    break;
                }
                if (!asked) send_ipi(cpu);
                asked = true;
            }
            cpu_relax();
        }
    }
    u64* entries = table(space->root);
    for (unsigned i = 0; i < kernel_half_first_entry; ++i)
        if (entries[i] & pte_present) free_tables(entries[i] & pte_address, 2);
    kernel::mm::free_frames(space->root);
    space->~AddressSpace();
    kernel::kfree(space);
}

kernel::Result<void> map(AddressSpace& space, uptr va, PhysAddr pa, u32 protection) {
    if ((va & (page - 1)) || va < user_space_start || va >= user_space_end) return kernel::Errno::einval;
    if (pa & ~pte_address) return kernel::Errno::einval;
    u64* slot = TRY(leaf_slot(space, va, true));
    TlbFlush flush(space);
    u64 old = load_entry(slot);
    store_entry(slot, leaf_entry(pa, protection));
    if (old & pte_present) flush.add(va);
    return kernel::ok();
}

void unmap(AddressSpace& space, uptr va, usize length) {
    uptr start, end;
    if (!clip_to_user_space(va, length, start, end)) return;
    TlbFlush flush(space);
    for_each_leaf_slot(space, start, end, [&](uptr page_va, u64* slot) {
        u64 old = load_entry(slot);
        if (!(old & pte_mapped)) return;
        store_entry(slot, 0);
        if (old & pte_present) flush.add(page_va);
    });
}

void protect(AddressSpace& space, uptr va, usize length, u32 protection) {
    uptr start, end;
    if (!clip_to_user_space(va, length, start, end)) return;
    TlbFlush flush(space);
    for_each_leaf_slot(space, start, end, [&](uptr page_va, u64* slot) {
        u64 old = load_entry(slot);
        if (!(old & pte_mapped)) return;
        store_entry(slot, leaf_entry(old & pte_address, protection));
        if (old & pte_present) flush.add(page_va);
    });
}

kernel::Result<Mapping> translate(const AddressSpace& space, uptr va) {
    if (va < user_space_start || va >= user_space_end) return kernel::Errno::efault;
    u64* slot = TRY(leaf_slot(space, va, false));
    u64 entry = slot ? load_entry(slot) : 0;
    if (!(entry & pte_mapped)) return kernel::Errno::efault;
    return Mapping {entry & pte_address, static_cast<u32>((entry >> pte_protection_shift) & all_protections)};
}

void walk(const AddressSpace& space, uptr start, uptr end,
          kernel::FunctionRef<void(uptr va, const Mapping& mapping)> visitor) {
    if (end <= start) return;
    uptr first, last;
    if (!clip_to_user_space(start, end - start, first, last)) return;
    for_each_leaf_slot(space, first, last, [&](uptr va, u64* slot) {
        u64 entry = load_entry(slot);
        if (!(entry & pte_mapped)) return;
        visitor(va, Mapping {entry & pte_address, static_cast<u32>((entry >> pte_protection_shift) & all_protections)});
    });
}

}  // namespace hal
