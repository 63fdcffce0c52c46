// The hosted user-mode tests' harness: guest programs (guest_programs.S) and a user address
// space that runs one of them.
#pragma once

#include <cstring>
#include <memory>
#include <vector>

#include "hosted/address_space.h"
#include "hosted/user_stub.h"
#include "kernel/hal/mmu.h"
#include "kernel/hal/physmem.h"
#include "kernel/hal/usermode.h"
#include "kernel/mm/frame_allocator.h"

#define GUEST_PROGRAM(name) extern "C" const unsigned char guest_##name[], guest_##name##_end[];
GUEST_PROGRAM(syscall_loop)
GUEST_PROGRAM(load)
GUEST_PROGRAM(store)
GUEST_PROGRAM(ud2)
GUEST_PROGRAM(int3)
GUEST_PROGRAM(divide_by_zero)
GUEST_PROGRAM(hlt)
GUEST_PROGRAM(spin)
GUEST_PROGRAM(fs_gs)
GUEST_PROGRAM(set_fs_gs)
GUEST_PROGRAM(xmm)
GUEST_PROGRAM(load_then_syscall)
GUEST_PROGRAM(int80)
GUEST_PROGRAM(x32_syscall)
GUEST_PROGRAM(stub_call_then_load)
GUEST_PROGRAM(stub_call_then_store)
GUEST_PROGRAM(stub_jump)
GUEST_PROGRAM(scribble_and_forge_report)
GUEST_PROGRAM(forge_report_then_read)
GUEST_PROGRAM(forge_two_reports_then_read)
#undef GUEST_PROGRAM

namespace newt_test {

struct Program {
    const unsigned char* begin;
    const unsigned char* end;
};
#define PROGRAM(name) (::newt_test::Program {guest_##name, guest_##name##_end})

inline constexpr kernel::uptr page = hal::page_size;
inline constexpr kernel::uptr code_va = 0x400000;
inline constexpr kernel::uptr data_va = 0x600000;
inline constexpr kernel::uptr unmapped_va = 0x900000;
inline constexpr kernel::uptr stack_va = 0x7ff000;
inline constexpr std::size_t xmm0_offset = 160;  // in the XSAVE legacy region
inline constexpr kernel::u64 report_syscall = 1000;  // what the stub_call_* programs end with

inline kernel::u64 negative_errno(int error) { return static_cast<kernel::u64>(-static_cast<kernel::i64>(error)); }

// A user address space with a program at code_va and a stack page, and the frames it uses
// (freed with it). Only in kernel context.
class Guest {
public:
    explicit Guest(Program program);
    ~Guest();
    Guest(const Guest&) = delete;
    Guest& operator=(const Guest&) = delete;

    kernel::PhysAddr frame();  // a zeroed frame owned by the guest
    kernel::PhysAddr add_page(kernel::uptr va, kernel::u32 protection);
    static kernel::u8* bytes(kernel::PhysAddr pa) { return static_cast<kernel::u8*>(hal::phys_to_virt(pa)); }
    static void put_u64(kernel::PhysAddr pa, std::size_t offset, kernel::u64 value) {
        std::memcpy(bytes(pa) + offset, &value, sizeof value);
    }
    static kernel::u64 get_u64(kernel::PhysAddr pa, std::size_t offset) {
        kernel::u64 value;
        std::memcpy(&value, bytes(pa) + offset, sizeof value);
        return value;
    }
    // Replaces the program at code_va and restarts there with fresh registers.
    void restart(Program program);

    hal::Trap run() { return hal::enter_user(*space, *context); }
    hal::Trap run_to_trap();  // skips interrupt traps
    pid_t stub_pid() const { return space->stub ? space->stub->pid : -1; }

    hal::AddressSpace* space = nullptr;
    std::unique_ptr<hal::UserContext> context;
    std::vector<kernel::PhysAddr> frames;  // [0] is the code page, [1] the stack page
};

// Sets up a syscall for a guest that makes it through the stub's syscall instruction.
inline void set_syscall(hal::UserContext& context, kernel::u64 number, kernel::u64 a0, kernel::u64 a1, kernel::u64 a2,
                        kernel::u64 a3, kernel::u64 a4, kernel::u64 a5) {
    context.rax = number, context.rdi = a0, context.rsi = a1, context.rdx = a2;
    context.r10 = a3, context.r8 = a4, context.r9 = a5;
}

}  // namespace newt_test
