#include "gdt.h"

#include "../../kernel/hal/backend.h"

namespace x86 {
namespace {

struct [[gnu::packed]] Tss {
    std::uint32_t reserved0;
    std::uint64_t rsp[3];
    std::uint64_t reserved1;
    std::uint64_t ist[7];
    std::uint64_t reserved2;
    std::uint16_t reserved3;
    std::uint16_t io_map_base;
};
static_assert(sizeof(Tss) == 104);

struct [[gnu::packed]] GdtPointer {
    std::uint16_t limit;
    std::uint64_t base;
};

// null, kernel code, kernel data, user data, user code (sysret order), TSS (two slots).
struct alignas(16) Gdt {
    std::uint64_t entries[7];
};

constexpr std::size_t ist_stack_size = 16 * 1024;

Gdt gdts[hal::max_cpus];
Tss tsses[hal::max_cpus];
alignas(16) std::uint8_t ist_stacks[hal::max_cpus][2][ist_stack_size];

}  // namespace

void load_gdt(unsigned cpu) {
    Tss& tss = tsses[cpu];
    tss.ist[ist_double_fault - 1] = reinterpret_cast<std::uint64_t>(ist_stacks[cpu][0] + ist_stack_size);
    tss.ist[ist_nmi - 1] = reinterpret_cast<std::uint64_t>(ist_stacks[cpu][1] + ist_stack_size);
    tss.io_map_base = sizeof(Tss);

    Gdt& gdt = gdts[cpu];
    gdt.entries[0] = 0;
    gdt.entries[1] = 0x00af9a000000ffffull;  // kernel code: present, ring 0, long mode
    gdt.entries[2] = 0x00cf92000000ffffull;  // kernel data
    gdt.entries[3] = 0x00cff2000000ffffull;  // user data (ring 3): user_data_selector
    gdt.entries[4] = 0x00affa000000ffffull;  // user code (ring 3, long mode): user_code_selector
    auto base = reinterpret_cast<std::uint64_t>(&tss);
    std::uint64_t limit = sizeof(Tss) - 1;
    gdt.entries[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
                     (((base >> 24) & 0xff) << 56);
    gdt.entries[6] = base >> 32;

    GdtPointer pointer {sizeof(Gdt) - 1, reinterpret_cast<std::uint64_t>(&gdt)};
    asm volatile(
        "lgdt %0\n"
        "pushq %1\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "movw %w2, %%ss\n"
        "xorl %%eax, %%eax\n"
        "movw %%ax, %%ds\n"
        "movw %%ax, %%es\n"
        "movw %%ax, %%fs\n"
        "movw %%ax, %%gs\n"
        :
        : "m"(pointer), "i"(kernel_code_selector), "r"(std::uint32_t(kernel_data_selector))
        : "rax", "memory");
    asm volatile("ltr %w0" ::"r"(std::uint16_t(5 * 8)));
}

std::uint64_t tss_rsp0_address(unsigned cpu) {
    // rsp0 sits at byte 4 of the TSS, not 8-byte aligned: only assembly writes it.
    return reinterpret_cast<std::uint64_t>(&tsses[cpu]) + __builtin_offsetof(Tss, rsp);
}

}  // namespace x86
