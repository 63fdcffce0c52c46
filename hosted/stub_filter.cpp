#include "stub_filter.h"

#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "stub/stub_protocol.h"

namespace hosted {
namespace {

// A tiny assembler for classic BPF with forward labels.
class FilterBuilder {
public:
    enum Label : unsigned { trap, allow, notify, refuse, check_arch_prctl, check_futex, label_count };

    FilterBuilder(sock_filter* program, unsigned capacity) : program_(program), capacity_(capacity) {}

    void load(std::uint32_t offset) { emit(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset), none, none); }
    // if (A == value) goto match (or fall through) else goto mismatch (or fall through).
    void jump_if_equal(std::uint32_t value, unsigned match, unsigned mismatch) {
        emit(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 0), match, mismatch);
    }
    void ret(std::uint32_t action) { emit(BPF_STMT(BPF_RET | BPF_K, action), none, none); }
    void place(Label label) { labels_[label] = length_; }

    unsigned finish() {
        for (unsigned i = 0; i < length_; ++i) {
            resolve(i, targets_[i].when_true, program_[i].jt);
            resolve(i, targets_[i].when_false, program_[i].jf);
        }
        return length_;
    }

    static constexpr unsigned none = ~0u;

private:
    struct Targets {
        unsigned when_true, when_false;
    };
    static constexpr unsigned max_length = 64;

    void emit(sock_filter instruction, unsigned when_true, unsigned when_false) {
        if (length_ >= capacity_ || length_ >= max_length) fail("too long");
        program_[length_] = instruction;
        targets_[length_++] = {when_true, when_false};
    }
    void resolve(unsigned index, unsigned label, std::uint8_t& field) {
        if (label == none) return;  // falls through (offset 0)
        unsigned target = labels_[label];
        if (target == none || target <= index || target - index - 1 > 255) fail("bad jump");
        field = static_cast<std::uint8_t>(target - index - 1);
    }
    [[noreturn]] static void fail(const char* why) {
        std::fprintf(stderr, "newt: stub seccomp filter: %s\n", why);
        std::abort();
    }

    sock_filter* program_;
    unsigned capacity_;
    unsigned length_ = 0;
    Targets targets_[max_length] {};
    unsigned labels_[label_count] = {none, none, none, none, none, none};
};

constexpr std::uint32_t low(std::uint64_t value) { return static_cast<std::uint32_t>(value); }
constexpr std::uint32_t high(std::uint64_t value) { return static_cast<std::uint32_t>(value >> 32); }
constexpr std::uint32_t argument_low(unsigned n) { return offsetof(seccomp_data, args) + 8 * n; }
constexpr std::uint32_t argument_high(unsigned n) { return argument_low(n) + 4; }

}  // namespace

unsigned build_stub_filter(sock_filter* program, unsigned capacity) {
    using F = FilterBuilder;
    F f(program, capacity);
    constexpr unsigned next = F::none;
    const std::uint64_t startup_word = NEWT_STUB_CONTROL_ADDRESS + offsetof(newt_stub_control, state);

    // Only x86-64 syscalls from the stub's own instruction get past here.
    f.load(offsetof(seccomp_data, arch));
    f.jump_if_equal(AUDIT_ARCH_X86_64, next, F::trap);
    f.load(offsetof(seccomp_data, instruction_pointer) + 4);
    f.jump_if_equal(high(NEWT_STUB_SYSCALL_RETURN), next, F::trap);
    f.load(offsetof(seccomp_data, instruction_pointer));
    f.jump_if_equal(low(NEWT_STUB_SYSCALL_RETURN), next, F::trap);
    // The stub's own syscalls (exact numbers: an x32 number never matches).
    f.load(offsetof(seccomp_data, nr));
    f.jump_if_equal(SYS_rt_sigreturn, F::allow, next);
    f.jump_if_equal(SYS_munmap, F::allow, next);
    f.jump_if_equal(SYS_exit_group, F::allow, next);
    f.jump_if_equal(SYS_exit, F::allow, next);
    f.jump_if_equal(SYS_mmap, F::notify, next);
    f.jump_if_equal(NEWT_STUB_REPORT_SYSCALL, F::notify, next);
    f.jump_if_equal(SYS_arch_prctl, F::check_arch_prctl, next);
    f.jump_if_equal(SYS_futex, F::check_futex, F::refuse);

    f.place(F::check_arch_prctl);  // the fs and gs bases only (hosts without FSGSBASE)
    f.load(argument_high(0));
    f.jump_if_equal(0, next, F::refuse);
    f.load(argument_low(0));
    f.jump_if_equal(ARCH_SET_FS, F::allow, next);
    f.jump_if_equal(ARCH_GET_FS, F::allow, next);
    f.jump_if_equal(ARCH_SET_GS, F::allow, next);
    f.jump_if_equal(ARCH_GET_GS, F::allow, F::refuse);

    f.place(F::check_futex);  // FUTEX_WAKE of the startup word only
    f.load(argument_low(0));
    f.jump_if_equal(low(startup_word), next, F::refuse);
    f.load(argument_high(0));
    f.jump_if_equal(high(startup_word), next, F::refuse);
    f.load(argument_low(1));
    f.jump_if_equal(FUTEX_WAKE, F::allow, F::refuse);

    f.place(F::trap);
    f.ret(SECCOMP_RET_TRAP);
    f.place(F::allow);
    f.ret(SECCOMP_RET_ALLOW);
    f.place(F::notify);
    f.ret(SECCOMP_RET_USER_NOTIF);
    f.place(F::refuse);
    f.ret(SECCOMP_RET_ERRNO | EPERM);
    return f.finish();
}

}  // namespace hosted
