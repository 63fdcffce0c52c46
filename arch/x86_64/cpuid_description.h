// Shared by both x86_64 backends: what CPUID says about the processor, for
// hal::describe_cpu (/proc/cpuinfo). CPUID works the same in the host process.
#pragma once

#include <cstdint>

#include "../../kernel/hal/cpu.h"
#include "../../kernel/lib/string.h"

namespace arch {

inline void cpuid(std::uint32_t leaf, std::uint32_t subleaf, std::uint32_t registers[4]) {
    asm volatile("cpuid"
                 : "=a"(registers[0]), "=b"(registers[1]), "=c"(registers[2]), "=d"(registers[3])
                 : "a"(leaf), "c"(subleaf));
}

inline void describe_cpu_with_cpuid(hal::CpuDescription& description) {
    std::uint32_t r[4];
    cpuid(0, 0, r);
    std::uint32_t max_leaf = r[0];
    const std::uint32_t vendor[3] = {r[1], r[3], r[2]};  // EBX, EDX, ECX
    __builtin_memcpy(description.vendor, vendor, 12);
    description.vendor[12] = '\0';
    if (max_leaf >= 1) {
        cpuid(1, 0, r);
        std::uint32_t family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
        if (family == 0xf) family += (r[0] >> 20) & 0xff;
        if (family == 0x6 || family >= 0xf) model |= ((r[0] >> 16) & 0xf) << 4;
        description.family = family;
        description.model = model;
        description.stepping = r[0] & 0xf;
        description.user_hwcap = r[3];  // EDX, as Linux's ELF_HWCAP
    }
    cpuid(0x80000000, 0, r);
    if (r[0] >= 0x80000004) {
        std::uint32_t name[12];
        for (std::uint32_t i = 0; i < 3; ++i) cpuid(0x80000002 + i, 0, name + 4 * i);
        __builtin_memcpy(description.model_name, name, 48);
        description.model_name[48] = '\0';
        // Intel pads the brand string with leading spaces.
        char* start = description.model_name;
        while (*start == ' ') ++start;
        if (start != description.model_name) kstd::memmove(description.model_name, start, kstd::strlen(start) + 1);
    }
}

}  // namespace arch
