// The isolation boundary of hosted user mode (docs/security.md): what a guest can do with
// the stub's syscall instruction and the stub's memory, which it can reach.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

#include "guest.h"
#include "hosted/stub/stub_protocol.h"
#include "hosted/stub_mapping_check.h"
#include "hosted/stub_sync.h"
#include "kernel/core/scheduler.h"
#include "kernel/hal/timer.h"
#include "tests/unit/kernel/kernel_fixture.h"

using namespace kernel;
using namespace newt_test;

namespace {

void expect_syscall(const hal::Trap& trap, u64 number, const hal::UserContext& context) {
    EXPECT_EQ(trap.kind, hal::TrapKind::syscall);
    EXPECT_EQ(context.rax, number);
}

TEST(HostedUserModeIsolation, AGuestCannotMapAnotherSpacesFrame) {
    run_in_kernel([] {
        Guest victim(PROGRAM(syscall_loop));
        PhysAddr secret = victim.add_page(data_va, hal::prot_read | hal::prot_write);
        Guest::put_u64(secret, 0, 0x5ec2e7);
        ASSERT_EQ(victim.run_to_trap().kind, hal::TrapKind::syscall);  // its stub maps the secret

        struct Attempt {
            u64 protection, flags, fd, offset;
            const char* what;
        } attempts[] = {
            {PROT_READ, MAP_SHARED | MAP_FIXED, NEWT_STUB_RAM_FD, secret, "the victim's frame"},
            {PROT_READ, MAP_PRIVATE | MAP_FIXED, NEWT_STUB_RAM_FD, secret, "a private mapping of it"},
            {PROT_READ, MAP_SHARED | MAP_FIXED | (u64(1) << 32), NEWT_STUB_RAM_FD, secret, "high flag bits"},
            {PROT_READ, MAP_SHARED | MAP_FIXED, NEWT_STUB_RAM_FD + (u64(1) << 32), secret, "fd with high bits"},
            {PROT_READ, MAP_SHARED | MAP_FIXED, 0, 0, "the listener"},
            {PROT_READ, MAP_SHARED | MAP_FIXED | MAP_ANONYMOUS, ~u64(0), 0, "anonymous memory"},
            {PROT_READ, MAP_SHARED | MAP_FIXED, NEWT_STUB_RAM_FD, secret + 1, "an unaligned offset"},
        };
        for (const Attempt& attempt : attempts) {
            Guest attacker(PROGRAM(stub_call_then_load));
            set_syscall(*attacker.context, SYS_mmap, unmapped_va, page, attempt.protection, attempt.flags, attempt.fd,
                        attempt.offset);
            hal::Trap trap = attacker.run_to_trap();
            EXPECT_EQ(attacker.context->rbx, negative_errno(EPERM)) << attempt.what;
            ASSERT_EQ(trap.kind, hal::TrapKind::page_fault) << attempt.what << ": the load must fault";
            EXPECT_EQ(trap.address, unmapped_va) << attempt.what;
            EXPECT_NE(attacker.context->r13, 0x5ec2e7u) << attempt.what;
        }
        // Nor with a mapping of its own somewhere else in the request.
        Guest attacker(PROGRAM(stub_call_then_load));
        PhysAddr own = attacker.add_page(unmapped_va, hal::prot_read);
        set_syscall(*attacker.context, SYS_mmap, unmapped_va, 2 * page, PROT_READ, MAP_SHARED | MAP_FIXED, NEWT_STUB_RAM_FD, own);
        attacker.run_to_trap();
        EXPECT_EQ(attacker.context->rbx, negative_errno(EPERM)) << "the second page is not its own";
    });
}

TEST(HostedUserModeIsolation, AGuestCannotRaiseItsOwnProtection) {
    run_in_kernel([] {
        auto attempt = [](u64 number, u64 va, u64 length, u64 protection, const char* what) {
            Guest guest(PROGRAM(stub_call_then_store));
            PhysAddr read_only = guest.add_page(data_va, hal::prot_read);  // say, copy-on-write
            set_syscall(*guest.context, number, va, length, protection, MAP_SHARED | MAP_FIXED, NEWT_STUB_RAM_FD,
                        read_only);
            guest.context->rdi = va;
            hal::Trap trap = guest.run_to_trap();
            EXPECT_EQ(guest.context->rbx, negative_errno(EPERM)) << what;
            ASSERT_EQ(trap.kind, hal::TrapKind::page_fault) << what;
            EXPECT_EQ(trap.access, u32(hal::access_write)) << what;
            EXPECT_EQ(Guest::get_u64(read_only, 0), 0u) << what << ": the frame was written";
        };
        attempt(SYS_mmap, data_va, page, PROT_READ | PROT_WRITE, "mmap of its read-only page writable");
        attempt(SYS_mmap, unmapped_va, page, PROT_READ | PROT_WRITE, "an alias of its read-only frame");
        attempt(SYS_mprotect, data_va, page, PROT_READ | PROT_WRITE, "mprotect");
        attempt(SYS_mremap, data_va, page, page, "mremap");

        // What the table allows is allowed: a read-only mapping of its own page where it is.
        Guest guest(PROGRAM(stub_call_then_load));
        PhysAddr own = guest.add_page(data_va, hal::prot_read);
        Guest::put_u64(own, 0, 0x0a11);
        set_syscall(*guest.context, SYS_mmap, data_va, page, PROT_READ, MAP_SHARED | MAP_FIXED, NEWT_STUB_RAM_FD, own);
        hal::Trap trap = guest.run_to_trap();
        expect_syscall(trap, report_syscall, *guest.context);
        EXPECT_EQ(guest.context->rbx, data_va);
        EXPECT_EQ(guest.context->r13, 0x0a11u);
    });
}

TEST(HostedUserModeIsolation, OtherSyscallsFromTheStubInstructionFail) {
    run_in_kernel([] {
        struct Attempt {
            u64 number, a0, a1, a2;
        } attempts[] = {
            {SYS_getpid, 0, 0, 0},
            {SYS_fork, 0, 0, 0},
            {SYS_clone, 0, 0, 0},
            {SYS_kill, 1, SIGKILL, 0},
            {SYS_rt_sigprocmask, SIG_BLOCK, 0, 8},
            {SYS_madvise, data_va, page, 9 /* MADV_REMOVE */},
            {SYS_fallocate, NEWT_STUB_RAM_FD, 3 /* punch hole */, 0},
            {SYS_ftruncate, NEWT_STUB_RAM_FD, 0, 0},
            {SYS_close, NEWT_STUB_RAM_FD, 0, 0},
            {SYS_ioctl, 0, 0, 0},
            {SYS_futex, NEWT_STUB_CONTROL_ADDRESS, 0 /* FUTEX_WAIT */, 0},
            {SYS_arch_prctl, 0x3001 /* ARCH_CET_STATUS */, 0, 0},
            {0x40000000 | SYS_mmap, 0, 0, 0},
        };
        for (const Attempt& attempt : attempts) {
            Guest guest(PROGRAM(stub_call_then_load));
            PhysAddr data = guest.add_page(data_va, hal::prot_read | hal::prot_write);
            Guest::put_u64(data, 0, 0xda7a);
            set_syscall(*guest.context, attempt.number, attempt.a0, attempt.a1, attempt.a2, 0, 0, 0);
            hal::Trap trap = guest.run_to_trap();
            EXPECT_EQ(guest.context->rbx, negative_errno(EPERM)) << "syscall " << attempt.number;
            // The guest goes on (to its load from rdi, which may fault), its memory intact.
            EXPECT_TRUE(trap.kind == hal::TrapKind::syscall || trap.kind == hal::TrapKind::page_fault);
            EXPECT_EQ(Guest::get_u64(data, 0), 0xda7au);
        }
    });
}

TEST(HostedUserModeIsolation, UnmappingItsOwnPageOnlyCostsARemap) {
    run_in_kernel([] {
        Guest guest(PROGRAM(stub_call_then_load));
        PhysAddr data = guest.add_page(data_va, hal::prot_read);
        Guest::put_u64(data, 0, 0xbacc);
        set_syscall(*guest.context, SYS_munmap, data_va, page, 0, 0, 0, 0);
        hal::Trap trap = guest.run_to_trap();
        EXPECT_EQ(guest.context->rbx, 0u) << "munmap is allowed";
        expect_syscall(trap, report_syscall, *guest.context);
        EXPECT_EQ(guest.context->r13, 0xbaccu) << "the backend mapped the page again";
    });
}

TEST(HostedUserModeIsolation, AGuestThatUnmapsTheStubCrashesAlone) {
    run_in_kernel([] {
        Guest guest(PROGRAM(stub_jump));
        set_syscall(*guest.context, SYS_munmap, NEWT_STUB_CODE_ADDRESS, NEWT_STUB_CODE_WINDOW, 0, 0, 0, 0);
        hal::Trap trap = guest.run_to_trap();
        u64 started = hosted::user_stubs_started();
        EXPECT_EQ(trap.kind, hal::TrapKind::exception);
        EXPECT_EQ(trap.vector, 13u);
        EXPECT_EQ(guest.stub_pid(), -1) << "the dead stub is reaped";
        // The space works again with a new stub.
        guest.restart(PROGRAM(syscall_loop));
        guest.context->r12 = 77;
        trap = guest.run_to_trap();
        expect_syscall(trap, 77, *guest.context);
        EXPECT_EQ(hosted::user_stubs_started(), started + 1);
    });
}

TEST(HostedUserModeIsolation, ScribblingOnTheControlPageHurtsOnlyTheGuest) {
    run_in_kernel([] {
        for (int fill : {0x00, 0xff, 0xa5, 0x01}) {
            Guest guest(PROGRAM(scribble_and_forge_report));
            guest.context->rdi = NEWT_STUB_CONTROL_ADDRESS;
            guest.context->rcx = NEWT_STUB_CONTROL_SIZE;
            guest.context->rax = static_cast<u64>(fill);
            // The forged report carries whatever the page holds; the kernel takes it as some
            // trap of this guest, nothing more.
            hal::Trap forged = guest.run_to_trap();
            (void)forged;
            // Answering it resumes the guest after its own syscall; its next trap is real. Forged
            // registers no CPU could load (a non-canonical rip or base) are refused first, as
            // for any context (usermode.h); with loadable ones the guest goes on.
            hal::Trap trap = guest.run_to_trap();
            auto canonical = [](u64 address) { return address < (1ull << 47) || address >= ~((1ull << 47) - 1); };
            const hal::UserContext& forged_context = *guest.context;
            if (!canonical(forged_context.rip) || !canonical(forged_context.fs_base) || !canonical(forged_context.gs_base)) {
                ASSERT_EQ(trap.kind, hal::TrapKind::exception) << "fill " << fill;
                EXPECT_EQ(trap.vector, 13u) << "fill " << fill;
                guest.context->rip = code_va;
                guest.context->fs_base = guest.context->gs_base = 0;
                trap = guest.run_to_trap();
            }
            expect_syscall(trap, report_syscall, *guest.context);
            EXPECT_EQ(guest.context->rbx, u64(NEWT_STUB_COMMAND_RESUME)) << "fill " << fill;
            // The stub still applies mappings and runs the guest normally.
            PhysAddr data = guest.add_page(data_va, hal::prot_read);
            Guest::put_u64(data, 0, 0x1234);
            guest.restart(PROGRAM(load));
            guest.context->rdi = data_va;
            trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::syscall) << "fill " << fill;
            EXPECT_EQ(guest.context->rax, 0x1234u);
        }
    });
}

// A guest can block the kick signal (rt_sigreturn through the stub with a forged frame) and
// spin; the kernel then kills the stub rather than wait forever.
TEST(HostedUserModeIsolation, AGuestThatBlocksTheKickIsKilled) {
    run_in_kernel([] {
        struct Shared {
            std::atomic<bool> stop {false};
            std::atomic<u64> runs {0};
        } shared;
        auto other = spawn_thread(+[](void* argument) {
            auto* s = static_cast<Shared*>(argument);
            while (!s->stop.load()) {
                s->runs.fetch_add(1);
                sleep_ns(1'000'000);
            }
        }, &shared, {.name = "neighbour", .pinned_cpu = 0});
        ASSERT_FALSE(other.is_error());

        Guest guest(PROGRAM(stub_jump));
        PhysAddr spin = guest.add_page(data_va, hal::prot_read | hal::prot_exec);
        std::memcpy(Guest::bytes(spin), guest_spin, guest_spin_end - guest_spin);
        // A signal frame on the guest's stack (rt_sigreturn finds the ucontext at rsp).
        PhysAddr stack = guest.frames[1];
        ucontext_t frame {};
        frame.uc_mcontext.gregs[REG_RIP] = static_cast<greg_t>(data_va);
        frame.uc_mcontext.gregs[REG_RSP] = static_cast<greg_t>(stack_va + page);
        frame.uc_mcontext.gregs[REG_EFL] = 0x202;
        frame.uc_mcontext.gregs[REG_CSGSFS] = 0x33 | (greg_t(0x2b) << 48);
        std::memset(&frame.uc_sigmask, 0xff, sizeof frame.uc_sigmask);  // every signal blocked
        frame.uc_stack.ss_sp = reinterpret_cast<void*>(NEWT_STUB_STACK_ADDRESS);  // sigreturn restores it
        frame.uc_stack.ss_size = NEWT_STUB_STACK_SIZE;
        const uptr frame_offset = 0x100;
        std::memcpy(Guest::bytes(stack) + frame_offset, &frame, offsetof(ucontext_t, uc_sigmask) + 8);
        guest.context->rax = SYS_rt_sigreturn;
        guest.context->rsp = stack_va + frame_offset;
        // (An interrupt may stop it before it gets to block the kick.)
        hal::Trap trap {hal::TrapKind::interrupt};
        u64 elapsed = 0;
        while (trap.kind == hal::TrapKind::interrupt) {
            u64 start = hal::monotonic_ns();
            trap = guest.run();
            elapsed = hal::monotonic_ns() - start;
        }
        EXPECT_EQ(trap.kind, hal::TrapKind::exception);
        EXPECT_EQ(trap.vector, 13u);
        EXPECT_GE(elapsed, hosted::stub_kick_timeout_ns);
        EXPECT_EQ(guest.stub_pid(), -1);
        shared.stop.store(true);
        other.value()->join();
        std::printf("[ figures  ] a guest blocking the kick was killed after %.2f s\n", elapsed / 1e9);
    });
}

}  // namespace

// The kernel takes a page away while it believes the stub frozen in a trap, but the trap was
// a report the guest made itself: answering the kernel's "apply these changes" resumes guest
// code, not the stub's handler. The hal call must not return while the guest can still
// reach the page (the kernel may free the frame right after).
TEST(HostedUserModeIsolation, AForgedReportCannotKeepARevokedPage) {
    run_in_kernel([] {
        for (bool parse_file : {false, true}) {
            hosted::parse_stub_maps_file(parse_file);
            struct Case {
                Program program;
                const char* what;
            } cases[] = {
                {PROGRAM(forge_report_then_read), "never answers"},
                {PROGRAM(forge_two_reports_then_read), "answers without applying"},
            };
            for (const Case& c : cases) {
                Guest guest(c.program);
                PhysAddr secret = guest.add_page(data_va, hal::prot_read);
                Guest::put_u64(secret, 0, 0x5ec2e7);
                guest.context->rdi = data_va;
                guest.run_to_trap();  // the forged report, taken for some trap
                ASSERT_NE(guest.stub_pid(), -1);
                u64 start = hal::monotonic_ns();
                hal::unmap(*guest.space, data_va, page);
                u64 elapsed = hal::monotonic_ns() - start;
                EXPECT_EQ(guest.stub_pid(), -1) << c.what << ": the stub must be gone when unmap returns";
                std::printf("[ figures  ] %s (%s): unmap returned after %.1f ms\n", c.what,
                            parse_file ? "/proc maps" : "PROCMAP_QUERY", elapsed / 1e6);
            }
        }
        hosted::parse_stub_maps_file(false);
    });
}

// The same with a genuine trap: the stub applies the change at once and lives on.
TEST(HostedUserModeIsolation, RevocationsTakeEffectBeforeTheHalCallReturns) {
    run_in_kernel([] {
        for (bool parse_file : {false, true}) {
            hosted::parse_stub_maps_file(parse_file);
            Guest guest(PROGRAM(syscall_loop));
            PhysAddr first = guest.add_page(data_va, hal::prot_read | hal::prot_write);
            guest.add_page(data_va + page, hal::prot_read | hal::prot_write);
            ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::syscall);
            pid_t stub = guest.stub_pid();
            auto maps = [&] {
                std::ifstream file("/proc/" + std::to_string(stub) + "/maps");
                std::stringstream text;
                text << file.rdbuf();
                return text.str();
            };
            EXPECT_NE(maps().find("00600000-00602000 rw-s"), std::string::npos) << maps();
            hal::protect(*guest.space, data_va, page, hal::prot_read);  // copy-on-write, say
            EXPECT_NE(maps().find("00600000-00601000 r--s"), std::string::npos) << maps();
            hal::unmap(*guest.space, data_va + page, page);
            EXPECT_EQ(maps().find("00601000-"), std::string::npos) << maps();
            // Replacing a mapping takes the old frame away too.
            PhysAddr other = guest.frame();
            ASSERT_FALSE(hal::map(*guest.space, data_va, other, hal::prot_read).is_error());
            char offset[32];
            std::snprintf(offset, sizeof offset, " %08llx ", static_cast<unsigned long long>(other));
            std::string now = maps();
            EXPECT_NE(now.find(std::string("00600000-00601000 r--s") + offset), std::string::npos) << now;
            (void)first;
            // Adding access waits for the next entry.
            ASSERT_FALSE(hal::map(*guest.space, data_va + 4 * page, other, hal::prot_read).is_error());
            EXPECT_EQ(maps().find("00604000-"), std::string::npos);
            EXPECT_EQ(guest.stub_pid(), stub) << "an honest stub is not replaced";
            ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::syscall);
            EXPECT_NE(maps().find("00604000-00605000 r--s"), std::string::npos) << maps();
        }
        hosted::parse_stub_maps_file(false);
    });
}
