// hal user mode for the hosted backend: enter_user runs the guest in the space's stub
// process until it traps (docs/hal.md, "User mode").
//
// One entry: bring the stub's mappings up to date (the mapping queue, applied by the stub
// while it is frozen in its handler), write the registers into its control page, answer its
// report with RESUME, and wait for the next report. Interrupts stay disabled meanwhile, so
// a kick of this CPU only records; if something is pending while the guest runs, the kick
// handler signals the stub (kick_user_stub), which traps, and enter_user returns
// TrapKind::interrupt. Restoring the interrupt flag on the way out runs the handlers, and a
// thread switch can only happen there: when the stub is frozen again.
#include <linux/audit.h>
#include <signal.h>

#include <cstring>

#include "../kernel/hal/interrupts.h"
#include "../kernel/hal/physmem.h"
#include "../kernel/hal/usermode.h"
#include "address_space.h"
#include "host_cpu.h"
#include "stub_sync.h"
#include "user_stub.h"

namespace hosted {
namespace {

constexpr std::uint64_t page = hal::page_size;
// The XSAVE layout (usermode.h): legacy region, then the header.
constexpr std::size_t mxcsr_offset = 24;
constexpr std::size_t legacy_size = 512;
constexpr std::size_t xstate_bv_offset = 512;
constexpr std::size_t xsave_header_size = 64;
constexpr std::uint64_t x87_and_sse = 0x3;
// The CPU's #GP for `int 0x80` where the gate is not open to user mode: vector 0x80's IDT
// selector error code.
constexpr std::uint64_t int80_error_code = (0x80 << 3) | 2;
constexpr std::uint32_t invalid_opcode = 6;
constexpr std::uint32_t general_protection = 13;

std::uint32_t host_mxcsr_mask() {
    static const std::uint32_t mask = [] {
        alignas(16) std::uint8_t area[512] {};
        __builtin_ia32_fxsave(area);
        std::uint32_t value;
        std::memcpy(&value, area + 28, sizeof value);
        return value ? value : 0xffbf;  // 0: the CPU predates the field
    }();
    return mask;
}

bool canonical(std::uint64_t address) {
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(address << 16) >> 16) == address;
}

// The kernel's registers into the stub's control page, made safe for the host's sigreturn:
// FPU state XRSTOR would fault on in the stub is cleared (a guest gets the equivalent of
// what Linux's sigreturn does with a bad frame: the state is sanitized). The bases are
// canonical: enter_user refused the context otherwise.
void write_registers(const UserStub& stub, const hal::UserContext& context) {
    newt_stub_control& control = *stub.control;
    newt_stub_registers& r = control.registers;
    r = {context.rax, context.rbx, context.rcx, context.rdx, context.rsi, context.rdi, context.rbp, context.rsp,
         context.r8, context.r9, context.r10, context.r11, context.r12, context.r13, context.r14, context.r15,
         context.rip, context.rflags, context.fs_base, context.gs_base};
    std::memcpy(control.fpu, context.fpu, stub.xstate_size);
    std::uint32_t mxcsr;
    std::memcpy(&mxcsr, control.fpu + mxcsr_offset, sizeof mxcsr);
    mxcsr &= host_mxcsr_mask();
    std::memcpy(control.fpu + mxcsr_offset, &mxcsr, sizeof mxcsr);
    if (stub.xstate_size >= legacy_size + xsave_header_size) {
        // The legacy region is always loaded (the kernel may set xmm registers in it); the
        // other components follow XSTATE_BV, limited to what the host supports; the rest of
        // the header must be zero in the standard format.
        std::uint64_t xstate_bv;
        std::memcpy(&xstate_bv, control.fpu + xstate_bv_offset, sizeof xstate_bv);
        xstate_bv = (xstate_bv & stub.xfeatures) | x87_and_sse;
        std::memset(control.fpu + xstate_bv_offset, 0, xsave_header_size);
        std::memcpy(control.fpu + xstate_bv_offset, &xstate_bv, sizeof xstate_bv);
    }
}

// Everything in the control page is whatever the guest left there if it forged a report:
// plain values copied out, never used as sizes or indices.
void read_registers(const UserStub& stub, hal::UserContext& context) {
    const newt_stub_registers r = stub.control->registers;
    context.rax = r.rax, context.rbx = r.rbx, context.rcx = r.rcx, context.rdx = r.rdx;
    context.rsi = r.rsi, context.rdi = r.rdi, context.rbp = r.rbp, context.rsp = r.rsp;
    context.r8 = r.r8, context.r9 = r.r9, context.r10 = r.r10, context.r11 = r.r11;
    context.r12 = r.r12, context.r13 = r.r13, context.r14 = r.r14, context.r15 = r.r15;
    context.rip = r.rip, context.rflags = r.rflags, context.fs_base = r.fs_base, context.gs_base = r.gs_base;
    std::memcpy(context.fpu, stub.control->fpu, stub.xstate_size);
}

bool access_allowed(std::uint32_t access, std::uint32_t protection) {
    if (access == hal::access_execute) return protection & hal::prot_exec;
    if (access == hal::access_write) return protection & hal::prot_write;
    return protection & (hal::prot_read | hal::prot_write);  // x86: writable implies readable
}

hal::Trap exception(std::uint32_t vector, std::uint64_t error_code) {
    hal::Trap trap {hal::TrapKind::exception};
    trap.vector = vector;
    trap.error_code = error_code;
    return trap;
}

// The stub is gone (it crashed, the guest unmapped it, or it ignored a kick): to the kernel
// the thread took a #GP, with its registers as they were when it entered.
hal::Trap stub_died(hal::AddressSpace& space) {
    destroy_user_stub(space);
    return exception(general_protection, 0);
}

hal::Trap decode_trap(const hal::AddressSpace& space, hal::UserContext& context, const newt_stub_trap& report) {
    switch (report.signal) {
    case SIGURG:
        return {hal::TrapKind::interrupt};
    case SIGSYS:
        if (report.code == 1 /* SYS_SECCOMP */ && report.syscall_arch == AUDIT_ARCH_X86_64) return {hal::TrapKind::syscall};
        // int 0x80 (or sysenter): a 32-bit syscall. Report what a CPU whose vector 0x80 is
        // not a user gate would: #GP at the instruction.
        context.rip -= 2;
        return exception(general_protection, int80_error_code);
    case SIGILL:
        // A CPU #UD, or the host refusing an instruction itself (si_code SI_KERNEL): Linux
        // 6.11+ answers a `syscall` numbered 335 (uretprobe) outside its trampoline with
        // SIGILL, before seccomp sees it. Either is #UD to the kernel; the frame's trap
        // number is stale in the second case, so it is not used.
        return exception(invalid_opcode, 0);
    case SIGSEGV:
    case SIGBUS:
        if (report.trapno == 14) {
            hal::Trap trap {hal::TrapKind::page_fault};
            trap.address = report.address;
            trap.access = report.error & 0x10 ? hal::access_execute
                          : report.error & 0x2 ? hal::access_write
                                               : hal::access_read;
            trap.present = !hal::translate(space, report.address).is_error();
            return trap;
        }
        break;
    default:
        break;
    }
    return exception(report.trapno < 32 ? static_cast<std::uint32_t>(report.trapno) : general_protection, report.error);
}

}  // namespace

}  // namespace hosted

namespace hal {

void reset_user_context(UserContext& context) {
    std::memset(&context, 0, sizeof context);
    context.rflags = 0x202;
    const std::uint16_t fcw = 0x37f;
    const std::uint32_t mxcsr = 0x1f80;
    std::memcpy(context.fpu, &fcw, sizeof fcw);
    std::memcpy(context.fpu + hosted::mxcsr_offset, &mxcsr, sizeof mxcsr);
}

Trap enter_user(AddressSpace& space, UserContext& context) {
    // What a CPU could not load is refused as the #GP it would raise (usermode.h); the host
    // would otherwise kill the stub in its sigreturn or its wrfsbase.
    if (!hosted::canonical(context.rip) || !hosted::canonical(context.fs_base) || !hosted::canonical(context.gs_base))
        return hosted::exception(hosted::general_protection, 0);
    // Host calls and a stub running guest code: no interrupt may run on this CPU meanwhile.
    InterruptGuard interrupts;
    hosted::HostCpu* cpu = hosted::this_host_cpu();
    std::uint64_t resynced_page = ~std::uint64_t(0);
    unsigned failed_syncs = 0;
    for (;;) {
        if (!space.stub) {
            auto stub = hosted::spawn_user_stub();
            if (stub.is_error()) return hosted::exception(hosted::general_protection, 0);
            kernel::SpinlockGuard guard(space.lock);
            space.stub = stub.value();
            space.dirty.clear();
            space.dirty.add(user_space_start, user_space_end);
        }
        // A stub killed here (too slow, or a guest that forged its report) costs only a new
        // one: the registers are in `context`.
        if (!hosted::sync_stub(space)) {
            if (++failed_syncs < 3) continue;
            return hosted::exception(hosted::general_protection, 0);  // cannot get a working stub
        }
        hosted::UserStub& stub = *space.stub;
        hosted::write_registers(stub, context);

        if (cpu) {
            cpu->user_stub_kicked.store(false);
            cpu->user_stub_pidfd.store(stub.pidfd);
            // From here a kick of this CPU signals the stub; what is already pending stops us.
            hosted::note_timer_expiry(*cpu);
            if (cpu->pending.load()) {
                cpu->user_stub_pidfd.store(-1);
                return {TrapKind::interrupt};
            }
        }
        hosted::answer_report(stub, NEWT_STUB_COMMAND_RESUME);
        hosted::StubEvent event = hosted::wait_for_report(space, stub, cpu);
        if (cpu) cpu->user_stub_pidfd.store(-1);
        if (event != hosted::StubEvent::report) return hosted::stub_died(space);

        const newt_stub_trap report = stub.control->trap;
        hosted::read_registers(stub, context);
        Trap trap = hosted::decode_trap(space, context, report);
        if (trap.kind == TrapKind::page_fault && trap.present) {
            // A fault the page table allows means the stub's mapping differs from the table
            // (the guest unmapped its own page through the stub): map it again and go on.
            auto mapping = translate(space, trap.address);
            std::uint64_t fault_page = trap.address & ~(hosted::page - 1);
            if (!mapping.is_error() && hosted::access_allowed(trap.access, mapping->protection) && fault_page != resynced_page) {
                resynced_page = fault_page;
                kernel::SpinlockGuard guard(space.lock);
                space.dirty.add(fault_page, fault_page + hosted::page);
                continue;
            }
        }
        return trap;
    }
}

}  // namespace hal
