// x86_64 instructions the backend needs, as inline functions.
#pragma once

#include <cstdint>

namespace x86 {

inline void outb(std::uint16_t port, std::uint8_t value) { asm volatile("outb %0, %1" ::"a"(value), "Nd"(port)); }
inline void outw(std::uint16_t port, std::uint16_t value) { asm volatile("outw %0, %1" ::"a"(value), "Nd"(port)); }
inline void outl(std::uint16_t port, std::uint32_t value) { asm volatile("outl %0, %1" ::"a"(value), "Nd"(port)); }
inline std::uint8_t inb(std::uint16_t port) {
    std::uint8_t value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
inline std::uint16_t inw(std::uint16_t port) {
    std::uint16_t value;
    asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
inline std::uint32_t inl(std::uint16_t port) {
    std::uint32_t value;
    asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

inline std::uint64_t rdmsr(std::uint32_t msr) {
    std::uint32_t low, high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return (std::uint64_t(high) << 32) | low;
}
inline void wrmsr(std::uint32_t msr, std::uint64_t value) {
    asm volatile("wrmsr" ::"c"(msr), "a"(std::uint32_t(value)), "d"(std::uint32_t(value >> 32)));
}

struct CpuidResult {
    std::uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(std::uint32_t leaf, std::uint32_t subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline std::uint64_t rdtsc() {
    std::uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (std::uint64_t(high) << 32) | low;
}

inline std::uint64_t read_rflags() {
    std::uint64_t flags;
    asm volatile("pushfq; popq %0" : "=r"(flags));
    return flags;
}
inline void cli() { asm volatile("cli" ::: "memory"); }
inline void sti() { asm volatile("sti" ::: "memory"); }
inline void halt() { asm volatile("hlt" ::: "memory"); }
inline void pause() { asm volatile("pause"); }
inline std::uint64_t read_cr2() {
    std::uint64_t value;
    asm volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}
inline std::uint64_t read_cr3() {
    std::uint64_t value;
    asm volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}

constexpr std::uint64_t rflags_interrupt = 1u << 9;
constexpr std::uint32_t msr_fs_base = 0xc0000100;
constexpr std::uint32_t msr_gs_base = 0xc0000101;
constexpr std::uint32_t msr_kernel_gs_base = 0xc0000102;  // swapped in by swapgs

// Where physical memory is mapped and where the kernel image runs. The direct map always
// covers the first 4 GiB (firmware, ACPI, APICs, PCI windows); paging.cpp adds all RAM above.
constexpr std::uint64_t direct_map_base = 0xffff800000000000ull;
constexpr std::uint64_t direct_map_size = 4ull << 30;
constexpr std::uint64_t kernel_base = 0xffffffff80000000ull;

template <typename T = void>
T* physical(std::uint64_t address) { return reinterpret_cast<T*>(direct_map_base + address); }

}  // namespace x86
