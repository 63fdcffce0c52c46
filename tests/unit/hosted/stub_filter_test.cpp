// The stub's seccomp filter (hosted/stub_filter), run on a small classic-BPF interpreter
// against hand-made seccomp_data: which syscalls pass, which go to the kernel, which trap.
#include <gtest/gtest.h>

#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>

#include "hosted/stub/stub_protocol.h"
#include "hosted/stub_filter.h"

namespace {

class Filter {
public:
    Filter() { length_ = hosted::build_stub_filter(program_, NEWT_STUB_MAX_FILTER); }
    unsigned length() const { return length_; }

    // Runs the program as the kernel would (only the instructions the builder emits).
    std::uint32_t run(const seccomp_data& data) const {
        std::uint32_t accumulator = 0;
        for (unsigned pc = 0; pc < length_;) {
            const sock_filter& instruction = program_[pc];
            switch (instruction.code) {
            case BPF_LD | BPF_W | BPF_ABS:
                EXPECT_LE(instruction.k + 4, sizeof data);
                std::memcpy(&accumulator, reinterpret_cast<const char*>(&data) + instruction.k, 4);
                ++pc;
                break;
            case BPF_JMP | BPF_JEQ | BPF_K:
                pc += 1 + (accumulator == instruction.k ? instruction.jt : instruction.jf);
                break;
            case BPF_RET | BPF_K:
                return instruction.k;
            default:
                ADD_FAILURE() << "unexpected instruction " << instruction.code;
                return 0;
            }
        }
        ADD_FAILURE() << "ran off the end";
        return 0;
    }

private:
    sock_filter program_[NEWT_STUB_MAX_FILTER];
    unsigned length_;
};

seccomp_data call(std::int32_t number, std::uint64_t ip = NEWT_STUB_SYSCALL_RETURN, std::uint32_t arch = AUDIT_ARCH_X86_64,
                  std::uint64_t a0 = 0, std::uint64_t a1 = 0) {
    seccomp_data data {};
    data.nr = number;
    data.arch = arch;
    data.instruction_pointer = ip;
    data.args[0] = a0;
    data.args[1] = a1;
    return data;
}

constexpr std::uint32_t refused = SECCOMP_RET_ERRNO | EPERM;
const std::uint64_t startup_word = NEWT_STUB_CONTROL_ADDRESS + offsetof(newt_stub_control, state);

TEST(StubFilter, FitsTheControlPage) {
    Filter filter;
    EXPECT_GT(filter.length(), 0u);
    EXPECT_LE(filter.length(), unsigned(NEWT_STUB_MAX_FILTER));
    std::printf("[ figures  ] the filter has %u instructions\n", filter.length());
}

TEST(StubFilter, EverySyscallOutsideTheStubInstructionTraps) {
    Filter filter;
    for (std::int32_t number : {SYS_read, SYS_mmap, SYS_rt_sigreturn, SYS_munmap, SYS_exit_group, NEWT_STUB_REPORT_SYSCALL,
                                SYS_futex, 0x40000000 | SYS_getpid, -1}) {
        const std::uint64_t stub = NEWT_STUB_SYSCALL_RETURN;
        for (std::uint64_t ip : {std::uint64_t(0x401000), stub + 1, stub - 1, stub + (std::uint64_t(1) << 32),
                                 stub & 0xffffffff, stub - 2 + 0x100})
            EXPECT_EQ(filter.run(call(number, ip)), SECCOMP_RET_TRAP) << number << " at " << std::hex << ip;
        // 32-bit syscalls trap even from the stub's instruction.
        EXPECT_EQ(filter.run(call(number, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_I386)), SECCOMP_RET_TRAP);
    }
}

TEST(StubFilter, TheStubsOwnSyscalls) {
    Filter filter;
    EXPECT_EQ(filter.run(call(SYS_rt_sigreturn)), SECCOMP_RET_ALLOW);
    EXPECT_EQ(filter.run(call(SYS_munmap)), SECCOMP_RET_ALLOW);
    EXPECT_EQ(filter.run(call(SYS_exit)), SECCOMP_RET_ALLOW);
    EXPECT_EQ(filter.run(call(SYS_exit_group)), SECCOMP_RET_ALLOW);
    EXPECT_EQ(filter.run(call(SYS_mmap)), SECCOMP_RET_USER_NOTIF);
    EXPECT_EQ(filter.run(call(NEWT_STUB_REPORT_SYSCALL)), SECCOMP_RET_USER_NOTIF);
    for (int code : {ARCH_SET_FS, ARCH_GET_FS, ARCH_SET_GS, ARCH_GET_GS})
        EXPECT_EQ(filter.run(call(SYS_arch_prctl, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_X86_64, code)), SECCOMP_RET_ALLOW);
    EXPECT_EQ(filter.run(call(SYS_futex, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_X86_64, startup_word, FUTEX_WAKE)),
              SECCOMP_RET_ALLOW);
}

TEST(StubFilter, EverythingElseFromTheStubInstructionFails) {
    Filter filter;
    for (std::int32_t number : {SYS_read, SYS_write, SYS_open, SYS_mprotect, SYS_mremap, SYS_madvise, SYS_clone, SYS_fork,
                                SYS_execve, SYS_kill, SYS_rt_sigprocmask, SYS_rt_sigaction, SYS_ioctl, SYS_close,
                                SYS_ptrace, SYS_fallocate, SYS_ftruncate, SYS_seccomp, SYS_prctl, SYS_getpid,
                                0x40000000 | SYS_mmap, 0x40000000 | SYS_rt_sigreturn, -1})
        EXPECT_EQ(filter.run(call(number)), refused) << number;
    // arch_prctl beyond the bases, or with high bits in its code.
    EXPECT_EQ(filter.run(call(SYS_arch_prctl, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_X86_64, 0x3001)), refused);
    EXPECT_EQ(filter.run(call(SYS_arch_prctl, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_X86_64,
                              (std::uint64_t(1) << 32) | ARCH_SET_FS)),
              refused);
    // futex: another address, or another operation.
    EXPECT_EQ(filter.run(call(SYS_futex, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_X86_64, startup_word + 4, FUTEX_WAKE)), refused);
    EXPECT_EQ(filter.run(call(SYS_futex, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_X86_64, startup_word + (std::uint64_t(1) << 32),
                              FUTEX_WAKE)),
              refused);
    EXPECT_EQ(filter.run(call(SYS_futex, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_X86_64, startup_word, FUTEX_WAIT)), refused);
    EXPECT_EQ(filter.run(call(SYS_futex, NEWT_STUB_SYSCALL_RETURN, AUDIT_ARCH_X86_64, startup_word, FUTEX_WAKE_OP)), refused);
}

}  // namespace
