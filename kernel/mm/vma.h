// Vma: one range of a process's addresses with one meaning (Linux's vm_area_struct):
// [start, end) page-aligned, its protection, private or shared, and what backs it.
#pragma once

#include "../fs/open_file.h"
#include "../lib/intrusive_list.h"
#include "../lib/ref_ptr.h"
#include "../lib/types.h"

namespace kernel {

// What a VMA is for, beyond its backing (names in /proc/<pid>/maps; brk and stack growth).
enum class VmaRole : u8 { none, heap, stack };

struct Vma {
    uptr start = 0;
    uptr end = 0;
    u32 protection = 0;       // hal::Protection bits (PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4)
    bool shared = false;      // MAP_SHARED: stores go to the backing pages, never copied
    bool may_write = true;    // mprotect may add PROT_WRITE (shared file mappings: O_RDWR)
    bool grows_down = false;  // the stack: faults just below it extend it
    VmaRole role = VmaRole::none;
    // The backing: the file and its pages, or anonymous memory (source.inode == nullptr).
    RefPtr<OpenFile> file;
    MappingSource source {MappingSource::Kind::anonymous, nullptr};
    u64 offset = 0;           // bytes into the file at `start`
    IntrusiveListNode node;

    usize length() const { return end - start; }
    bool is_anonymous() const { return source.kind == MappingSource::Kind::anonymous; }
    bool contains(uptr address) const { return address >= start && address < end; }
    // The file page index behind `address` (file-backed VMAs).
    u64 file_page(uptr address) const;
    // Everything but the range (split, mremap and fork make VMAs like another).
    void copy_attributes(const Vma& other);
};

}  // namespace kernel
