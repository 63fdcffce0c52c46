// hal user mode on x86_64: enter_user and the initial register state (x86_64/user_mode.h
// has the trap-return design, user_entry.S the ring transitions).
#include "../../kernel/hal/usermode.h"

#include <cstddef>

#include "../../kernel/hal/interrupts.h"
#include "../../kernel/lib/string.h"
#include "../x86_64/address_space.h"
#include "../x86_64/arch.h"
#include "../x86_64/fpu.h"
#include "../x86_64/smp.h"
#include "../x86_64/user_mode.h"

namespace {

constexpr kernel::u64 rflags_always_one = 1u << 1;
constexpr kernel::u64 rflags_interrupt = 1u << 9;
// What user code may set (CF PF AF ZF SF TF DF OF AC ID); IOPL, NT, RF, VM, VIF, VIP stay 0.
constexpr kernel::u64 rflags_user_bits = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x200000;
constexpr unsigned vector_general_protection = 13;

// Sign-extended from bit 47: an address the CPU can load into rip or a base MSR without #GP.
bool canonical(kernel::u64 address) {
    return address < 0x0000800000000000ull || address >= 0xffff800000000000ull;
}

}  // namespace

namespace hal {

void reset_user_context(UserContext& context) {
    kstd::memset(&context, 0, offsetof(UserContext, fpu));
    context.rflags = rflags_always_one | rflags_interrupt;
    x86::fpu_reset(context.fpu);
}

Trap enter_user(AddressSpace& space, UserContext& context) {
    // What the CPU cannot load would fault in ring 0 (iretq's rip check, wrmsr): refuse it
    // as the #GP user code gets for jumping to such an address.
    if (!canonical(context.rip) || !canonical(context.fs_base) || !canonical(context.gs_base)) {
        Trap refused {TrapKind::exception};
        refused.vector = vector_general_protection;
        return refused;
    }
    context.rflags = (context.rflags & rflags_user_bits) | rflags_always_one | rflags_interrupt;
    // sysret resumes rip from rcx and rflags from r11, and on Intel CPUs faults in ring 0,
    // on the user's stack, when rcx is not canonical: only for user addresses.
    bool use_sysret = context.rcx == context.rip && context.r11 == context.rflags && context.rip < user_space_end;

    Trap trap {TrapKind::interrupt};
    x86::UserEntry entry {&space, &context, &trap};
    irq_disable();
    x86::activate_address_space(space);
    x86::wrmsr(x86::msr_fs_base, context.fs_base);
    x86::wrmsr(x86::msr_kernel_gs_base, context.gs_base);  // becomes the GS base at swapgs
    x86::fpu_restore(context.fpu);
    x86::this_cpu().user_entry = &entry;
    newt_enter_user(&context, use_sysret);
    // Back from x86_user_trap on the same CPU, interrupts still disabled. An interrupt ran its
    // handler already; now the kernel may preempt this thread, as after any interrupt.
    if (trap.kind == TrapKind::interrupt) kernel_interrupt_exit();
    irq_enable();
    return trap;
}

}  // namespace hal
