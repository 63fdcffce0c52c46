#include "user_mode.h"

#include <cstddef>

#include "../../kernel/core/klog.h"
#include "address_space.h"
#include "arch.h"
#include "fpu.h"
#include "gdt.h"
#include "smp.h"

namespace x86 {
namespace {

constexpr std::uint32_t msr_efer = 0xc0000080, msr_star = 0xc0000081, msr_lstar = 0xc0000082,
                        msr_fmask = 0xc0000084;
constexpr std::uint64_t efer_sce = 1;
// Linux's choice: every flag but bit 1 is cleared on syscall entry.
constexpr std::uint64_t syscall_flag_mask = 0x257fd5;
// sysret loads SS = base + 8 and CS = base + 16 (RPL 3): 0x1b and 0x23.
constexpr std::uint64_t sysret_base = KERNEL_DATA_SELECTOR | 3;
static_assert(sysret_base + 8 == USER_DATA_SELECTOR && sysret_base + 16 == USER_CODE_SELECTOR);
constexpr std::uint64_t cr4_smep = 1u << 20, cr4_smap = 1u << 21;
constexpr std::uint64_t cr0_alignment_mask = 1u << 18;  // AM: rflags.AC checks alignment in ring 3
constexpr unsigned vector_nmi = 2, vector_double_fault = 8, vector_page_fault = 14, vector_machine_check = 18;
constexpr std::uint64_t page_fault_write = 2, page_fault_fetch = 16;

static_assert(offsetof(hal::UserContext, rax) == USER_CONTEXT_RAX);
static_assert(offsetof(hal::UserContext, rbx) == USER_CONTEXT_RBX);
static_assert(offsetof(hal::UserContext, rcx) == USER_CONTEXT_RCX);
static_assert(offsetof(hal::UserContext, rdx) == USER_CONTEXT_RDX);
static_assert(offsetof(hal::UserContext, rsi) == USER_CONTEXT_RSI);
static_assert(offsetof(hal::UserContext, rdi) == USER_CONTEXT_RDI);
static_assert(offsetof(hal::UserContext, rbp) == USER_CONTEXT_RBP);
static_assert(offsetof(hal::UserContext, rsp) == USER_CONTEXT_RSP);
static_assert(offsetof(hal::UserContext, r8) == USER_CONTEXT_R8);
static_assert(offsetof(hal::UserContext, r9) == USER_CONTEXT_R9);
static_assert(offsetof(hal::UserContext, r10) == USER_CONTEXT_R10);
static_assert(offsetof(hal::UserContext, r11) == USER_CONTEXT_R11);
static_assert(offsetof(hal::UserContext, r12) == USER_CONTEXT_R12);
static_assert(offsetof(hal::UserContext, r13) == USER_CONTEXT_R13);
static_assert(offsetof(hal::UserContext, r14) == USER_CONTEXT_R14);
static_assert(offsetof(hal::UserContext, r15) == USER_CONTEXT_R15);
static_assert(offsetof(hal::UserContext, rip) == USER_CONTEXT_RIP);
static_assert(offsetof(hal::UserContext, rflags) == USER_CONTEXT_RFLAGS);

std::uint64_t read_cr4() {
    std::uint64_t value;
    asm volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}

void copy_registers(const InterruptFrame& frame, hal::UserContext& context) {
    context.rax = frame.rax, context.rbx = frame.rbx, context.rcx = frame.rcx, context.rdx = frame.rdx;
    context.rsi = frame.rsi, context.rdi = frame.rdi, context.rbp = frame.rbp, context.rsp = frame.rsp;
    context.r8 = frame.r8, context.r9 = frame.r9, context.r10 = frame.r10, context.r11 = frame.r11;
    context.r12 = frame.r12, context.r13 = frame.r13, context.r14 = frame.r14, context.r15 = frame.r15;
    context.rip = frame.rip, context.rflags = frame.rflags;
}

hal::Trap page_fault_trap(const hal::AddressSpace& space, std::uint64_t address, std::uint64_t error_code) {
    hal::Trap trap {hal::TrapKind::page_fault};
    trap.address = address;
    trap.access = error_code & page_fault_fetch   ? hal::access_execute
                  : error_code & page_fault_write ? hal::access_write
                                                  : hal::access_read;
    // Whether the space maps the page (usermode.h): a prot_none page has no present bit but is
    // a mapping all the same, and a kernel page has one but is no mapping of the space.
    trap.present = has_user_mapping(space, address);
    trap.error_code = error_code;
    return trap;
}

}  // namespace

void init_user_mode(unsigned cpu) {
    cpu_block(cpu).tss_rsp0 = tss_rsp0_address(cpu);
    wrmsr(msr_efer, rdmsr(msr_efer) | efer_sce);
    wrmsr(msr_star, (sysret_base << 48) | (std::uint64_t(kernel_code_selector) << 32));
    wrmsr(msr_lstar, reinterpret_cast<std::uint64_t>(&newt_syscall_entry));
    wrmsr(msr_fmask, syscall_flag_mask);
    std::uint32_t features = cpuid(0).eax >= 7 ? cpuid(7, 0).ebx : 0;
    std::uint64_t protections = (features & (1u << 7) ? cr4_smep : 0) | (features & (1u << 20) ? cr4_smap : 0);
    asm volatile("mov %0, %%cr4" ::"r"(read_cr4() | protections) : "memory");
    // As on Linux, a user program that sets AC gets #AC for misaligned accesses (the kernel
    // runs with AC clear: interrupt_stubs.S and FMASK clear it).
    std::uint64_t cr0;
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    asm volatile("mov %0, %%cr0" ::"r"(cr0 | cr0_alignment_mask) : "memory");
    init_fpu(cpu == 0);
    if (cpu == 0)
        klog_info("user mode: syscall/sysret, user CS %#x SS %#x; SMEP %s, SMAP %s", user_code_selector,
                  user_data_selector, protections & cr4_smep ? "on" : "unavailable",
                  protections & cr4_smap ? "on" : "unavailable");
}

}  // namespace x86

extern "C" void x86_user_trap(x86::InterruptFrame* frame) {
    using namespace x86;
    // CR2 first: nothing below may overwrite it, but keep the window empty.
    std::uint64_t fault_address = frame->vector == vector_page_fault ? read_cr2() : 0;
    unsigned vector = static_cast<unsigned>(frame->vector);
    PerCpu& cpu = this_cpu();
    UserEntry* entry = cpu.user_entry;
    // Not something a user program causes (or ring 3 without an enter_user): the kernel's.
    if (!entry || vector == vector_nmi || vector == vector_double_fault || vector == vector_machine_check)
        report_exception(*frame);
    cpu.user_entry = nullptr;
    hal::UserContext& context = *entry->context;
    copy_registers(*frame, context);
    context.fs_base = rdmsr(msr_fs_base);
    context.gs_base = rdmsr(msr_kernel_gs_base);  // the user's, swapped out by swapgs
    fpu_save(context.fpu);

    hal::Trap& trap = *entry->trap;
    if (vector == SYSCALL_TRAP_VECTOR) {
        trap = hal::Trap {hal::TrapKind::syscall};
    } else if (vector == vector_page_fault) {
        trap = page_fault_trap(*entry->space, fault_address, frame->error_code);
    } else if (vector < 32) {
        trap = hal::Trap {hal::TrapKind::exception};
        trap.vector = vector;
        trap.error_code = frame->error_code;
    } else {
        handle_interrupt_vector(vector);
        trap = hal::Trap {hal::TrapKind::interrupt};
        trap.vector = vector;
    }
    newt_resume_kernel();
}
