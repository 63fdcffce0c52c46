// Builds the one hal::BootInfo from either boot path: the PVH start_info (QEMU direct
// -kernel boot) or the Multiboot2 information (GRUB and PCs).
#pragma once

#include <cstdint>

#include "../../kernel/hal/boot.h"

namespace x86 {

enum class BootProtocol : std::uint32_t { multiboot2 = 1, pvh = 2 };

// Fills `info` and returns the ACPI RSDP physical address the loader gave (0 when none).
std::uint64_t parse_boot_info(BootProtocol protocol, std::uint64_t info_physical, hal::BootInfo& info);

}  // namespace x86
