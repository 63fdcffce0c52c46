// AddressSpace: a process's user memory. It owns the VMAs (what each range of addresses
// is: anonymous memory, a file's pages, private or shared, the stack, the heap) and decides
// every page mapping; the backend's hal::AddressSpace only applies them. Pages arrive on
// demand (handle_fault), private pages are shared copy-on-write after fork(), and the page
// tables are the one record of what is mapped: the frame references (mm/page.h) that
// mappings hold are taken and dropped exactly where hal::map/unmap are called.
//
// Locking: lock_ (a mutex, Linux's mmap_lock) guards the VMAs and the page tables. Order:
// AddressSpace::lock_ -> a file system's page lock (Inode::page_for_mapping) -> the frame
// allocator. File reads and writes never run under it: syscalls pin user pages first
// (user_memory.h), so a read() into a mapping of the same file cannot deadlock.
#pragma once

#include "../core/mutex.h"
#include "../fs/open_file.h"
#include "../hal/mmu.h"
#include "../lib/function_ref.h"
#include "../lib/intrusive_list.h"
#include "../lib/ref_ptr.h"
#include "../lib/result.h"
#include "vma.h"

namespace kernel {

// What a page fault turned into (a signal from step 7 on; for now, SIGSEGV/SIGBUS kill).
enum class FaultOutcome : u8 {
    handled,
    no_mapping,     // SIGSEGV, SEGV_MAPERR: nothing is mapped there
    access_denied,  // SIGSEGV, SEGV_ACCERR: the VMA does not allow that access
    bus_error,      // SIGBUS: a file page past the end of its file
    out_of_memory,  // no frame for the page
};

struct MemoryStats {
    usize mapped_bytes;    // VmSize: the sum of the VMAs
    usize resident_pages;  // VmRSS in pages: pages mapped now
    usize vma_count;
};

// mmap's placement and sharing (Linux MAP_* meanings; the syscall layer validates flags).
struct MapRequest {
    uptr address = 0;       // a hint, or the exact place with `fixed`
    usize length = 0;       // bytes (rounded up to pages)
    u32 protection = 0;     // hal::Protection bits (PROT_* values)
    bool shared = false;    // MAP_SHARED: stores reach the file / other processes
    bool fixed = false;     // MAP_FIXED: replace whatever is there
    bool no_replace = false;  // MAP_FIXED_NOREPLACE: EEXIST if anything is there
    bool grows_down = false;  // MAP_GROWSDOWN / the initial stack
    // The backing: nullptr file and anonymous kind for MAP_ANONYMOUS.
    RefPtr<OpenFile> file;
    MappingSource source {MappingSource::Kind::anonymous, nullptr};
    u64 offset = 0;          // bytes into the file (page-aligned)
    bool may_write = true;   // a shared file mapping may become writable (opened for writing)
    VmaRole role = VmaRole::none;
};

class AddressSpace : public RefCounted<AddressSpace> {
public:
    static Result<RefPtr<AddressSpace>> create();
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    hal::AddressSpace& hardware() { return *hardware_; }

    // fork(): a copy in which private pages are shared copy-on-write and shared ones shared.
    Result<RefPtr<AddressSpace>> fork();

    // mmap: returns the address. EINVAL for a bad range, ENOMEM when no room is left,
    // EEXIST for a no_replace collision.
    Result<uptr> map(MapRequest request);
    // munmap: removes [start, start + length); holes are fine.
    Result<void> unmap(uptr start, usize length);
    // mprotect: ENOMEM if part of the range is unmapped, EACCES for write on a shared
    // mapping of a file not open for writing.
    Result<void> protect(uptr start, usize length, u32 protection);
    // mremap (flags: Linux MREMAP_MAYMOVE 1, MREMAP_FIXED 2, MREMAP_DONTUNMAP 4).
    Result<uptr> remap(uptr old_address, usize old_length, usize new_length, unsigned flags, uptr new_address);
    // madvise(MADV_DONTNEED): drops the pages (private ones come back zero or from the file).
    Result<void> discard(uptr start, usize length);

    // The program break: set up by exec (brk_start = end of the data), moved by brk(2).
    void set_brk_start(uptr start);
    uptr brk_start() const { return brk_start_; }
    // brk(2): returns the new break, or the old one when it cannot move (Linux's ABI).
    uptr set_brk(uptr requested);
    uptr brk() const { return brk_; }

    // Resolves a fault at `address` for `access` (hal::Access bits): maps a page on demand,
    // breaks copy-on-write, grows the stack.
    FaultOutcome handle_fault(uptr address, u32 access);

    // For the user-copy functions: the frame behind `address` with at least `access`,
    // faulting it in as a user access would; a reference the caller drops with put_page.
    Result<PhysAddr> pin_page(uptr address, u32 access);

    MemoryStats stats();
    // Visits every VMA in address order under the lock (/proc/<pid>/maps later; tests).
    template <typename Visitor>
    void for_each_vma(Visitor visitor) {
        MutexGuard guard(lock_);
        for (const Vma& vma : vmas_) visitor(vma);
    }

    // Where mmap places mappings without a hint (top-down below it) and where the initial
    // stack's top is; set by exec.
    // `stack_limit` bounds how far the stack VMA grows (RLIMIT_STACK).
    void set_layout(uptr mmap_base, uptr stack_top, usize stack_limit);
    uptr stack_top() const { return stack_top_; }

    // Like for_each_vma, with the number of the VMA's pages that are resident now
    // (/proc/<pid>/status and statm split the resident set by kind).
    void for_each_vma_resident(FunctionRef<void(const Vma& vma, usize resident_pages)> visitor);

    // Where exec put the argv and envp strings (/proc/<pid>/cmdline and environ read them
    // from the process's memory, as Linux does) and the initial stack pointer. Set before
    // the space is in use.
    struct StringAreas {
        uptr arguments_start = 0, arguments_end = 0;
        uptr environment_start = 0, environment_end = 0;
        uptr initial_stack = 0;
    };
    void set_string_areas(const StringAreas& areas) { string_areas_ = areas; }
    const StringAreas& string_areas() const { return string_areas_; }

    // Use create().
    explicit AddressSpace(hal::AddressSpace* hardware) : hardware_(hardware) {}

private:
    Vma* find_vma_locked(uptr address) const;     // the VMA containing address
    Vma* first_vma_ending_after(uptr address) const;
    Result<void> split_locked(uptr address);       // makes `address` a VMA boundary
    void unmap_locked(uptr start, uptr end);
    Result<uptr> find_free_locked(usize length, uptr hint) const;
    bool range_is_free_locked(uptr start, uptr end) const;
    void insert_locked(Vma& vma);
    // Merges `vma` with compatible neighbours; returns the VMA that remains.
    Vma* try_merge_locked(Vma& vma);
    void drop_pages_locked(uptr start, uptr end);
    u32 page_protection(const Vma& vma, PhysAddr page) const;
    FaultOutcome fault_locked(uptr address, u32 access);
    bool grow_stack_locked(Vma& stack, uptr address);

    hal::AddressSpace* hardware_;
    Mutex lock_;
    IntrusiveList<Vma, &Vma::node> vmas_;  // sorted by address, never overlapping
    usize resident_pages_ = 0;
    uptr brk_start_ = 0;
    uptr brk_ = 0;
    uptr mmap_base_ = 0;
    uptr stack_top_ = 0;
    StringAreas string_areas_;
    usize stack_limit_ = 8 << 20;
};

}  // namespace kernel
