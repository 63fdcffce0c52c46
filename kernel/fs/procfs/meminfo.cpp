// /proc/meminfo: Linux's format ("MemTotal:       16318508 kB": the label padded to 16
// columns, the value in kB right-aligned in 8), with the fields busybox `free` and `top`
// read. Newt has no page cache, swap or reclaimable kernel memory yet, so:
// MemAvailable = MemFree; Cached = Shmem = tmpfs file pages (Linux counts shmem in Cached);
// Slab = SUnreclaim = the kernel heap (slab frames and large kmalloc blocks).
#include "../../hal/physmem.h"
#include "../../mm/frame_allocator.h"
#include "../../mm/kmalloc.h"
#include "../tmpfs/tmpfs.h"
#include "../../lib/format.h"
#include "proc_files.h"

namespace kernel {
namespace {

void field(TextBuffer& text, const char* label, usize kilobytes) {
    char name[24];
    kstd::format(name, sizeof name, "%s:", label);
    text.appendf("%-16s%8zu kB\n", name, kilobytes);
}

}  // namespace

void generate_meminfo(TextBuffer& text) {
    constexpr usize page_kb = hal::page_size / 1024;
    mm::FrameStats frames = mm::frame_stats();
    HeapStats heap = heap_stats();
    usize heap_bytes = heap.large_bytes;
    for (const SlabCacheStats& cache : heap.caches) heap_bytes += cache.slabs * hal::page_size;
    usize shmem_kb = tmpfs_total_pages() * page_kb;

    field(text, "MemTotal", frames.total_frames * page_kb);
    field(text, "MemFree", frames.free_frames * page_kb);
    field(text, "MemAvailable", frames.free_frames * page_kb);
    field(text, "Buffers", 0);
    field(text, "Cached", shmem_kb);
    field(text, "SwapCached", 0);
    field(text, "SwapTotal", 0);
    field(text, "SwapFree", 0);
    field(text, "Shmem", shmem_kb);
    field(text, "KReclaimable", 0);
    field(text, "Slab", heap_bytes / 1024);
    field(text, "SReclaimable", 0);
    field(text, "SUnreclaim", heap_bytes / 1024);
}

}  // namespace kernel
