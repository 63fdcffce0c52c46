#include "fpu.h"

#include "../../kernel/core/klog.h"
#include "../../kernel/core/panic.h"
#include "../../kernel/hal/usermode.h"
#include "../../kernel/lib/string.h"
#include "arch.h"

namespace x86 {
namespace {

constexpr std::uint64_t cr0_mp = 1u << 1, cr0_em = 1u << 2, cr0_ts = 1u << 3, cr0_ne = 1u << 5;
constexpr std::uint64_t cr4_osfxsr = 1u << 9, cr4_osxmmexcpt = 1u << 10, cr4_osxsave = 1u << 18;

constexpr std::uint64_t xcr0_x87 = 1, xcr0_sse = 2, xcr0_avx = 4;
constexpr std::uint64_t xcr0_avx512 = 0xe0;  // opmask, ZMM0-15 upper halves, ZMM16-31

// Byte offsets in the area.
constexpr std::size_t fcw_offset = 0, mxcsr_offset = 24, mxcsr_mask_offset = 28;
constexpr std::size_t header_offset = 512, header_size = 64;

std::uint64_t enabled_components = xcr0_x87 | xcr0_sse;
bool use_xsave = false;
std::size_t state_bytes = 512;
std::uint32_t mxcsr_mask = 0xffbf;  // the architectural default when the CPU reports 0

std::uint64_t read_cr0() {
    std::uint64_t value;
    asm volatile("mov %%cr0, %0" : "=r"(value));
    return value;
}
void write_cr0(std::uint64_t value) { asm volatile("mov %0, %%cr0" ::"r"(value) : "memory"); }
std::uint64_t read_cr4() {
    std::uint64_t value;
    asm volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}
void write_cr4(std::uint64_t value) { asm volatile("mov %0, %%cr4" ::"r"(value) : "memory"); }
void write_xcr0(std::uint64_t value) {
    asm volatile("xsetbv" ::"c"(0), "a"(std::uint32_t(value)), "d"(std::uint32_t(value >> 32)));
}

template <typename T>
T& field(void* area, std::size_t offset) {
    return *reinterpret_cast<T*>(static_cast<std::uint8_t*>(area) + offset);
}

// The boot CPU's choice of components: what the CPU has, and what fits the area.
void choose_components() {
    CpuidResult leaf1 = cpuid(1);
    use_xsave = leaf1.ecx & (1u << 26);
    if (!use_xsave) return;
    std::uint64_t supported = cpuid(0xd, 0).eax | (std::uint64_t(cpuid(0xd, 0).edx) << 32);
    std::uint64_t wanted = xcr0_x87 | xcr0_sse;
    bool avx = (leaf1.ecx & (1u << 28)) && (supported & xcr0_avx);
    if (avx) wanted |= xcr0_avx;
    bool avx512 = avx && (cpuid(7, 0).ebx & (1u << 16)) && (supported & xcr0_avx512) == xcr0_avx512;
    if (avx512) wanted |= xcr0_avx512;
    write_cr4(read_cr4() | cr4_osxsave);
    write_xcr0(wanted);
    // CPUID 0xD.0 EBX: the area size the enabled components need.
    if (cpuid(0xd, 0).ebx > hal::fpu_state_size && avx512) {
        wanted &= ~xcr0_avx512;
        write_xcr0(wanted);
    }
    enabled_components = wanted;
    state_bytes = cpuid(0xd, 0).ebx;
    if (state_bytes > hal::fpu_state_size)
        kernel::panic("fpu: XSAVE needs %zu bytes, more than hal::fpu_state_size", state_bytes);
}

}  // namespace

void init_fpu(bool boot_cpu) {
    write_cr0((read_cr0() | cr0_mp | cr0_ne) & ~(cr0_em | cr0_ts));
    write_cr4(read_cr4() | cr4_osfxsr | cr4_osxmmexcpt);
    if (boot_cpu) {
        choose_components();
        alignas(64) static std::uint8_t probe[512];
        asm volatile("fxsave64 %0" : "=m"(probe));
        if (std::uint32_t mask = field<std::uint32_t>(probe, mxcsr_mask_offset)) mxcsr_mask = mask;
        klog_info("fpu: %s, components %#llx (x87 SSE%s%s), %zu-byte state", use_xsave ? "XSAVE" : "FXSAVE",
                  static_cast<unsigned long long>(enabled_components),
                  enabled_components & xcr0_avx ? " AVX" : "", enabled_components & xcr0_avx512 ? " AVX-512" : "",
                  state_bytes);
    } else if (use_xsave) {
        write_cr4(read_cr4() | cr4_osxsave);
        write_xcr0(enabled_components);
    }
}

std::uint64_t fpu_enabled_components() { return enabled_components; }
bool fpu_uses_xsave() { return use_xsave; }
std::size_t fpu_state_bytes() { return state_bytes; }

void fpu_save(void* area) {
    if (use_xsave)
        asm volatile("xsave64 (%0)" ::"r"(area), "a"(0xffffffffu), "d"(0xffffffffu) : "memory");
    else
        asm volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void fpu_restore(void* area) {
    field<std::uint32_t>(area, mxcsr_offset) &= mxcsr_mask;
    if (use_xsave) {
        auto& xstate_bv = field<std::uint64_t>(area, header_offset);
        xstate_bv = (xstate_bv | xcr0_x87 | xcr0_sse) & enabled_components;
        kstd::memset(static_cast<std::uint8_t*>(area) + header_offset + 8, 0, header_size - 8);
        asm volatile("xrstor64 (%0)" ::"r"(area), "a"(0xffffffffu), "d"(0xffffffffu) : "memory");
    } else {
        asm volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
    }
}

void fpu_reset(void* area) {
    kstd::memset(area, 0, hal::fpu_state_size);
    field<std::uint16_t>(area, fcw_offset) = 0x37f;
    field<std::uint32_t>(area, mxcsr_offset) = 0x1f80;
}

}  // namespace x86
