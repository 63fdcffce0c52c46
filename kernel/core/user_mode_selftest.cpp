#include "user_mode_selftest.h"

#include <atomic>

#include "../hal/cpu.h"
#include "../hal/mmu.h"
#include "../hal/physmem.h"
#include "../hal/timer.h"
#include "../hal/usermode.h"
#include "../lib/errno.h"
#include "../lib/format.h"
#include "../lib/string.h"
#include "../mm/frame_allocator.h"
#include "../mm/heap.h"
#include "../tty/console.h"
#include "scheduler.h"

namespace kernel {
namespace {

using ull = unsigned long long;

// Where a guest's pages live (user addresses, the same in every guest's space).
constexpr uptr code_va = 0x400000;
constexpr uptr data_va = 0x600000;           // two read-write pages
constexpr uptr read_only_va = 0x602000;      // data page 0 again, read-only
constexpr uptr no_execute_va = 0x603000;     // data page 0 again, read-write, not executable
constexpr uptr inaccessible_va = 0x604000;   // data page 0 again, prot_none
constexpr uptr unmapped_va = 0x700000;
constexpr uptr stack_va = 0x7fff0000;        // one page; rsp starts at its top
constexpr usize page = hal::page_size;

constexpr u64 rflags_trap = 0x100;
constexpr unsigned vector_divide = 0, vector_debug = 1, vector_breakpoint = 3, vector_invalid_opcode = 6,
                   vector_general_protection = 13;

// --- the user programs ---------------------------------------------------------------------
// Hand-assembled x86-64, position independent; offsets are from the start of the program.

// Syscall round trips. rbx counts; rax = 0x1000 + rbx, rdi, rsi, rdx, r10, r8, r9 =
// rbx + 0x11110000 .. 0x66660000; the results (rax after each syscall) add up in r12.
constexpr u8 syscall_loop[] = {
    0x45, 0x31, 0xe4,                          // 00 xor %r12d, %r12d
    0x31, 0xdb,                                // 03 xor %ebx, %ebx
    0x48, 0x8d, 0x83, 0x00, 0x10, 0x00, 0x00,  // 05 lea 0x1000(%rbx), %rax
    0x48, 0x8d, 0xbb, 0x00, 0x00, 0x11, 0x11,  // 0c lea 0x11110000(%rbx), %rdi
    0x48, 0x8d, 0xb3, 0x00, 0x00, 0x22, 0x22,  // 13 lea 0x22220000(%rbx), %rsi
    0x48, 0x8d, 0x93, 0x00, 0x00, 0x33, 0x33,  // 1a lea 0x33330000(%rbx), %rdx
    0x4c, 0x8d, 0x93, 0x00, 0x00, 0x44, 0x44,  // 21 lea 0x44440000(%rbx), %r10
    0x4c, 0x8d, 0x83, 0x00, 0x00, 0x55, 0x55,  // 28 lea 0x55550000(%rbx), %r8
    0x4c, 0x8d, 0x8b, 0x00, 0x00, 0x66, 0x66,  // 2f lea 0x66660000(%rbx), %r9
    0x0f, 0x05,                                // 36 syscall
    0x49, 0x01, 0xc4,                          // 38 add %rax, %r12
    0x48, 0xff, 0xc3,                          // 3b inc %rbx
    0xeb, 0xc5,                                // 3e jmp 05
};
constexpr uptr syscall_loop_return = 0x38;

// Two syscalls; in between rcx and r11 (which the second syscall overwrites) go to r13, r14.
constexpr u8 register_echo[] = {
    0x0f, 0x05,        // 00 syscall
    0x49, 0x89, 0xcd,  // 02 mov %rcx, %r13
    0x4d, 0x89, 0xde,  // 05 mov %r11, %r14
    0x0f, 0x05,        // 08 syscall
    0x0f, 0x0b,        // 0a ud2
};
constexpr uptr register_echo_second_return = 0x0a;

constexpr u8 two_increments[] = {
    0x48, 0xff, 0xc0,  // 00 inc %rax
    0x48, 0xff, 0xc0,  // 03 inc %rax
    0x0f, 0x0b,        // 06 ud2
};

// Memory probes, each entered at its own offset with the address in rdi.
constexpr u8 probes[] = {
    0x48, 0x8b, 0x07,  // 00 mov (%rdi), %rax
    0x0f, 0x05,        // 03 syscall
    0x48, 0x89, 0x07,  // 05 mov %rax, (%rdi)
    0x0f, 0x05,        // 08 syscall
    0xff, 0xe7,        // 0a jmp *%rdi
};
constexpr uptr probe_read = 0x00, probe_write = 0x05, probe_execute = 0x0a;

// Instructions that fault, each entered at its own offset.
constexpr u8 faulting_instructions[] = {
    0x0f, 0x0b,        // 00 ud2
    0xcc,              // 02 int3
    0x48, 0xf7, 0xf1,  // 03 div %rcx
    0xf4,              // 06 hlt
    0xfa,              // 07 cli
    0x0f, 0x22, 0xd8,  // 08 mov %rax, %cr3
    0xec,              // 0b in (%dx), %al
    0xcd, 0x80,        // 0c int $0x80
};

constexpr u8 spin[] = {
    0x48, 0xff, 0xc0,  // 00 inc %rax
    0xeb, 0xfb,        // 03 jmp 00
};

constexpr u8 segment_reads[] = {
    0x64, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00,  // 00 mov %fs:0, %rax
    0x65, 0x48, 0x8b, 0x14, 0x25, 0x08, 0x00, 0x00, 0x00,  // 09 mov %gs:8, %rdx
    0x0f, 0x05,                                            // 12 syscall
    0xeb, 0xea,                                            // 14 jmp 00
};

// CPUID leaf 1: ecx -> r8, edx -> r9.
constexpr u8 cpuid_probe[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00,  // 00 mov $1, %eax
    0x31, 0xc9,                    // 05 xor %ecx, %ecx
    0x0f, 0xa2,                    // 07 cpuid
    0x41, 0x89, 0xc8,              // 09 mov %ecx, %r8d
    0x41, 0x89, 0xd1,              // 0c mov %edx, %r9d
    0x0f, 0x05,                    // 0f syscall
};

// XCR0 (low half) -> r8; the AVX state's offset in the XSAVE area (CPUID 0xD.2 EBX) -> r9.
constexpr u8 xgetbv_probe[] = {
    0x31, 0xc9,                    // 00 xor %ecx, %ecx
    0x0f, 0x01, 0xd0,              // 02 xgetbv
    0x41, 0x89, 0xc0,              // 05 mov %eax, %r8d
    0xb8, 0x0d, 0x00, 0x00, 0x00,  // 08 mov $0xd, %eax
    0xb9, 0x02, 0x00, 0x00, 0x00,  // 0d mov $2, %ecx
    0x0f, 0xa2,                    // 12 cpuid
    0x41, 0x89, 0xd9,              // 14 mov %ebx, %r9d
    0x0f, 0x05,                    // 17 syscall
};

// xmm0's halves -> rax, rdx (xmm1 = the high half twice); MXCSR -> esi, FCW -> edi.
constexpr u8 fpu_probe[] = {
    0x66, 0x48, 0x0f, 0x7e, 0xc0,        // 00 movq %xmm0, %rax
    0x66, 0x0f, 0x70, 0xc8, 0xee,        // 05 pshufd $0xee, %xmm0, %xmm1
    0x66, 0x48, 0x0f, 0x7e, 0xca,        // 0a movq %xmm1, %rdx
    0x0f, 0xae, 0x5c, 0x24, 0xf8,        // 0f stmxcsr -8(%rsp)
    0x8b, 0x74, 0x24, 0xf8,              // 14 mov -8(%rsp), %esi
    0xd9, 0x7c, 0x24, 0xf0,              // 18 fnstcw -16(%rsp)
    0x0f, 0xb7, 0x7c, 0x24, 0xf0,        // 1c movzwl -16(%rsp), %edi
    0x0f, 0x05,                          // 21 syscall
};

// Reads the word at (%rbx) into rdx, increments it, syscall 0x1000, again. The number stays
// fixed: one that followed the counter would pass 335 and 336, which a Linux host answers
// itself in hosted mode (usermode.h).
constexpr u8 counter[] = {
    0x48, 0x8b, 0x13,              // 00 mov (%rbx), %rdx
    0x48, 0xff, 0x03,              // 03 incq (%rbx)
    0xb8, 0x00, 0x10, 0x00, 0x00,  // 06 mov $0x1000, %eax
    0x0f, 0x05,                    // 0b syscall
    0xeb, 0xf1,                    // 0d jmp 00
};
constexpr u64 counter_syscall = 0x1000;

// A program being assembled into a code page.
class Assembler {
public:
    explicit Assembler(u8* code) : code_(code) {}
    void bytes(std::initializer_list<u8> list) {
        for (u8 byte : list) code_[size_++] = byte;
    }
    void disp32(u32 value) {
        for (int i = 0; i < 4; ++i) code_[size_++] = static_cast<u8>(value >> (8 * i));
    }
    usize size() const { return size_; }

private:
    u8* code_;
    usize size_ = 0;
};

// Register keepers: load xmm0-15 (or ymm0-15) from the pattern at (%rbx), then forever store
// them all to (%r12) and syscall. Each store shows what survived the previous trap.
// Encodings: movdqu is F3 [REX] 0F 6F/7F with modrm mod=10 (disp32); vmovdqu ymm is the
// three-byte VEX C4 [~R ~X ~B 00001] [0 1111 1 10] 6F/7F. r12 as a base needs a SIB byte.
usize assemble_register_keeper(u8* code, bool ymm) {
    Assembler a(code);
    u32 width = ymm ? 32 : 16;
    for (u8 i = 0; i < 16; ++i) {  // load from rbx + width * i
        u8 high = i >= 8, modrm = static_cast<u8>(0x83 | ((i & 7) << 3));
        if (ymm) a.bytes({0xc4, static_cast<u8>((high ? 0 : 0x80) | 0x61), 0x7e, 0x6f, modrm});
        else if (high) a.bytes({0xf3, 0x44, 0x0f, 0x6f, modrm});
        else a.bytes({0xf3, 0x0f, 0x6f, modrm});
        a.disp32(width * i);
    }
    usize loop = a.size();
    for (u8 i = 0; i < 16; ++i) {  // store to r12 + width * i
        u8 high = i >= 8, modrm = static_cast<u8>(0x84 | ((i & 7) << 3));
        if (ymm) a.bytes({0xc4, static_cast<u8>((high ? 0 : 0x80) | 0x41), 0x7e, 0x7f, modrm, 0x24});
        else a.bytes({0xf3, static_cast<u8>(0x41 | (high ? 0x04 : 0)), 0x0f, 0x7f, modrm, 0x24});
        a.disp32(width * i);
    }
    a.bytes({0x0f, 0x05});  // syscall
    a.bytes({0xe9});        // jmp loop
    a.disp32(static_cast<u32>(static_cast<i32>(loop) - static_cast<i32>(a.size() + 4)));
    return a.size();
}

// --- outcomes -------------------------------------------------------------------------------

class Outcome {
public:
    // Records the first failure; returns false so a check can `return out.fail(...)`.
    [[gnu::format(printf, 2, 3)]] bool fail(const char* format, ...) {
        if (!failed_) {
            kstd::va_list arguments;
            __builtin_va_start(arguments, format);
            kstd::vformat(why_, sizeof why_, format, arguments);
            __builtin_va_end(arguments);
            failed_ = true;
        }
        return false;
    }
    bool skip(const char* why) {
        skipped_ = true;
        kstd::strlcpy(why_, why, sizeof why_);
        return true;
    }
    void absorb(const Outcome& other) {
        if (other.failed_ && !failed_) {
            failed_ = true;
            kstd::strlcpy(why_, other.why_, sizeof why_);
        }
    }
    bool failed() const { return failed_; }
    bool skipped() const { return skipped_; }
    const char* why() const { return why_; }

private:
    bool failed_ = false;
    bool skipped_ = false;
    char why_[200] = {};
};

const char* trap_kind_name(hal::TrapKind kind) {
    switch (kind) {
    case hal::TrapKind::syscall: return "syscall";
    case hal::TrapKind::page_fault: return "page fault";
    case hal::TrapKind::exception: return "exception";
    case hal::TrapKind::interrupt: return "interrupt";
    }
    return "?";
}

// --- guests ---------------------------------------------------------------------------------

// One user program in its own address space: a code page (read, execute), a stack page and
// two data pages (read, write), all from the frame allocator, and its UserContext (in frames
// too: it is large and 64-byte aligned).
class Guest {
public:
    Guest() = default;
    Guest(const Guest&) = delete;
    Guest& operator=(const Guest&) = delete;
    ~Guest() { destroy(); }

    Result<void> create(const u8* program, usize size) {
        TRY(create_empty());
        kstd::memcpy(code(), program, size);
        return ok();
    }
    // A space whose code page the caller fills (code()).
    Result<void> create_empty() {
        space = TRY(hal::create_address_space());
        context_order_ = mm::order_for_bytes(sizeof(hal::UserContext));
        context_frame_ = TRY(mm::allocate_frames(context_order_));
        code_frame = TRY(new_frame());
        stack_frame_ = TRY(new_frame());
        for (PhysAddr& frame : data_frames) frame = TRY(new_frame());
        TRY(hal::map(*space, code_va, code_frame, hal::prot_read | hal::prot_exec));
        TRY(hal::map(*space, stack_va, stack_frame_, hal::prot_read | hal::prot_write));
        TRY(hal::map(*space, data_va, data_frames[0], hal::prot_read | hal::prot_write));
        TRY(hal::map(*space, data_va + page, data_frames[1], hal::prot_read | hal::prot_write));
        context_ = new (hal::phys_to_virt(context_frame_)) hal::UserContext;
        reset();
        return ok();
    }
    void reset() {
        hal::reset_user_context(*context_);
        context_->rip = code_va;
        context_->rsp = stack_va + page;
    }
    void destroy() {
        if (space) {
            hal::unmap(*space, hal::user_space_start, hal::user_space_end - hal::user_space_start);
            hal::destroy_address_space(space);
            space = nullptr;
        }
        for (PhysAddr* frame : {&code_frame, &stack_frame_, &data_frames[0], &data_frames[1]}) {
            if (*frame) mm::free_frames(*frame);
            *frame = 0;
        }
        if (context_frame_) mm::free_frames(context_frame_, context_order_);
        context_frame_ = 0;
        context_ = nullptr;
    }

    hal::UserContext& context() { return *context_; }
    u8* code() { return static_cast<u8*>(hal::phys_to_virt(code_frame)); }
    u64* data(usize index) { return static_cast<u64*>(hal::phys_to_virt(data_frames[index])); }

    // Runs until the program traps for a reason other than an interrupt (interrupts are
    // resumed, as the kernel's loop does, and counted).
    hal::Trap run() {
        for (;;) {
            hal::Trap trap = hal::enter_user(*space, *context_);
            if (trap.kind != hal::TrapKind::interrupt) return trap;
            ++interrupts;
        }
    }

    hal::AddressSpace* space = nullptr;
    PhysAddr code_frame = 0;
    PhysAddr data_frames[2] = {};
    u64 interrupts = 0;

private:
    static Result<PhysAddr> new_frame() {
        PhysAddr frame = TRY(mm::allocate_frames(0));
        kstd::memset(hal::phys_to_virt(frame), 0, page);
        return frame;
    }

    PhysAddr stack_frame_ = 0;
    PhysAddr context_frame_ = 0;
    unsigned context_order_ = 0;
    hal::UserContext* context_ = nullptr;
};

bool expect_trap(Outcome& out, const char* what, const hal::Trap& trap, hal::TrapKind kind) {
    if (trap.kind == kind) return true;
    return out.fail("%s: trap %s (vector %u, address %#llx), expected %s", what, trap_kind_name(trap.kind),
                    trap.vector, static_cast<ull>(trap.address), trap_kind_name(kind));
}

bool expect_equal(Outcome& out, const char* what, u64 value, u64 expected) {
    if (value == expected) return true;
    return out.fail("%s is %#llx, expected %#llx", what, static_cast<ull>(value), static_cast<ull>(expected));
}

// Spawns `function(argument)` pinned to `cpu` (-1: any).
Result<RefPtr<Thread>> spawn(const char* name, ThreadFunction function, void* argument, int cpu) {
    ThreadOptions options;
    options.name = name;
    options.pinned_cpu = cpu;
    return spawn_thread(function, argument, options);
}

// Figures printed after the cases.
struct Figures {
    u64 sysret_round_trip_ns = 0;
    u64 iretq_round_trip_ns = 0;
    u64 interrupt_trap_ms = 0;
    u64 longest_remote_destroy_ns = 0;
} figures;

// Set by case_cpu_features (which the ymm case runs first when it was filtered out).
bool cpu_features_known = false;
bool cpu_has_avx = false;
u32 avx_state_offset = 0;  // of the AVX component in the XSAVE area (CPUID 0xD.2)

// --- cases ----------------------------------------------------------------------------------


bool set_up(Outcome& out, Guest& guest, const u8* program, usize size) {
    auto created = guest.create(program, size);
    if (created.is_error()) return out.fail("setting up a guest: %s", errno_name(created.error()));
    return true;
}

template <usize size>
bool set_up(Outcome& out, Guest& guest, const u8 (&program)[size]) {
    return set_up(out, guest, program, size);
}

// map/unmap/protect/translate/walk bookkeeping, without running anything.
bool case_mmu_bookkeeping(Outcome& out) {
    auto created = hal::create_address_space();
    if (created.is_error()) return out.fail("create_address_space: %s", errno_name(created.error()));
    hal::AddressSpace& space = *created.value();
    auto frame_result = mm::allocate_frames(0);
    if (frame_result.is_error()) {
        hal::destroy_address_space(&space);
        return out.fail("no frame");
    }
    PhysAddr frame = frame_result.value();
    auto check = [&]() -> bool {
        struct Refused {
            uptr va;
            const char* what;
        };
        for (Refused refused : {Refused {code_va + 8, "an unaligned address"},
                                Refused {hal::user_space_start - page, "below user space"},
                                Refused {hal::user_space_end, "the end of user space"},
                                Refused {reinterpret_cast<uptr>(hal::phys_to_virt(frame)), "a kernel address"}}) {
            auto result = hal::map(space, refused.va, frame, hal::prot_read);
            if (result.is_error() ? result.error() != Errno::einval : true)
                return out.fail("map at %s (%#llx) was not EINVAL", refused.what, static_cast<ull>(refused.va));
        }
        struct Wanted {
            uptr va;
            u32 protection;
        };
        const Wanted wanted[] = {
            {hal::user_space_start, hal::prot_read},
            {code_va, hal::prot_read | hal::prot_exec},
            {data_va, hal::prot_write},  // write-only as given (x86 makes it readable too)
            {inaccessible_va, hal::prot_none},
            {hal::user_space_end - page, hal::prot_read | hal::prot_write},
        };
        for (const Wanted& w : wanted) {
            if (hal::map(space, w.va, frame, w.protection).is_error())
                return out.fail("map at %#llx failed", static_cast<ull>(w.va));
        }
        for (const Wanted& w : wanted) {
            auto mapping = hal::translate(space, w.va + 123);
            if (mapping.is_error()) return out.fail("translate %#llx: EFAULT", static_cast<ull>(w.va + 123));
            if (mapping->pa != frame || mapping->protection != w.protection)
                return out.fail("translate %#llx: frame %#llx protection %u, expected %#llx and %u",
                                static_cast<ull>(w.va), static_cast<ull>(mapping->pa), mapping->protection,
                                static_cast<ull>(frame), w.protection);
        }
        usize visited = 0;
        bool in_order = true;
        hal::walk(space, 0, hal::user_space_end, [&](uptr va, const hal::Mapping& mapping) {
            if (visited < sizeof wanted / sizeof wanted[0])
                in_order &= va == wanted[visited].va && mapping.protection == wanted[visited].protection;
            ++visited;
        });
        if (visited != 5 || !in_order) return out.fail("walk visited %zu pages (in order: %d), expected 5", visited, in_order);
        hal::protect(space, code_va, 2 * page, hal::prot_read | hal::prot_write);
        auto changed = hal::translate(space, code_va);
        if (changed.is_error() || changed->protection != (hal::prot_read | hal::prot_write))
            return out.fail("protect did not change the protection");
        hal::protect(space, unmapped_va, page, hal::prot_read);
        if (!hal::translate(space, unmapped_va).is_error()) return out.fail("protect mapped an unmapped page");
        if (!hal::translate(space, reinterpret_cast<uptr>(hal::phys_to_virt(frame))).is_error())
            return out.fail("translate of a kernel address was not EFAULT");
        hal::unmap(space, data_va, inaccessible_va + page - data_va);
        if (!hal::translate(space, data_va).is_error() || !hal::translate(space, inaccessible_va).is_error())
            return out.fail("unmap left a mapping");
        if (hal::translate(space, code_va).is_error()) return out.fail("unmap removed a page outside its range");
        visited = 0;
        hal::walk(space, code_va, code_va + page, [&](uptr, const hal::Mapping&) { ++visited; });
        if (visited != 1) return out.fail("walk of one page visited %zu", visited);
        hal::unmap(space, 0, ~uptr(0));
        visited = 0;
        hal::walk(space, 0, hal::user_space_end, [&](uptr, const hal::Mapping&) { ++visited; });
        if (visited != 0) return out.fail("after unmapping everything walk still visits %zu pages", visited);
        return true;
    };
    bool passed = check();
    hal::destroy_address_space(&space);
    mm::free_frames(frame);
    return passed;
}

u64 syscall_result(u64 n) { return (n << 32) ^ (n * 0x9e3779b1u + 0x55); }

// 200 round trips to warm up, then 10 batches of 1000, through sysret and iretq (rcx cleared
// each time) in turn; the figure for each is its fastest batch (the others met timer
// interrupts or an emulator's translation work).
bool case_syscall_round_trips(Outcome& out) {
    Guest guest;
    if (!set_up(out, guest, syscall_loop)) return false;
    hal::UserContext& c = guest.context();
    enum Phase { warm_up, through_sysret, through_iretq };
    constexpr u64 rounds[] = {200, 1000, 1000};
    const Phase phases[] = {warm_up,        through_sysret, through_iretq, through_sysret, through_iretq,
                            through_sysret, through_iretq,  through_sysret, through_iretq, through_sysret,
                            through_iretq};
    u64 sum = 0, n = 0;
    figures.sysret_round_trip_ns = figures.iretq_round_trip_ns = ~u64(0);
    for (Phase phase : phases) {
        u64 start = hal::monotonic_ns();
        for (u64 round = 0; round < rounds[phase]; ++round, ++n) {
            hal::Trap trap = guest.run();
            if (!expect_trap(out, "syscall", trap, hal::TrapKind::syscall)) return false;
            const struct {
                const char* name;
                u64 value, expected;
            } arguments[] = {
                {"rax (number)", c.rax, 0x1000 + n},
                {"rdi", c.rdi, 0x11110000 + n},
                {"rsi", c.rsi, 0x22220000 + n},
                {"rdx", c.rdx, 0x33330000 + n},
                {"r10", c.r10, 0x44440000 + n},
                {"r8", c.r8, 0x55550000 + n},
                {"r9", c.r9, 0x66660000 + n},
                {"r12 (the guest's sum of results)", c.r12, sum},
                {"rip", c.rip, code_va + syscall_loop_return},
                {"rcx", c.rcx, c.rip},
                {"r11", c.r11, c.rflags},
            };
            for (const auto& argument : arguments)
                if (argument.value != argument.expected)
                    return out.fail("round trip %llu: %s is %#llx, expected %#llx", static_cast<ull>(n), argument.name,
                                    static_cast<ull>(argument.value), static_cast<ull>(argument.expected));
            c.rax = syscall_result(n);
            sum += c.rax;
            if (phase == through_iretq) c.rcx = 0;  // not the return address: iretq
        }
        u64 per_round_trip = (hal::monotonic_ns() - start) / rounds[phase];
        u64& figure = phase == through_iretq ? figures.iretq_round_trip_ns : figures.sysret_round_trip_ns;
        if (phase != warm_up && per_round_trip < figure) figure = per_round_trip;
    }
    return true;
}

// The kernel sets every register; a second syscall shows what the guest got.
bool resume_exactly(Outcome& out, bool via_sysret) {
    Guest guest;
    if (!set_up(out, guest, register_echo)) return false;
    hal::UserContext& c = guest.context();
    if (!expect_trap(out, "first syscall", guest.run(), hal::TrapKind::syscall)) return false;
    // CF PF ZF SF DF OF AC, plus IOPL 3 and NT, which user code must not get.
    constexpr u64 requested_flags = 0x202 | 0x1 | 0x4 | 0x40 | 0x80 | 0x400 | 0x800 | 0x40000 | 0x3000 | 0x4000;
    constexpr u64 expected_flags = requested_flags & ~u64(0x3000 | 0x4000);
    hal::UserContext set = c;
    u64 pattern = 0x0123456789abcdefull;
    for (u64* reg : {&set.rax, &set.rbx, &set.rdx, &set.rsi, &set.rdi, &set.rbp, &set.r8, &set.r9, &set.r10,
                     &set.r12, &set.r13, &set.r14, &set.r15}) {
        pattern = pattern * 6364136223846793005ull + 1442695040888963407ull;
        *reg = pattern;
    }
    set.rsp = stack_va + 0x7f8;
    set.rflags = requested_flags;
    if (via_sysret) {
        set.rcx = set.rip;
        set.r11 = expected_flags;
    } else {
        set.rcx = 0xfedcba9876543210ull;  // not canonical: sysret would fault
        set.r11 = 0x0000000000ff0ff0ull;
    }
    c = set;
    hal::Trap trap = guest.run();
    if (!expect_trap(out, "second syscall", trap, hal::TrapKind::syscall)) return false;
    const struct {
        const char* name;
        u64 value, expected;
    } registers[] = {
        {"rax", c.rax, set.rax}, {"rbx", c.rbx, set.rbx}, {"rdx", c.rdx, set.rdx}, {"rsi", c.rsi, set.rsi},
        {"rdi", c.rdi, set.rdi}, {"rbp", c.rbp, set.rbp}, {"rsp", c.rsp, set.rsp}, {"r8", c.r8, set.r8},
        {"r9", c.r9, set.r9},    {"r10", c.r10, set.r10}, {"r12", c.r12, set.r12}, {"r15", c.r15, set.r15},
        {"rcx (copied to r13)", c.r13, set.rcx}, {"r11 (copied to r14)", c.r14, set.r11},
        {"rflags", c.rflags, expected_flags},     {"rip", c.rip, code_va + register_echo_second_return},
    };
    for (const auto& reg : registers)
        if (!expect_equal(out, reg.name, reg.value, reg.expected)) return false;
    return true;
}

bool case_resume_iretq(Outcome& out) { return resume_exactly(out, false); }
bool case_resume_sysret(Outcome& out) { return resume_exactly(out, true); }

bool case_single_step(Outcome& out) {
    Guest guest;
    if (!set_up(out, guest, two_increments)) return false;
    guest.context().rflags |= rflags_trap;
    guest.context().rax = 41;
    hal::Trap trap = guest.run();
    if (!expect_trap(out, "single step", trap, hal::TrapKind::exception)) return false;
    return expect_equal(out, "vector", trap.vector, vector_debug) &&
           expect_equal(out, "rip (after one instruction)", guest.context().rip, code_va + 3) &&
           expect_equal(out, "rax", guest.context().rax, 42);
}

// rip values the CPU cannot or must not run: a refused context, or a page fault in user mode.
// None of the targets is a page of the space, so `present` is false for all (usermode.h:
// outside the user range nothing is present, as Linux reports SEGV_MAPERR there).
bool case_bad_rip(Outcome& out) {
    Guest guest;
    if (!set_up(out, guest, spin)) return false;
    guest.context().rip = 0x0000800000000000ull;  // not canonical
    hal::Trap trap = guest.run();
    if (!expect_trap(out, "non-canonical rip", trap, hal::TrapKind::exception)) return false;
    if (!expect_equal(out, "vector for a non-canonical rip", trap.vector, vector_general_protection) ||
        !expect_equal(out, "rip after a refused entry", guest.context().rip, 0x0000800000000000ull))
        return false;
    struct Target {
        uptr rip;
        const char* what;
    };
    for (Target target : {Target {reinterpret_cast<uptr>(&run_user_mode_selftest), "kernel code"},
                          Target {reinterpret_cast<uptr>(hal::phys_to_virt(guest.code_frame)), "kernel data"},
                          Target {hal::user_space_start - page, "the page below user space"},
                          Target {hal::user_space_end - page, "the last page of user space"},
                          Target {hal::user_space_end, "the end of user space"},
                          Target {unmapped_va, "an unmapped page"}}) {
        guest.reset();
        guest.context().rip = target.rip;
        trap = guest.run();
        if (!expect_trap(out, target.what, trap, hal::TrapKind::page_fault)) return false;
        if (trap.address != target.rip || trap.access != hal::access_execute || trap.present ||
            guest.context().rip != target.rip)
            return out.fail("jump to %s (%#llx): address %#llx access %u present %d rip %#llx", target.what,
                            static_cast<ull>(target.rip), static_cast<ull>(trap.address), trap.access, trap.present,
                            static_cast<ull>(guest.context().rip));
    }
    return true;
}

// One memory access by the probes program; `expected` describes the page fault, or nothing
// (kind syscall) for an access that works.
struct Access {
    const char* what;
    uptr probe;
    uptr address;
    hal::TrapKind kind;
    u32 access;
    bool present;
};

bool try_access(Outcome& out, Guest& guest, const Access& a, u64 value = 0) {
    guest.reset();
    guest.context().rip = code_va + a.probe;
    guest.context().rdi = a.address;
    guest.context().rax = value;
    hal::Trap trap = guest.run();
    if (!expect_trap(out, a.what, trap, a.kind)) return false;
    if (a.kind != hal::TrapKind::page_fault) return true;
    uptr fault_rip = a.probe == probe_execute ? a.address : code_va + a.probe;
    if (trap.address != a.address || trap.access != a.access || trap.present != a.present ||
        guest.context().rip != fault_rip)
        return out.fail("%s: page fault at %#llx access %u present %d rip %#llx, expected %#llx %u %d rip %#llx", a.what,
                        static_cast<ull>(trap.address), trap.access, trap.present,
                        static_cast<ull>(guest.context().rip), static_cast<ull>(a.address), a.access, a.present,
                        static_cast<ull>(fault_rip));
    return true;
}

bool case_page_faults(Outcome& out) {
    Guest guest;
    if (!set_up(out, guest, probes)) return false;
    hal::AddressSpace& space = *guest.space;
    PhysAddr page0 = guest.data_frames[0];
    if (hal::map(space, read_only_va, page0, hal::prot_read).is_error() ||
        hal::map(space, no_execute_va, page0, hal::prot_read | hal::prot_write).is_error() ||
        hal::map(space, inaccessible_va, page0, hal::prot_none).is_error())
        return out.fail("map failed");
    guest.data(0)[0] = 0x5eed;
    auto kernel_address = reinterpret_cast<uptr>(hal::phys_to_virt(page0));
    using K = hal::TrapKind;
    const Access accesses[] = {
        {"read of an unmapped page", probe_read, unmapped_va, K::page_fault, hal::access_read, false},
        {"write to an unmapped page", probe_write, unmapped_va + 8, K::page_fault, hal::access_write, false},
        {"read of a read-only page", probe_read, read_only_va, K::syscall, 0, false},
        {"write to a read-only page", probe_write, read_only_va + 16, K::page_fault, hal::access_write, true},
        {"write to the code page", probe_write, code_va, K::page_fault, hal::access_write, true},
        {"execution of a no-execute page", probe_execute, no_execute_va, K::page_fault, hal::access_execute, true},
        {"read of a prot_none page", probe_read, inaccessible_va, K::page_fault, hal::access_read, true},
        // Not present although the kernel maps it: no user mapping is there (usermode.h).
        {"read of a kernel address", probe_read, kernel_address, K::page_fault, hal::access_read, false},
        {"write to a kernel address", probe_write, kernel_address, K::page_fault, hal::access_write, false},
    };
    for (const Access& a : accesses) {
        if (!try_access(out, guest, a)) return false;
        if (a.kind == K::syscall && !expect_equal(out, "value read through the read-only page", guest.context().rax, 0x5eed))
            return false;
    }

    // Changes while the space is live on this CPU must reach its TLB.
    hal::protect(space, read_only_va, page, hal::prot_read | hal::prot_write);
    if (!try_access(out, guest, {"write after protect(read|write)", probe_write, read_only_va + 16, K::syscall, 0, false},
                    0xabcdef))
        return false;
    if (!expect_equal(out, "word written through the re-protected page", guest.data(0)[2], 0xabcdef)) return false;
    hal::protect(space, read_only_va, page, hal::prot_read);
    if (!try_access(out, guest, {"write after protect(read)", probe_write, read_only_va, K::page_fault,
                                 hal::access_write, true}))
        return false;
    guest.data(1)[0] = 0x1111;
    if (!try_access(out, guest, {"read before the remap", probe_read, data_va, K::syscall, 0, false})) return false;
    if (hal::map(space, data_va, guest.data_frames[1], hal::prot_read).is_error()) return out.fail("remap failed");
    if (!try_access(out, guest, {"read after the remap", probe_read, data_va, K::syscall, 0, false})) return false;
    if (!expect_equal(out, "value read after remapping to another frame", guest.context().rax, 0x1111)) return false;
    hal::unmap(space, data_va, page);
    return try_access(out, guest, {"read after unmap", probe_read, data_va, K::page_fault, hal::access_read, false});
}

bool case_exceptions(Outcome& out) {
    Guest guest;
    if (!set_up(out, guest, faulting_instructions)) return false;
    struct Expected {
        const char* what;
        uptr offset;
        unsigned vector;
        u64 error_code;
        uptr rip_after;  // where rip is at the trap: the instruction, or past it for int3
    };
    const Expected expected[] = {
        {"ud2", 0x00, vector_invalid_opcode, 0, 0x00},
        {"int3", 0x02, vector_breakpoint, 0, 0x03},
        {"divide by zero", 0x03, vector_divide, 0, 0x03},
        {"hlt", 0x06, vector_general_protection, 0, 0x06},
        {"cli (IOPL 3 requested)", 0x07, vector_general_protection, 0, 0x07},
        {"mov to cr3", 0x08, vector_general_protection, 0, 0x08},
        {"in from port 0x3f8", 0x0b, vector_general_protection, 0, 0x0b},
        {"int $0x80", 0x0c, vector_general_protection, 0x80 * 8 + 2, 0x0c},
    };
    // The error code of a gate #GP names the vector (SDM: index field = vector, bit 1 = IDT);
    // QEMU's TCG reports the gate's byte offset in the 64-bit IDT (vector * 16) instead.
    auto error_code_matches = [](u64 error_code, u64 expected) {
        return error_code == expected || (expected == 0x80 * 8 + 2 && error_code == 0x80 * 16 + 2);
    };
    for (const Expected& e : expected) {
        guest.reset();
        hal::UserContext& c = guest.context();
        c.rip = code_va + e.offset;
        c.rax = 1, c.rdx = 0x3f8, c.rcx = 0;
        if (e.offset == 0x03) c.rdx = 0;  // rdx:rax = 1, divided by rcx = 0
        c.rflags |= 0x3000;                // IOPL 3, which enter_user must not grant
        hal::Trap trap = guest.run();
        if (!expect_trap(out, e.what, trap, hal::TrapKind::exception)) return false;
        if (trap.vector != e.vector || !error_code_matches(trap.error_code, e.error_code) ||
            c.rip != code_va + e.rip_after)
            return out.fail("%s: vector %u error %#llx rip %#llx, expected %u %#llx %#llx", e.what, trap.vector,
                            static_cast<ull>(trap.error_code), static_cast<ull>(c.rip), e.vector,
                            static_cast<ull>(e.error_code), static_cast<ull>(code_va + e.rip_after));
    }
    return true;
}

// A guest that spins forever shares its CPU with a busy kernel thread: the timer must bring
// it back to the kernel (TrapKind::interrupt) and let the other thread run.
struct SpinRun {
    Guest guest;
    std::atomic<u64> ticks {0};
    std::atomic<bool> stop_ticker {false};
    std::atomic<bool> done {false};
    Outcome out;
    u64 longest_ns = 0;
};

void ticker_thread(void* argument) {
    auto& run = *static_cast<SpinRun*>(argument);
    while (!run.stop_ticker.load(std::memory_order_relaxed)) {
        run.ticks.fetch_add(1, std::memory_order_relaxed);
        hal::cpu_relax();
    }
}

// Five interrupts after which the guest had counted further. An interrupt already pending
// at entry may bring the guest back before it ran an instruction (usermode.h); such traps
// are allowed, but not forever.
void spinner_thread(void* argument) {
    auto& run = *static_cast<SpinRun*>(argument);
    hal::UserContext& c = run.guest.context();
    constexpr int wanted = 5, most_traps = 100;
    u64 last_rax = 0;
    bool others_ran = false;
    int progressed = 0, traps = 0;
    while (progressed < wanted && traps < most_traps) {
        ++traps;
        u64 ticks_before = run.ticks.load(std::memory_order_relaxed);
        u64 start = hal::monotonic_ns();
        hal::Trap trap = hal::enter_user(*run.guest.space, c);
        u64 elapsed = hal::monotonic_ns() - start;
        if (elapsed > run.longest_ns) run.longest_ns = elapsed;
        if (!expect_trap(run.out, "spinning guest", trap, hal::TrapKind::interrupt)) break;
        if (c.rax < last_rax || (c.rip != code_va && c.rip != code_va + 3)) {
            run.out.fail("after %d interrupts the guest's counter is %#llx (before %#llx), rip %#llx", traps,
                         static_cast<ull>(c.rax), static_cast<ull>(last_rax), static_cast<ull>(c.rip));
            break;
        }
        progressed += c.rax > last_rax;
        last_rax = c.rax;
        others_ran |= run.ticks.load(std::memory_order_relaxed) != ticks_before;
    }
    if (!run.out.failed() && progressed < wanted)
        run.out.fail("the guest counted further in only %d of %d interrupted runs", progressed, traps);
    if (!run.out.failed() && !others_ran) run.out.fail("the busy thread on the same CPU never ran");
    run.done.store(true, std::memory_order_release);
}

bool case_interrupt_preempts_spinning_guest(Outcome& out) {
    OwnPtr<SpinRun> run = make<SpinRun>();
    if (!run) return out.fail("no memory");
    if (!set_up(out, run->guest, spin)) return false;
    int cpu = static_cast<int>(hal::cpu_count()) - 1;
    auto ticker = spawn("usertest-ticker", ticker_thread, run.get(), cpu);
    if (ticker.is_error()) return out.fail("spawn failed");
    auto spinner = spawn("usertest-spin", spinner_thread, run.get(), cpu);
    if (spinner.is_error()) {
        run->stop_ticker.store(true);
        ticker.value()->join();
        return out.fail("spawn failed");
    }
    u64 deadline = hal::monotonic_ns() + 20'000'000'000ull;
    while (!run->done.load(std::memory_order_acquire) && hal::monotonic_ns() < deadline) sleep_ns(10'000'000);
    run->stop_ticker.store(true);
    ticker.value()->join();
    if (!run->done.load(std::memory_order_acquire)) {
        (void)run.leak();  // the guest still runs on it
        return out.fail("the spinning guest did not come back within 20 s");
    }
    spinner.value()->join();
    figures.interrupt_trap_ms = run->longest_ns / 1'000'000;
    out.absorb(run->out);
    if (!out.failed() && run->longest_ns > 1'000'000'000ull)
        out.fail("an interrupt trap took %llu ms", static_cast<ull>(run->longest_ns / 1'000'000));
    return !out.failed();
}

bool case_fs_gs_base(Outcome& out) {
    Guest guest;
    if (!set_up(out, guest, segment_reads)) return false;
    hal::UserContext& c = guest.context();
    // Word 0 of page 0 and 1 through FS, word 0x108 / 0x208 through GS (%gs:8).
    guest.data(0)[0] = 0xf5f5f5f500000001ull;
    guest.data(0)[0x108 / 8] = 0x6565656500000002ull;
    guest.data(1)[0] = 0xf5f5f5f500000003ull;
    guest.data(1)[0x208 / 8] = 0x6565656500000004ull;
    struct Bases {
        u64 fs, gs, expected_fs_word, expected_gs_word;
    };
    for (Bases b : {Bases {data_va, data_va + 0x100, 0xf5f5f5f500000001ull, 0x6565656500000002ull},
                    Bases {data_va + page, data_va + page + 0x200, 0xf5f5f5f500000003ull, 0x6565656500000004ull},
                    Bases {data_va, data_va + 0x100, 0xf5f5f5f500000001ull, 0x6565656500000002ull}}) {
        c.fs_base = b.fs, c.gs_base = b.gs;
        if (!expect_trap(out, "segment reads", guest.run(), hal::TrapKind::syscall)) return false;
        if (!expect_equal(out, "word read through %fs", c.rax, b.expected_fs_word) ||
            !expect_equal(out, "word read through %gs", c.rdx, b.expected_gs_word) ||
            !expect_equal(out, "fs_base after the trap", c.fs_base, b.fs) ||
            !expect_equal(out, "gs_base after the trap", c.gs_base, b.gs))
            return false;
    }
    // Bases the CPU cannot hold are refused as a #GP before any user code runs (usermode.h).
    for (int which = 0; which < 2; ++which) {
        guest.reset();
        (which == 0 ? c.fs_base : c.gs_base) = 0x0000800000000000ull;
        hal::Trap trap = guest.run();
        if (!expect_trap(out, which == 0 ? "non-canonical fs_base" : "non-canonical gs_base", trap,
                         hal::TrapKind::exception) ||
            !expect_equal(out, "vector for a non-canonical base", trap.vector, vector_general_protection) ||
            !expect_equal(out, "rip after a refused entry", c.rip, code_va) ||
            !expect_equal(out, "the refused base, kept in the context", which == 0 ? c.fs_base : c.gs_base,
                          0x0000800000000000ull))
            return false;
    }
    return true;
}

// What CPUID tells user code, and XCR0 when it may use XGETBV.
bool case_cpu_features(Outcome& out) {
    Guest guest;
    if (!set_up(out, guest, cpuid_probe)) return false;
    if (!expect_trap(out, "cpuid", guest.run(), hal::TrapKind::syscall)) return false;
    u32 ecx = static_cast<u32>(guest.context().r8), edx = static_cast<u32>(guest.context().r9);
    bool fxsr = edx & (1u << 24), sse = edx & (1u << 25), sse2 = edx & (1u << 26);
    bool xsave = ecx & (1u << 26), osxsave = ecx & (1u << 27), avx = ecx & (1u << 28);
    if (!fxsr || !sse || !sse2) return out.fail("CPUID.1 EDX %#x lacks FXSR, SSE or SSE2", edx);
    if (xsave != osxsave) return out.fail("CPUID.1 ECX %#x: XSAVE %d but OSXSAVE %d", ecx, xsave, osxsave);
    if (!osxsave) {
        cpu_has_avx = false;
        cpu_features_known = true;
        return true;
    }
    guest.destroy();
    if (!set_up(out, guest, xgetbv_probe)) return false;
    if (!expect_trap(out, "xgetbv", guest.run(), hal::TrapKind::syscall)) return false;
    u64 xcr0 = guest.context().r8;
    if ((xcr0 & 3) != 3) return out.fail("XCR0 %#llx lacks x87 or SSE", static_cast<ull>(xcr0));
    if (avx && !(xcr0 & 4)) return out.fail("the CPU has AVX but XCR0 is %#llx", static_cast<ull>(xcr0));
    cpu_has_avx = avx;
    avx_state_offset = static_cast<u32>(guest.context().r9);
    if (avx && (avx_state_offset < 576 || avx_state_offset + 256 > hal::fpu_state_size))
        return out.fail("the AVX state is at %u in the XSAVE area", avx_state_offset);
    cpu_features_known = true;
    return true;
}

bool case_kernel_sets_xmm0(Outcome& out) {
    Guest guest;
    if (!set_up(out, guest, fpu_probe)) return false;
    hal::UserContext& c = guest.context();
    constexpr u64 low = 0x0706050403020100ull, high = 0x0f0e0d0c0b0a0908ull;
    kstd::memcpy(c.fpu + 160, &low, 8);
    kstd::memcpy(c.fpu + 168, &high, 8);
    if (!expect_trap(out, "fpu probe", guest.run(), hal::TrapKind::syscall)) return false;
    u64 saved_xmm1[2];
    kstd::memcpy(saved_xmm1, c.fpu + 176, 16);
    return expect_equal(out, "xmm0 low (movq to rax)", c.rax, low) &&
           expect_equal(out, "xmm0 high (through xmm1 to rdx)", c.rdx, high) &&
           expect_equal(out, "MXCSR", c.rsi, 0x1f80) && expect_equal(out, "FCW", c.rdi, 0x37f) &&
           expect_equal(out, "xmm1 low in the saved state", saved_xmm1[0], high) &&
           expect_equal(out, "xmm1 high in the saved state", saved_xmm1[1], high);
}

// Threads of a case start together, and count how often another thread of the case ran
// between two of their traps (on one CPU: how often they really alternated).
struct StartLine {
    std::atomic<int> arrived {0};
    std::atomic<int> last_runner {-1};

    void wait_for(int count) {
        arrived.fetch_add(1, std::memory_order_acq_rel);
        while (arrived.load(std::memory_order_acquire) < count) yield();
    }
    // Returns 1 when a different thread was the last to report.
    int handover(int runner) { return last_runner.exchange(runner, std::memory_order_acq_rel) != runner; }
};

// Two guests on one CPU load all 16 vector registers with their own pattern and store them
// after every syscall; the kernel switches threads at each one.
struct KeeperRun {
    Guest guest;
    bool ymm = false;
    int id = 0;
    StartLine* start = nullptr;
    int handovers = 0;
    Outcome out;
};
constexpr int keeper_rounds = 100;

void keeper_thread(void* argument) {
    auto& run = *static_cast<KeeperRun*>(argument);
    usize bytes = run.ymm ? 512 : 256;
    const u8* pattern = reinterpret_cast<const u8*>(run.guest.data(0));
    const u8* dump = reinterpret_cast<const u8*>(run.guest.data(1));
    hal::UserContext& c = run.guest.context();
    run.start->wait_for(2);
    for (int round = 0; round < keeper_rounds; ++round) {
        if (!expect_trap(run.out, "register keeper", run.guest.run(), hal::TrapKind::syscall)) return;
        run.handovers += run.start->handover(run.id);
        if (kstd::memcmp(dump, pattern, bytes) != 0) {
            usize at = 0;
            while (at < bytes && dump[at] == pattern[at]) ++at;
            run.out.fail("round %d: %s%zu byte %zu differs after a trap and a switch", round, run.ymm ? "ymm" : "xmm",
                         at / (bytes / 16), at % (bytes / 16));
            return;
        }
        // The kernel's view of the saved state: XMM i at 160 + 16 i, the upper ymm halves
        // in the AVX component.
        usize width = bytes / 16;
        for (usize i = 0; i < 16; ++i) {
            bool low_ok = kstd::memcmp(c.fpu + 160 + 16 * i, pattern + width * i, 16) == 0;
            bool high_ok = !run.ymm || kstd::memcmp(c.fpu + avx_state_offset + 16 * i, pattern + width * i + 16, 16) == 0;
            if (!low_ok || !high_ok) {
                run.out.fail("round %d: the saved state of register %zu differs from the guest's", round, i);
                return;
            }
        }
        yield();
    }
}

bool vector_registers_survive(Outcome& out, bool ymm) {
    OwnPtr<KeeperRun> runs[2] = {make<KeeperRun>(), make<KeeperRun>()};
    StartLine start;
    for (int k = 0; k < 2; ++k) {
        if (!runs[k]) return out.fail("no memory");
        KeeperRun& run = *runs[k];
        run.ymm = ymm;
        run.id = k;
        run.start = &start;
        auto created = run.guest.create_empty();
        if (created.is_error()) return out.fail("setting up a guest: %s", errno_name(created.error()));
        assemble_register_keeper(run.guest.code(), ymm);
        for (usize word = 0; word < 64; ++word) run.guest.data(0)[word] = (0x1000 + k) * 0x9e3779b97f4a7c15ull + word;
        run.guest.context().rbx = data_va;
        run.guest.context().r12 = data_va + page;
    }
    RefPtr<Thread> threads[2];
    for (int k = 0; k < 2; ++k) {
        auto spawned = spawn(k ? "usertest-fpu-b" : "usertest-fpu-a", keeper_thread, runs[k].get(), 0);
        if (spawned.is_error()) {
            start.arrived.fetch_add(1);  // let the other one through the start line
            out.fail("spawn failed");
            continue;
        }
        threads[k] = spawned.release_value();
    }
    for (int k = 0; k < 2; ++k) {
        if (threads[k]) threads[k]->join();
        out.absorb(runs[k]->out);
    }
    for (int k = 0; k < 2 && !out.failed(); ++k)
        if (runs[k]->handovers < keeper_rounds / 2)
            out.fail("the guests alternated only %d times in %d rounds", runs[k]->handovers, keeper_rounds);
    return !out.failed();
}

bool case_xmm_survive(Outcome& out) { return vector_registers_survive(out, false); }
bool case_ymm_survive(Outcome& out) {
    if (!cpu_features_known) {
        Outcome probe;
        if (!case_cpu_features(probe)) return out.fail("probing the CPU's features: %s", probe.why());
    }
    if (!cpu_has_avx) return out.skip("this CPU has no AVX (QEMU: -cpu max)");
    return vector_registers_survive(out, true);
}

// Guests in separate spaces map the same address to different frames and count in it.
struct CounterRun {
    Guest guest;
    u64 base = 0;
    int rounds = 0;
    int id = 0;
    StartLine* start = nullptr;
    int handovers = 0;
    int threads = 0;
    Outcome out;
};

void counter_thread(void* argument) {
    auto& run = *static_cast<CounterRun*>(argument);
    run.start->wait_for(run.threads);
    for (int n = 0; n < run.rounds; ++n) {
        hal::Trap trap = run.guest.run();
        if (trap.kind != hal::TrapKind::syscall) {
            run.out.fail("round %d: trap %s (vector %u, address %#llx) at rip %#llx, expected syscall", n,
                         trap_kind_name(trap.kind), trap.vector, static_cast<ull>(trap.address),
                         static_cast<ull>(run.guest.context().rip));
            return;
        }
        run.handovers += run.start->handover(run.id);
        if (run.guest.context().rax != counter_syscall) {
            run.out.fail("round %d: syscall number %#llx, expected %#llx", n, static_cast<ull>(run.guest.context().rax),
                         static_cast<ull>(counter_syscall));
            return;
        }
        if (run.guest.context().rdx != run.base + u64(n)) {
            run.out.fail("round %d: the guest read %#llx from its page, expected %#llx", n,
                         static_cast<ull>(run.guest.context().rdx), static_cast<ull>(run.base + n));
            return;
        }
        yield();
    }
    if (run.guest.data(0)[0] != run.base + u64(run.rounds))
        run.out.fail("the guest's frame holds %#llx, expected %#llx", static_cast<ull>(run.guest.data(0)[0]),
                     static_cast<ull>(run.base + run.rounds));
}

// `min_handovers`: how often each thread must have seen another one run in between.
bool spaces_stay_apart(Outcome& out, int count, const int* cpus, int rounds, int min_handovers) {
    constexpr int max_count = 4;
    OwnPtr<CounterRun> runs[max_count];
    RefPtr<Thread> threads[max_count];
    StartLine start;
    for (int k = 0; k < count; ++k) {
        runs[k] = make<CounterRun>();
        if (!runs[k]) return out.fail("no memory");
        if (!set_up(out, runs[k]->guest, counter)) return false;
        runs[k]->base = u64(k + 1) << 40;
        runs[k]->rounds = rounds;
        runs[k]->id = k;
        runs[k]->start = &start;
        runs[k]->threads = count;
        runs[k]->guest.data(0)[0] = runs[k]->base;
        runs[k]->guest.context().rbx = data_va;
    }
    for (int k = 0; k < count; ++k) {
        auto spawned = spawn("usertest-space", counter_thread, runs[k].get(), cpus[k]);
        if (spawned.is_error()) {
            // The others wait at the start line for this one: let them through, then fail.
            start.arrived.fetch_add(1);
            out.fail("spawn failed");
            continue;
        }
        threads[k] = spawned.release_value();
    }
    for (int k = 0; k < count; ++k) {
        if (threads[k]) threads[k]->join();
        out.absorb(runs[k]->out);
    }
    for (int k = 0; k < count && !out.failed(); ++k)
        if (runs[k]->handovers < min_handovers)
            out.fail("thread %d saw another guest run between its traps only %d times in %d rounds", k,
                     runs[k]->handovers, rounds);
    return !out.failed();
}

bool case_spaces_one_cpu(Outcome& out) {
    const int cpus[] = {0, 0};
    return spaces_stay_apart(out, 2, cpus, 300, 150);
}

bool case_spaces_two_cpus(Outcome& out) {
    if (hal::cpu_count() < 2) return out.skip("one CPU");
    const int cpus[] = {0, 1};
    return spaces_stay_apart(out, 2, cpus, 1000, 0);
}

bool case_spaces_migrating(Outcome& out) {
    const int cpus[] = {-1, -1, -1, -1};
    return spaces_stay_apart(out, 4, cpus, 300, 0);
}

// A thread that trapped out of its program keeps running kernel code on one CPU (its space
// still in that CPU's CR3) while a thread on another CPU destroys the space: the backend
// must take the space away from the first CPU before it frees the tables.
struct HoldRun {
    Guest guest;
    std::atomic<int> stage {0};  // 1: the holder trapped and spins; 2: the space is gone
    Outcome out;
};

void holder_thread(void* argument) {
    auto& run = *static_cast<HoldRun*>(argument);
    hal::Trap trap = run.guest.run();
    expect_trap(run.out, "holder", trap, hal::TrapKind::syscall);
    run.stage.store(1, std::memory_order_release);
    // Spin (no switch, so the space stays in this CPU's CR3) until the destroyer is done. An
    // IPI takes microseconds to milliseconds; 3 s means the backend waited for a switch.
    u64 give_up = hal::monotonic_ns() + 3'000'000'000ull;
    while (run.stage.load(std::memory_order_acquire) != 2 && hal::monotonic_ns() < give_up) hal::cpu_relax();
    if (run.stage.load(std::memory_order_acquire) != 2)
        run.out.fail("destroy_address_space did not take the space from the CPU holding it within 3 s");
}

void destroyer_thread(void* argument) {
    auto& run = *static_cast<HoldRun*>(argument);
    u64 give_up = hal::monotonic_ns() + 10'000'000'000ull;
    while (run.stage.load(std::memory_order_acquire) != 1 && hal::monotonic_ns() < give_up) yield();
    if (run.stage.load(std::memory_order_acquire) != 1) {
        run.out.fail("the holder never trapped");
        run.stage.store(2, std::memory_order_release);
        return;
    }
    u64 start = hal::monotonic_ns();
    hal::destroy_address_space(run.guest.space);
    u64 took = hal::monotonic_ns() - start;
    if (took > figures.longest_remote_destroy_ns) figures.longest_remote_destroy_ns = took;
    run.guest.space = nullptr;
    run.stage.store(2, std::memory_order_release);
}

bool case_destroy_while_another_cpu_holds_it(Outcome& out) {
    if (hal::cpu_count() < 2) return out.skip("one CPU");
    for (int round = 0; round < 20; ++round) {
        OwnPtr<HoldRun> run = make<HoldRun>();
        if (!run) return out.fail("no memory");
        if (!set_up(out, run->guest, syscall_loop)) return false;
        auto holder = spawn("usertest-holder", holder_thread, run.get(), 1);
        if (holder.is_error()) return out.fail("spawn failed");
        auto destroyer = spawn("usertest-destroy", destroyer_thread, run.get(), 0);
        if (destroyer.is_error()) {
            run->stage.store(2);
            holder.value()->join();
            return out.fail("spawn failed");
        }
        destroyer.value()->join();
        holder.value()->join();
        out.absorb(run->out);
        if (out.failed()) return false;
    }
    return true;
}

// Every frame a space took (page tables, the guest's pages) comes back.
bool case_create_destroy_cycles(Outcome& out) {
    auto cycle = [&]() -> bool {
        Guest guest;
        if (!set_up(out, guest, syscall_loop)) return false;
        guest.context().rdi = 0;
        // Pages at the ends of user space and far apart need tables of their own.
        if (hal::map(*guest.space, hal::user_space_end - page, guest.data_frames[1], hal::prot_read).is_error() ||
            hal::map(*guest.space, hal::user_space_start, guest.data_frames[1], hal::prot_read).is_error())
            return out.fail("map failed");
        hal::Trap trap = guest.run();
        return expect_trap(out, "syscall", trap, hal::TrapKind::syscall) &&
               expect_equal(out, "syscall number", guest.context().rax, 0x1000);
    };
    if (!cycle()) return false;  // warms the heap's caches up
    usize free_before = mm::frame_stats().free_frames;
    for (int i = 0; i < 100; ++i)
        if (!cycle()) return false;
    usize free_after = mm::frame_stats().free_frames;
    if (free_after != free_before)
        return out.fail("%zu frames free before 100 cycles, %zu after", free_before, free_after);
    return true;
}

struct Case {
    const char* name;
    bool (*run)(Outcome& out);
};

const Case cases[] = {
    {"create/map/run/destroy x100 returns every frame", case_create_destroy_cycles},
    {"map, protect, translate, walk, unmap", case_mmu_bookkeeping},
    {"syscall: number, 6 arguments, results (10200 round trips)", case_syscall_round_trips},
    {"registers resumed exactly, rcx/r11 arbitrary (iretq)", case_resume_iretq},
    {"registers resumed exactly, rcx=rip r11=rflags (sysret)", case_resume_sysret},
    {"single step (TF) is #DB after one instruction", case_single_step},
    {"non-canonical, kernel and unmapped rip", case_bad_rip},
    {"page faults: address, access, present; TLB after changes", case_page_faults},
    {"exceptions: #UD, #BP, #DE, #GP (hlt, cli, mov cr3, in, int 0x80)", case_exceptions},
    {"timer interrupt brings a spinning guest back", case_interrupt_preempts_spinning_guest},
    {"fs and gs base", case_fs_gs_base},
    {"cpuid and xcr0 seen by user code", case_cpu_features},
    {"kernel sets xmm0; initial MXCSR and FCW", case_kernel_sets_xmm0},
    {"xmm0-15 survive traps and thread switches", case_xmm_survive},
    {"ymm0-15 survive traps and thread switches", case_ymm_survive},
    {"two spaces alternating on one CPU", case_spaces_one_cpu},
    {"two spaces on two CPUs at once", case_spaces_two_cpus},
    {"four spaces, threads free to migrate", case_spaces_migrating},
    {"space destroyed while another CPU still holds it", case_destroy_while_another_cpu_holds_it},
};

bool name_contains(const char* name, const char* text) {
    usize length = kstd::strlen(text);
    for (; *name; ++name)
        if (kstd::strncmp(name, text, length) == 0) return true;
    return length == 0;
}

}  // namespace

UserModeSelftestSummary run_user_mode_selftest(const char* only, unsigned repeat) {
    UserModeSelftestSummary summary;
    int& passed = summary.passed;
    int& failed = summary.failed;
    int& skipped = summary.skipped;
    if (repeat == 0) repeat = 1;
    for (const Case& c : cases) {
        if (only && !name_contains(c.name, only)) continue;
        Outcome out;
        unsigned run = 0;
        bool ok = true;
        while (ok && run < repeat) {
            ++run;
            ok = c.run(out) && !out.failed();
            if (out.skipped()) break;
        }
        if (out.skipped() && ok) {
            ++skipped;
            kprintf("usertest: %s: skipped: %s\n", c.name, out.why());
        } else if (ok) {
            ++passed;
            if (repeat > 1) kprintf("usertest: %s: ok (%u runs)\n", c.name, repeat);
            else kprintf("usertest: %s: ok\n", c.name);
        } else {
            ++failed;
            const char* why = out.failed() ? out.why() : "(no reason given)";
            if (repeat > 1) kprintf("usertest: %s: FAILED: run %u of %u: %s\n", c.name, run, repeat, why);
            else kprintf("usertest: %s: FAILED: %s\n", c.name, why);
        }
    }
    kprintf("usertest: figures: syscall round trip %llu ns (sysret), %llu ns (iretq), fastest of 5x1000; "
            "longest wait for an interrupt trap %llu ms; longest destroy of a space another CPU held %llu us; "
            "AVX %s\n",
            static_cast<ull>(figures.sysret_round_trip_ns), static_cast<ull>(figures.iretq_round_trip_ns),
            static_cast<ull>(figures.interrupt_trap_ms), static_cast<ull>(figures.longest_remote_destroy_ns / 1000),
            cpu_has_avx ? "yes" : "no");
    kprintf("usertest: summary: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return summary;
}

}  // namespace kernel
