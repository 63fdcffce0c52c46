#include "paging.h"

#include "../../kernel/core/klog.h"
#include "../../kernel/core/panic.h"
#include "../../kernel/lib/string.h"
#include "arch.h"

extern "C" char __kernel_physical_start[], __kernel_physical_end[];
extern "C" char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern "C" char __kernel_symbols_start[], __kernel_symbols_end[];

namespace x86 {
namespace {

constexpr std::uint64_t present = 1, writable = 2, large_page = 1u << 7, global = 1u << 8;
constexpr std::uint64_t no_execute_bit = 1ull << 63;
constexpr std::uint64_t page = 4096, two_mib = 2ull << 20, one_gib = 1ull << 30;
constexpr std::uint32_t msr_efer = 0xc0000080;
constexpr std::uint64_t efer_nxe = 1u << 11;
constexpr std::uint64_t cr4_pge = 1u << 7;

std::uint64_t root = 0;       // physical address of the PML4
std::uint64_t nx = 0;         // no_execute_bit when the CPU has NX
std::uint64_t pool_next = 0;  // carved page-table frames, handed out in order
std::uint64_t pool_end = 0;

std::uint64_t* table(std::uint64_t physical_address) { return physical<std::uint64_t>(physical_address); }

// Only init_kernel_page_tables creates tables: the kernel half is fixed once it returns.
std::uint64_t new_table() {
    if (pool_next == pool_end) kernel::panic("paging: page-table pool exhausted");
    std::uint64_t frame = pool_next;
    pool_next += page;
    kstd::memset(table(frame), 0, page);
    return frame;
}

// The next-level table under entry `index` of `parent`, created on first use.
std::uint64_t child(std::uint64_t parent, unsigned index) {
    std::uint64_t& entry = table(parent)[index];
    if (!(entry & present)) entry = new_table() | present | writable;  // leaves carry the limits
    return entry & 0x000ffffffffff000ull;
}

unsigned index_of(std::uint64_t virtual_address, unsigned level) {  // level 3 = PML4 .. 0 = PT
    return static_cast<unsigned>((virtual_address >> (12 + 9 * level)) & 511);
}

void map_page(std::uint64_t virtual_address, std::uint64_t physical_address, std::uint64_t flags) {
    std::uint64_t pdpt = child(root, index_of(virtual_address, 3));
    std::uint64_t pd = child(pdpt, index_of(virtual_address, 2));
    std::uint64_t pt = child(pd, index_of(virtual_address, 1));
    table(pt)[index_of(virtual_address, 0)] = physical_address | flags | present;
}

bool has_one_gib_pages() { return cpuid(0x80000001).edx & (1u << 26); }

// The direct map: [0, end) at direct_map_base, read-write, never executable.
void map_physical_memory(std::uint64_t end, bool gib_pages) {
    std::uint64_t flags = present | writable | global | nx | large_page;
    for (std::uint64_t address = 0; address < end;) {
        std::uint64_t virtual_address = direct_map_base + address;
        std::uint64_t pdpt = child(root, index_of(virtual_address, 3));
        if (gib_pages) {
            table(pdpt)[index_of(virtual_address, 2)] = address | flags;
            address += one_gib;
        } else {
            std::uint64_t pd = child(pdpt, index_of(virtual_address, 2));
            table(pd)[index_of(virtual_address, 1)] = address | flags;
            address += two_mib;
        }
    }
}

void map_kernel_image() {
    auto start = reinterpret_cast<std::uint64_t>(__kernel_physical_start);
    auto end = reinterpret_cast<std::uint64_t>(__kernel_physical_end);
    auto text_start = reinterpret_cast<std::uint64_t>(__text_start), text_end = reinterpret_cast<std::uint64_t>(__text_end);
    auto rodata_start = reinterpret_cast<std::uint64_t>(__rodata_start),
         rodata_end = reinterpret_cast<std::uint64_t>(__rodata_end);
    for (std::uint64_t address = start; address < end; address += page) {
        std::uint64_t virtual_address = kernel_base + address;
        bool text = virtual_address >= text_start && virtual_address < text_end;
        bool rodata = (virtual_address >= rodata_start && virtual_address < rodata_end) ||
                      (virtual_address >= reinterpret_cast<std::uint64_t>(__kernel_symbols_start) &&
                       virtual_address < reinterpret_cast<std::uint64_t>(__kernel_symbols_end));
        std::uint64_t flags = text ? global : rodata ? global | nx : global | writable | nx;
        map_page(virtual_address, address, flags);
    }
}

// How many table frames the maps need, at most.
std::uint64_t tables_needed(std::uint64_t memory_end, bool gib_pages) {
    std::uint64_t gib = (memory_end + one_gib - 1) / one_gib;
    std::uint64_t direct = (gib + 511) / 512 + (gib_pages ? 0 : gib);
    auto image = static_cast<std::uint64_t>(__kernel_physical_end - __kernel_physical_start);
    std::uint64_t kernel = 2 + image / two_mib + 2;
    return 1 + direct + kernel;
}

// Takes `count` frames from the first usable range that has them and that the boot tables
// map (below 4 GiB), and records them as kernel memory.
void carve_pool(hal::BootInfo& info, std::uint64_t count) {
    for (kernel::usize i = 0; i < info.memory_range_count; ++i) {
        hal::MemoryRange& range = info.memory_map[i];
        std::uint64_t base = (range.base + page - 1) & ~(page - 1);
        std::uint64_t bytes = count * page;
        if (range.type != hal::MemoryType::usable || base + bytes > range.base + range.length ||
            base + bytes > (4ull << 30))
            continue;
        range.length -= base + bytes - range.base;
        range.base = base + bytes;
        pool_next = base;
        pool_end = base + bytes;
        if (info.memory_range_count < hal::BootInfo::max_memory_ranges)
            info.memory_map[info.memory_range_count++] = {base, bytes, hal::MemoryType::kernel};
        return;
    }
    kernel::panic("paging: no memory for %llu page-table frames", static_cast<unsigned long long>(count));
}

}  // namespace

void init_kernel_page_tables(hal::BootInfo& info) {
    nx = (rdmsr(msr_efer) & efer_nxe) ? no_execute_bit : 0;
    // Direct-map all RAM, and at least the first 4 GiB, where the firmware, ACPI tables and
    // the APIC and PCI windows live.
    std::uint64_t memory_end = 4ull << 30;
    for (kernel::usize i = 0; i < info.memory_range_count; ++i) {
        const hal::MemoryRange& range = info.memory_map[i];
        if (range.type == hal::MemoryType::usable && range.base + range.length > memory_end)
            memory_end = range.base + range.length;
    }
    memory_end = (memory_end + one_gib - 1) & ~(one_gib - 1);
    bool gib_pages = has_one_gib_pages();
    carve_pool(info, tables_needed(memory_end, gib_pages));
    root = new_table();
    map_physical_memory(memory_end, gib_pages);
    map_kernel_image();
    load_kernel_page_tables();
    klog_info("paging: kernel tables at %#llx; direct map of %llu GiB in %s pages; NX %s",
              static_cast<unsigned long long>(root), static_cast<unsigned long long>(memory_end / one_gib),
              gib_pages ? "1 GiB" : "2 MiB", nx ? "on" : "unavailable");
}

void load_kernel_page_tables() {
    asm volatile("mov %%cr4, %%rax; or %0, %%rax; mov %%rax, %%cr4" ::"i"(cr4_pge) : "rax");
    asm volatile("mov %0, %%cr3" ::"r"(root) : "memory");
}

bool no_execute_enabled() { return nx != 0; }

std::uint64_t kernel_page_table_root() { return root; }

}  // namespace x86
