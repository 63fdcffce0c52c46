// Hosted user mode: hal::enter_user running small hand-written x86-64 programs
// (guest_programs.S) in stub processes, in a booted machine: traps, registers, FPU, FS/GS
// bases, preemption, the stubs' mappings and lifetime. The isolation boundary has its own
// file (usermode_isolation_test.cpp).
#include <gtest/gtest.h>

#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

#include "guest.h"
#include "kernel/core/scheduler.h"
#include "kernel/hal/timer.h"
#include "tests/unit/kernel/kernel_fixture.h"

using namespace kernel;
using namespace newt_test;

namespace {

u64 fpu_u64(const hal::UserContext& context, size_t offset) {
    u64 value;
    std::memcpy(&value, context.fpu + offset, sizeof value);
    return value;
}

void expect_syscall(const hal::Trap& trap, u64 number, const hal::UserContext& context) {
    EXPECT_EQ(trap.kind, hal::TrapKind::syscall);
    EXPECT_EQ(context.rax, number);
}

TEST(HostedUserMode, SyscallsTrapWithTheirRegistersAndTakeTheKernelsResult) {
    run_in_kernel([] {
        Guest guest(PROGRAM(syscall_loop));
        guest.context->r12 = 500;
        u64 sum = 0;
        u64 start = 0;
        constexpr int round_trips = 1000;
        for (int i = 0; i < round_trips; ++i) {
            if (i == 1) start = hal::monotonic_ns();  // the first entry starts the stub
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::syscall) << "round trip " << i;
            ASSERT_EQ(guest.context->rax, 500u + i);
            ASSERT_EQ(guest.context->r12, 500u + i);
            ASSERT_EQ(guest.context->rbx, sum);
            ASSERT_EQ(guest.context->rip, code_va + 5) << "rip is past the syscall instruction";
            ASSERT_EQ(guest.context->rcx, code_va + 5) << "the syscall instruction's rcx";
            ASSERT_EQ(guest.context->r11 & 0x202, 0x202u) << "the syscall instruction's r11 (rflags)";
            u64 result = 2 * guest.context->rax + 1;
            guest.context->rax = result;
            sum += result;
        }
        u64 elapsed = hal::monotonic_ns() - start;
        std::printf("[ figures  ] %d trapped syscall round trips, %.1f us each on average\n", round_trips - 1,
                    elapsed / 1000.0 / (round_trips - 1));
    });
}

TEST(HostedUserMode, PageFaultsSayWhereAndHow) {
    run_in_kernel([] {
        {
            Guest guest(PROGRAM(load));
            guest.context->rdi = unmapped_va + 0x18;
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::page_fault);
            EXPECT_EQ(trap.address, unmapped_va + 0x18);
            EXPECT_EQ(trap.access, u32(hal::access_read));
            EXPECT_FALSE(trap.present);
            EXPECT_EQ(guest.context->rip, code_va) << "rip stays at the faulting instruction";
            // Demand paging: the kernel maps the page and the load completes.
            PhysAddr pa = guest.add_page(unmapped_va, hal::prot_read);
            Guest::put_u64(pa, 0x18, 0xfeedface);
            trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
            EXPECT_EQ(guest.context->rax, 0xfeedfaceu);
        }
        {
            Guest guest(PROGRAM(store));
            guest.context->rdi = unmapped_va + 8;
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::page_fault);
            EXPECT_EQ(trap.address, unmapped_va + 8);
            EXPECT_EQ(trap.access, u32(hal::access_write));
            EXPECT_FALSE(trap.present);
        }
        {
            Guest guest(PROGRAM(store));
            PhysAddr pa = guest.add_page(data_va, hal::prot_read);
            guest.context->rdi = data_va + 16;
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::page_fault);
            EXPECT_EQ(trap.address, data_va + 16);
            EXPECT_EQ(trap.access, u32(hal::access_write));
            EXPECT_TRUE(trap.present);
            // Copy-on-write style: the kernel makes it writable and the store goes through.
            hal::protect(*guest.space, data_va, page, hal::prot_read | hal::prot_write);
            ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::syscall);
            EXPECT_EQ(Guest::get_u64(pa, 16), 1u);
        }
        {
            Guest guest(PROGRAM(load));
            PhysAddr pa = guest.add_page(data_va, hal::prot_read | hal::prot_write);
            std::memcpy(Guest::bytes(pa), guest_ud2, 2);
            guest.context->rip = data_va;
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::page_fault);
            EXPECT_EQ(trap.address, data_va);
            EXPECT_EQ(trap.access, u32(hal::access_execute));
            EXPECT_TRUE(trap.present);
            hal::protect(*guest.space, data_va, page, hal::prot_read | hal::prot_exec);
            trap = guest.run_to_trap();
            EXPECT_EQ(trap.kind, hal::TrapKind::exception) << "now the ud2 there runs";
            EXPECT_EQ(trap.vector, 6u);
        }
        {
            Guest guest(PROGRAM(load));
            guest.add_page(data_va, hal::prot_none);
            guest.context->rdi = data_va;
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::page_fault);
            EXPECT_EQ(trap.access, u32(hal::access_read));
            EXPECT_TRUE(trap.present) << "a prot_none page is a mapping";
        }
    });
}

TEST(HostedUserMode, ExceptionsCarryTheirVector) {
    run_in_kernel([] {
        struct Case {
            Program program;
            u32 vector;
            u64 rip_offset;
            const char* what;
        } cases[] = {
            {PROGRAM(ud2), 6, 0, "ud2: #UD at the instruction"},
            {PROGRAM(int3), 3, 1, "int3: #BP after the instruction"},
            {PROGRAM(divide_by_zero), 0, 2, "div by zero: #DE at the div"},
            {PROGRAM(hlt), 13, 0, "hlt: #GP"},
        };
        for (const Case& c : cases) {
            Guest guest(c.program);
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::exception) << c.what;
            EXPECT_EQ(trap.vector, c.vector) << c.what;
            EXPECT_EQ(guest.context->rip, code_va + c.rip_offset) << c.what;
        }
        // After int3 the program goes on.
        Guest guest(PROGRAM(int3));
        ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::exception);
        EXPECT_EQ(guest.run_to_trap().kind, hal::TrapKind::syscall);
    });
}

TEST(HostedUserMode, Int80AndX32SyscallsNeverReachTheHost) {
    run_in_kernel([] {
        {
            Guest guest(PROGRAM(int80));
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::exception);
            EXPECT_EQ(trap.vector, 13u);
            EXPECT_EQ(trap.error_code, 0x402u) << "#GP naming IDT vector 0x80";
            EXPECT_EQ(guest.context->rip, code_va + 5) << "at the int instruction";
        }
        {
            Guest guest(PROGRAM(x32_syscall));
            hal::Trap trap = guest.run_to_trap();
            expect_syscall(trap, 0x40000027, *guest.context);  // x32 getpid: the kernel's to refuse
            guest.context->rax = negative_errno(ENOSYS);
            trap = guest.run_to_trap();
            expect_syscall(trap, negative_errno(ENOSYS), *guest.context);
        }
    });
}

// How a plain host program fares with the raw syscall `number` under a seccomp filter that
// traps it (host_syscall_probe.c): killed by SIGSYS (the filter saw it), by another signal,
// or answered with an errno before any filter.
struct HostAnswer {
    int signal = 0;  // what killed the probe, or 0
    int error = 0;   // else its exit status: the errno the host answered
};

HostAnswer ask_host(u64 number) {
    std::string argument = std::to_string(number);
    char* argv[] = {const_cast<char*>(HOST_SYSCALL_PROBE), argument.data(), nullptr};
    char* envp[] = {nullptr};
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, HOST_SYSCALL_PROBE, nullptr, nullptr, argv, envp), 0);
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) return {WTERMSIG(status), 0};
    EXPECT_LT(WEXITSTATUS(status), 250) << "the probe could not install its filter";
    return {0, WEXITSTATUS(status)};
}

// A recent Linux host answers uretprobe (335) and uprobe (336) itself, before any seccomp
// filter (usermode.h): the guest gets what the plain program gets, whatever the upper half
// of rax holds, and the trap is named right even though the stub's last CPU trap was a page
// fault (the host's SIGILL carries a stale trap number). Every other number traps.
TEST(HostedUserMode, SyscallsTheHostAnswersBeforeSeccompGoAsOnTheHost) {
    struct Probe {
        u64 number;
        HostAnswer host;
    };
    std::vector<Probe> probes;
    for (u64 number : {334ull, 335ull, 336ull, 337ull, (1ull << 40) | 335, (1ull << 40) | 336, 0xffffffff00000000ull | 336})
        probes.push_back({number, ask_host(number)});
    for (const Probe& p : probes) {
        std::printf("[ host     ] syscall %#llx: %s %d\n", static_cast<unsigned long long>(p.number),
                    p.host.signal ? "killed by signal" : "errno", p.host.signal ? p.host.signal : p.host.error);
        if ((p.number & 0xffffffff) != 335 && (p.number & 0xffffffff) != 336) {
            EXPECT_EQ(p.host.signal, SIGSYS) << "the filter sees syscall " << p.number;
        }
    }
    run_in_kernel([&] {
        for (const Probe& p : probes) {
            SCOPED_TRACE(p.number);
            Guest guest(PROGRAM(load_then_syscall));
            guest.context->rdi = data_va;
            guest.context->rdx = p.number;
            ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::page_fault);
            guest.add_page(data_va, hal::prot_read);
            hal::Trap trap = guest.run_to_trap();
            constexpr u64 after_syscall = code_va + 3 + 3 + 2;
            if (p.host.signal == SIGSYS) {
                expect_syscall(trap, p.number, *guest.context);
                EXPECT_EQ(guest.context->rip, after_syscall);
                guest.context->rax = negative_errno(ENOSYS);
                trap = guest.run_to_trap();
                expect_syscall(trap, 1000, *guest.context);
                EXPECT_EQ(guest.context->rbx, negative_errno(ENOSYS));
            } else if (p.host.signal == SIGILL) {
                ASSERT_EQ(trap.kind, hal::TrapKind::exception);
                EXPECT_EQ(trap.vector, 6u) << "#UD";
                EXPECT_EQ(guest.context->rip, after_syscall);
                EXPECT_EQ(guest.context->rax, ~u64(0));
            } else {
                ASSERT_EQ(p.host.signal, 0);
                expect_syscall(trap, 1000, *guest.context);
                EXPECT_EQ(guest.context->rbx, negative_errno(p.host.error)) << "the host's answer, no trap";
            }
        }
    });
}

TEST(HostedUserMode, FsAndGsBasesRoundTrip) {
    run_in_kernel([] {
        auto check = [] {
            Guest guest(PROGRAM(fs_gs));
            PhysAddr a = guest.add_page(data_va, hal::prot_read);
            PhysAddr b = guest.add_page(data_va + page, hal::prot_read);
            Guest::put_u64(a, 0, 0xaaaa0000), Guest::put_u64(a, 8, 0xaaaa0008);
            Guest::put_u64(b, 0, 0xbbbb0000), Guest::put_u64(b, 8, 0xbbbb0008);
            guest.context->fs_base = data_va;
            guest.context->gs_base = data_va + page;
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
            EXPECT_EQ(guest.context->rax, 0xaaaa0000u);
            EXPECT_EQ(guest.context->rbx, 0xbbbb0008u);
            EXPECT_EQ(guest.context->fs_base, data_va);
            EXPECT_EQ(guest.context->gs_base, data_va + page);
            std::swap(guest.context->fs_base, guest.context->gs_base);
            trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
            EXPECT_EQ(guest.context->rax, 0xbbbb0000u);
            EXPECT_EQ(guest.context->rbx, 0xaaaa0008u);
        };
        check();
        // Hosts without FSGSBASE: the stub uses arch_prctl (forced here).
        hosted::use_arch_prctl_in_new_stubs(true);
        check();
        hosted::use_arch_prctl_in_new_stubs(false);

        // The bases the guest sets itself (the host lets user code use wrfsbase) are seen.
        if (getauxval(AT_HWCAP2) & 2) {
            Guest guest(PROGRAM(set_fs_gs));
            guest.context->rdi = 0x123456789000;
            guest.context->rsi = 0x7fff00001000;
            ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::syscall);
            EXPECT_EQ(guest.context->fs_base, 0x123456789000u);
            EXPECT_EQ(guest.context->gs_base, 0x7fff00001000u);
        }
    });
}

// As on bare metal (usermode.h): what a CPU could not load runs nothing and is a #GP, with
// the context as it was; the stub lives on.
TEST(HostedUserMode, ARipOrBaseTheCpuCannotLoadIsRefused) {
    run_in_kernel([] {
        Guest guest(PROGRAM(fs_gs));
        ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::page_fault) << "%fs:0 with base 0";
        pid_t stub = guest.stub_pid();
        ASSERT_GT(stub, 0);
        constexpr u64 non_canonical = 0x0000900000000000;
        for (u64 hal::UserContext::*field : {&hal::UserContext::rip, &hal::UserContext::fs_base, &hal::UserContext::gs_base}) {
            guest.restart(PROGRAM(fs_gs));
            (*guest.context).*field = non_canonical;
            const hal::UserContext before = *guest.context;
            hal::Trap trap = guest.run();
            ASSERT_EQ(trap.kind, hal::TrapKind::exception);
            EXPECT_EQ(trap.vector, 13u);
            EXPECT_EQ(trap.error_code, 0u);
            EXPECT_EQ(std::memcmp(&before, guest.context.get(), sizeof before), 0) << "the context is unchanged";
            EXPECT_EQ(guest.stub_pid(), stub);
        }
        // Canonical again: it runs (the program reads through a base of 0 and faults there).
        guest.restart(PROGRAM(fs_gs));
        hal::Trap trap = guest.run_to_trap();
        ASSERT_EQ(trap.kind, hal::TrapKind::page_fault);
        EXPECT_EQ(trap.address, 0u);
        EXPECT_EQ(guest.stub_pid(), stub);
    });
}

TEST(HostedUserMode, FpuStateSurvivesTrapsAndTheKernelCanSetIt) {
    run_in_kernel([] {
        Guest guest(PROGRAM(xmm));
        guest.context->fpu[24] = 0xff;  // MXCSR with reserved bits set: must not kill the stub
        std::memset(guest.context->fpu + 25, 0xff, 3);
        const u64 xmm0 = 0x0123456789abcdef;
        std::memcpy(guest.context->fpu + xmm0_offset, &xmm0, sizeof xmm0);
        hal::Trap trap = guest.run_to_trap();
        ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
        EXPECT_EQ(guest.context->rax, xmm0) << "the guest sees the xmm0 the kernel set";
        EXPECT_EQ(fpu_u64(*guest.context, xmm0_offset), xmm0);
        u16 fcw;
        std::memcpy(&fcw, guest.context->fpu, sizeof fcw);
        EXPECT_EQ(fcw, 0x37f);
        guest.context->rbx = 0x1122334455667788;
        trap = guest.run_to_trap();
        ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
        EXPECT_EQ(fpu_u64(*guest.context, xmm0_offset + 5 * 16), 0x1122334455667788u) << "xmm5 in the trap's state";
        trap = guest.run_to_trap();
        ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
        EXPECT_EQ(guest.context->rax, 0x1122334455667788u) << "xmm5 survived the trap";
    });
}

TEST(HostedUserMode, AGuestSpinningForeverIsPreempted) {
    run_in_kernel([] {
        struct Shared {
            std::atomic<bool> stop {false};
            std::atomic<u64> ticks {0};
        } shared;
        // Another thread on this CPU: the scheduler then runs a time slice timer.
        auto other = spawn_thread(+[](void* argument) {
            auto* s = static_cast<Shared*>(argument);
            while (!s->stop.load()) {
                s->ticks.fetch_add(1);
                u64 until = hal::monotonic_ns() + 200'000;
                while (hal::monotonic_ns() < until) {
                }
                sleep_ns(1'000'000);
            }
        }, &shared, {.name = "neighbour", .pinned_cpu = 0});
        ASSERT_FALSE(other.is_error());
        Guest guest(PROGRAM(spin));
        u64 start = hal::monotonic_ns();
        hal::Trap trap = guest.run();
        u64 first = hal::monotonic_ns() - start;
        EXPECT_EQ(trap.kind, hal::TrapKind::interrupt);
        EXPECT_LT(first, 2'000'000'000u) << "a spinning guest must come back at a timer tick";
        u64 counted = guest.context->rbx;
        u64 ticks_before = shared.ticks.load();
        int interrupts = 1;
        while (interrupts < 20) {
            trap = guest.run();
            ASSERT_EQ(trap.kind, hal::TrapKind::interrupt);
            ++interrupts;
            EXPECT_GE(guest.context->rbx, counted) << "the loop resumes where it was";
            counted = guest.context->rbx;
        }
        EXPECT_GT(counted, 0u);
        EXPECT_GT(shared.ticks.load(), ticks_before) << "the other thread ran meanwhile";
        std::printf("[ figures  ] first interrupt after %.1f ms; %llu loop iterations in %d slices\n", first / 1e6,
                    static_cast<unsigned long long>(counted), interrupts);
        shared.stop.store(true);
        other.value()->join();
    });
}

TEST(HostedUserMode, TwoSpacesAlternateOnOneCpu) {
    run_in_kernel([] {
        Guest a(PROGRAM(syscall_loop)), b(PROGRAM(syscall_loop));
        a.context->r12 = 1000;
        b.context->r12 = 2000;
        for (int i = 0; i < 100; ++i) {
            for (Guest* guest : {&a, &b}) {
                u64 base = guest == &a ? 1000 : 2000;
                hal::Trap trap = guest->run_to_trap();
                ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
                ASSERT_EQ(guest->context->rax, base + i);
                guest->context->rax = 1;
            }
        }
        EXPECT_EQ(a.context->rbx, 99u);
        EXPECT_EQ(b.context->rbx, 99u);
        EXPECT_NE(a.stub_pid(), b.stub_pid());
    });
}

std::string read_text(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// The stub's /proc/PID/maps: only its code, control page, stack, the guest's pages and
// [vsyscall].
TEST(HostedUserMode, TheStubMapsOnlyWhatItShould) {
    run_in_kernel([] {
        Guest guest(PROGRAM(syscall_loop));
        // 16 pages contiguous in va and frames, one protection: one mapping.
        PhysAddr block = mm::allocate_frames(4).value();
        for (int i = 0; i < 16; ++i) ASSERT_FALSE(hal::map(*guest.space, data_va + i * page, block + i * page, hal::prot_read).is_error());
        ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::syscall);
        std::string maps = read_text("/proc/" + std::to_string(guest.stub_pid()) + "/maps");
        std::vector<std::string> lines;
        std::istringstream stream(maps);
        for (std::string line; std::getline(stream, line);) lines.push_back(line);
        auto has = [&](const std::string& prefix) {
            for (auto& line : lines)
                if (line.rfind(prefix, 0) == 0) return true;
            return false;
        };
        EXPECT_TRUE(has("00400000-00401000 r-xs")) << maps;
        EXPECT_TRUE(has("00600000-00610000 r--s")) << maps;  // merged into one mmap
        EXPECT_TRUE(has("007ff000-00800000 rw-s")) << maps;
        EXPECT_TRUE(has("7f0000010000-7f0000011000 r-xp")) << maps;
        EXPECT_TRUE(has("7f0000100000-7f0000108000 rw-s")) << maps;
        EXPECT_TRUE(has("7f0000200000-7f0000210000 rw-p")) << maps;
        EXPECT_TRUE(has("ffffffffff600000-ffffffffff601000")) << maps;
        EXPECT_EQ(lines.size(), 7u) << maps;
        EXPECT_EQ(maps.find("[vdso]"), std::string::npos);
        EXPECT_EQ(maps.find("[stack]"), std::string::npos);
        // Its only descriptors: the RAM memfd and the seccomp listener.
        int descriptors = 0;
        std::string fd_dir = "/proc/" + std::to_string(guest.stub_pid()) + "/fd";
        if (DIR* dir = opendir(fd_dir.c_str())) {
            while (dirent* entry = readdir(dir)) descriptors += entry->d_name[0] != '.';
            closedir(dir);
        }
        EXPECT_EQ(descriptors, 2);
        // Unmapping and protecting parts of the run splits it.
        hal::unmap(*guest.space, data_va + 4 * page, page);
        hal::protect(*guest.space, data_va + 8 * page, 2 * page, hal::prot_read | hal::prot_write);
        guest.context->rax = 0;
        ASSERT_EQ(guest.run_to_trap().kind, hal::TrapKind::syscall);
        maps = read_text("/proc/" + std::to_string(guest.stub_pid()) + "/maps");
        EXPECT_NE(maps.find("00600000-00604000 r--s"), std::string::npos) << maps;
        EXPECT_NE(maps.find("00605000-00608000 r--s"), std::string::npos) << maps;
        EXPECT_NE(maps.find("00608000-0060a000 rw-s"), std::string::npos) << maps;
        EXPECT_NE(maps.find("0060a000-00610000 r--s"), std::string::npos) << maps;
        hal::unmap(*guest.space, data_va, 16 * page);
        mm::free_frames(block, 4);
    });
}

// More discontiguous runs than one batch of operations holds: all are applied.
TEST(HostedUserMode, ManyMappingChangesAreAppliedInBatches) {
    run_in_kernel([] {
        Guest guest(PROGRAM(load));
        PhysAddr shared = guest.frame();
        Guest::put_u64(shared, 0, 0x600d);
        // Every other page, so no two merge: 700 mappings, well over one batch.
        for (int i = 0; i < 700; ++i) ASSERT_FALSE(hal::map(*guest.space, 0x10000000 + 2 * i * page, shared, hal::prot_read).is_error());
        guest.context->rdi = 0x10000000 + 2 * 699 * page;
        hal::Trap trap = guest.run_to_trap();
        ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
        EXPECT_EQ(guest.context->rax, 0x600du);
        // And removed again, in batches too.
        for (int i = 0; i < 700; i += 2) hal::unmap(*guest.space, 0x10000000 + 2 * i * page, page);
        guest.context->rip = code_va;
        trap = guest.run_to_trap();
        ASSERT_EQ(trap.kind, hal::TrapKind::syscall) << "page 699 is still mapped";
        guest.context->rdi = 0x10000000 + 2 * 698 * page;
        guest.context->rip = code_va;
        trap = guest.run_to_trap();
        ASSERT_EQ(trap.kind, hal::TrapKind::page_fault);
        EXPECT_FALSE(trap.present);
    });
}

u64 count_entries(const char* directory) {
    u64 count = 0;
    if (DIR* dir = opendir(directory)) {
        while (dirent* entry = readdir(dir)) count += entry->d_name[0] != '.';
        closedir(dir);
    }
    return count;
}

// Child processes of this process, zombies included.
u64 count_children() {
    u64 count = 0;
    std::string me = std::to_string(getpid());
    DIR* proc = opendir("/proc");
    while (dirent* entry = readdir(proc)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        std::string stat = read_text(std::string("/proc/") + entry->d_name + "/stat");
        size_t close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream fields(stat.substr(close + 2));
        std::string state, parent;
        fields >> state >> parent;
        count += parent == me;
    }
    closedir(proc);
    return count;
}

TEST(HostedUserMode, DestroyedSpacesLeaveNoProcessesOrDescriptors) {
    run_in_kernel([] {
        {
            Guest warm_up(PROGRAM(syscall_loop));  // the stub executable's memfd is made once
            ASSERT_EQ(warm_up.run_to_trap().kind, hal::TrapKind::syscall);
        }
        u64 fds = count_entries("/proc/self/fd"), children = count_children();
        u64 started = hosted::user_stubs_started();
        for (int i = 0; i < 100; ++i) {
            Guest guest(PROGRAM(syscall_loop));
            guest.context->r12 = i;
            hal::Trap trap = guest.run_to_trap();
            ASSERT_EQ(trap.kind, hal::TrapKind::syscall);
            ASSERT_EQ(guest.context->rax, u64(i));
        }
        EXPECT_EQ(hosted::user_stubs_started() - started, 100u);
        EXPECT_EQ(count_entries("/proc/self/fd"), fds);
        EXPECT_EQ(count_children(), children);
        // A space that never ran has no stub at all.
        u64 before = hosted::user_stubs_started();
        { Guest idle(PROGRAM(syscall_loop)); }
        EXPECT_EQ(hosted::user_stubs_started(), before);
    });
}

}  // namespace
