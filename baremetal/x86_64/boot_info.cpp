#include "boot_info.h"

#include "../../kernel/lib/string.h"
#include "arch.h"

extern "C" char __kernel_physical_start[], __kernel_physical_end[];

namespace x86 {
namespace {

char command_line[512];

void add_range(hal::BootInfo& info, std::uint64_t base, std::uint64_t length, hal::MemoryType type) {
    if (length == 0 || info.memory_range_count == hal::BootInfo::max_memory_ranges) return;
    info.memory_map[info.memory_range_count++] = {base, length, type};
}

// Adds a usable range minus the first MiB (BIOS areas, the AP trampoline), the kernel image
// and the boot module. RAM above 4 GiB is kept: the kernel's page tables map all of it.
void add_usable(hal::BootInfo& info, std::uint64_t base, std::uint64_t length) {
    std::uint64_t end = base + length;
    if (base < (1ull << 20)) base = 1ull << 20;
    std::uint64_t holes[2][2] = {
        {reinterpret_cast<std::uint64_t>(__kernel_physical_start), reinterpret_cast<std::uint64_t>(__kernel_physical_end)},
        {info.initrd_base, info.initrd_base + info.initrd_size}};
    for (auto& hole : holes) {
        if (hole[1] <= base || hole[0] >= end || hole[0] == hole[1]) continue;
        if (hole[0] > base) add_usable(info, base, hole[0] - base);
        base = hole[1];
    }
    if (end > base) add_range(info, base, end - base, hal::MemoryType::usable);
}

void copy_command_line(const char* text) { kstd::strlcpy(command_line, text ? text : "", sizeof command_line); }

struct [[gnu::packed]] PvhStartInfo {
    std::uint32_t magic, version, flags, module_count;
    std::uint64_t modules, command_line, rsdp, memory_map;
    std::uint32_t memory_map_entries, reserved;
};
struct [[gnu::packed]] PvhModule {
    std::uint64_t address, size, command_line, reserved;
};
struct [[gnu::packed]] E820Entry {
    std::uint64_t address, size;
    std::uint32_t type, reserved;
};

std::uint64_t parse_pvh(std::uint64_t physical_address, hal::BootInfo& info) {
    auto* start = physical<const PvhStartInfo>(physical_address);
    if (start->magic != 0x336ec578) return 0;
    if (start->command_line) copy_command_line(physical<const char>(start->command_line));
    if (start->module_count && start->modules) {
        auto* module = physical<const PvhModule>(start->modules);
        info.initrd_base = module->address;
        info.initrd_size = module->size;
    }
    if (start->version >= 1 && start->memory_map) {
        auto* entries = physical<const E820Entry>(start->memory_map);
        for (std::uint32_t i = 0; i < start->memory_map_entries; ++i) {
            if (entries[i].type == 1) add_usable(info, entries[i].address, entries[i].size);
            else add_range(info, entries[i].address, entries[i].size, hal::MemoryType::reserved);
        }
    }
    return start->rsdp;
}

std::uint64_t parse_multiboot2(std::uint64_t physical_address, hal::BootInfo& info) {
    auto* base = physical<const std::uint8_t>(physical_address);
    std::uint32_t total;
    kstd::memcpy(&total, base, 4);
    std::uint64_t rsdp = 0;
    // Modules first: the memory map must leave the initrd out.
    for (int pass = 0; pass < 2; ++pass) {
        for (std::uint32_t offset = 8; offset + 8 <= total;) {
            std::uint32_t type, size;
            kstd::memcpy(&type, base + offset, 4);
            kstd::memcpy(&size, base + offset + 4, 4);
            if (type == 0 || size < 8) break;
            const std::uint8_t* tag = base + offset;
            if (pass == 0 && type == 3) {  // module
                std::uint32_t start, end;
                kstd::memcpy(&start, tag + 8, 4);
                kstd::memcpy(&end, tag + 12, 4);
                if (!info.initrd_size) info.initrd_base = start, info.initrd_size = end - start;
            } else if (pass == 1 && type == 1) {  // command line
                copy_command_line(reinterpret_cast<const char*>(tag + 8));
            } else if (pass == 1 && type == 6) {  // memory map
                std::uint32_t entry_size;
                kstd::memcpy(&entry_size, tag + 8, 4);
                for (std::uint32_t at = 16; entry_size && at + 24 <= size; at += entry_size) {
                    E820Entry entry;
                    kstd::memcpy(&entry, tag + at, sizeof entry);
                    if (entry.type == 1) add_usable(info, entry.address, entry.size);
                    else add_range(info, entry.address, entry.size, hal::MemoryType::reserved);
                }
            } else if (pass == 1 && (type == 14 || type == 15) && !rsdp) {  // ACPI RSDP copy
                rsdp = physical_address + offset + 8;
            }
            offset += (size + 7) & ~7u;
        }
    }
    return rsdp;
}

}  // namespace

std::uint64_t parse_boot_info(BootProtocol protocol, std::uint64_t info_physical, hal::BootInfo& info) {
    std::uint64_t rsdp = protocol == BootProtocol::pvh ? parse_pvh(info_physical, info) : parse_multiboot2(info_physical, info);
    info.command_line = command_line;
    if (info.initrd_size) add_range(info, info.initrd_base, info.initrd_size, hal::MemoryType::initrd);
    add_range(info, reinterpret_cast<std::uint64_t>(__kernel_physical_start),
              reinterpret_cast<std::uint64_t>(__kernel_physical_end) - reinterpret_cast<std::uint64_t>(__kernel_physical_start),
              hal::MemoryType::kernel);
    return rsdp;
}

}  // namespace x86
