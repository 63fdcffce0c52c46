// bench/user_trap: what hosted user mode costs. Boots a hosted machine in this process and,
// in a kernel thread, times hal::enter_user round trips with small guest programs:
//   syscall      enter_user -> the guest's syscall traps -> back (the kernel does nothing)
//   page fault   a load from a prot_none page faults, enter_user returns, again
//   demand page  a fault on an unmapped page, the kernel maps a frame, the load completes
//                and the next page faults (includes applying the new mapping in the stub)
//   revoke       hal::protect taking write access away (applied and checked with the host
//                before the call returns)
//   stub start   the first enter_user of a new space: exec of the stub, its setup, the first
//                trap
// and, as a baseline, a host syscall (getppid) from the same thread. Prints the median and
// the 10th/90th percentiles of each, in microseconds.
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "hosted/kernel_runner.h"
#include "kernel/hal/interrupts.h"
#include "kernel/hal/mmu.h"
#include "kernel/hal/physmem.h"
#include "kernel/hal/timer.h"
#include "kernel/hal/usermode.h"
#include "kernel/mm/frame_allocator.h"

extern "C" const unsigned char bench_syscall_loop[], bench_syscall_loop_end[];
extern "C" const unsigned char bench_page_walk[], bench_page_walk_end[];

namespace {

using kernel::PhysAddr;
using kernel::u64;
using kernel::uptr;

constexpr uptr page = hal::page_size;
constexpr uptr code_va = 0x400000;
constexpr uptr stack_va = 0x7ff000;
constexpr uptr data_va = 0x10000000;

struct Space {
    hal::AddressSpace* space;
    std::unique_ptr<hal::UserContext> context = std::make_unique<hal::UserContext>();
    std::vector<PhysAddr> frames;

    Space(const unsigned char* begin, const unsigned char* end) {
        space = hal::create_address_space().value();
        PhysAddr code = frame();
        std::memcpy(hal::phys_to_virt(code), begin, static_cast<size_t>(end - begin));
        (void)hal::map(*space, code_va, code, hal::prot_read | hal::prot_exec);
        (void)hal::map(*space, stack_va, frame(), hal::prot_read | hal::prot_write);
        hal::reset_user_context(*context);
        context->rip = code_va;
        context->rsp = stack_va + page;
    }
    ~Space() {
        hal::destroy_address_space(space);
        for (PhysAddr pa : frames) kernel::mm::free_frames(pa);
    }
    PhysAddr frame() {
        PhysAddr pa = kernel::mm::allocate_frames().value();
        std::memset(hal::phys_to_virt(pa), 0, page);
        frames.push_back(pa);
        return pa;
    }
    hal::Trap run() { return hal::enter_user(*space, *context); }
};

void report(const char* name, std::vector<double>& samples) {
    std::sort(samples.begin(), samples.end());
    auto at = [&](double fraction) { return samples[static_cast<size_t>(fraction * (samples.size() - 1))]; };
    std::printf("%-12s median %8.2f us   p10 %8.2f   p90 %8.2f   (%zu samples)\n", name, at(0.5), at(0.1), at(0.9),
                samples.size());
}

// Times `step` `count` times; a step returning false is not counted (an interrupt trap).
template <typename Step>
std::vector<double> time_steps(int count, Step step) {
    std::vector<double> samples;
    samples.reserve(count);
    while (static_cast<int>(samples.size()) < count) {
        u64 start = hal::monotonic_ns();
        bool counted = step();
        u64 elapsed = hal::monotonic_ns() - start;
        if (counted) samples.push_back(elapsed / 1000.0);
    }
    return samples;
}

void benchmark() {
    {
        std::vector<double> samples = time_steps(20000, [] {
            hal::InterruptGuard interrupts;  // a host call from kernel context
            syscall(SYS_getppid);
            return true;
        });
        report("host syscall", samples);
    }
    {
        Space guest(bench_syscall_loop, bench_syscall_loop_end);
        guest.run();  // starts the stub
        std::vector<double> samples = time_steps(20000, [&] { return guest.run().kind == hal::TrapKind::syscall; });
        report("syscall", samples);
    }
    {
        Space guest(bench_page_walk, bench_page_walk_end);
        (void)hal::map(*guest.space, data_va, guest.frame(), hal::prot_none);
        guest.context->rdi = data_va;
        guest.run();
        std::vector<double> samples = time_steps(20000, [&] { return guest.run().kind == hal::TrapKind::page_fault; });
        report("page fault", samples);
    }
    {
        Space guest(bench_page_walk, bench_page_walk_end);
        PhysAddr shared = guest.frame();
        guest.context->rdi = data_va;
        guest.run();  // the first fault
        std::vector<double> samples = time_steps(5000, [&] {
            (void)hal::map(*guest.space, guest.context->rdi & ~(page - 1), shared, hal::prot_read);
            return guest.run().kind == hal::TrapKind::page_fault;
        });
        report("demand page", samples);
    }
    {
        Space guest(bench_syscall_loop, bench_syscall_loop_end);
        (void)hal::map(*guest.space, data_va, guest.frame(), hal::prot_read | hal::prot_write);
        guest.run();
        std::vector<double> samples;
        for (int i = 0; i < 5000; ++i) {
            hal::protect(*guest.space, data_va, page, hal::prot_read | hal::prot_write);  // waits for the entry
            guest.run();
            u64 start = hal::monotonic_ns();
            hal::protect(*guest.space, data_va, page, hal::prot_read);
            samples.push_back((hal::monotonic_ns() - start) / 1000.0);
        }
        report("revoke", samples);
    }
    {
        std::vector<double> samples = time_steps(100, [] {
            Space guest(bench_syscall_loop, bench_syscall_loop_end);
            return guest.run().kind == hal::TrapKind::syscall;
        });
        report("stub start", samples);
    }
}

}  // namespace

int main() {
    hosted::MachineConfig config;
    config.cpus = 1;
    config.memory_bytes = 256u << 20;
    config.command_line = "loglevel=4";
    config.console_input = false;
    config.handle_termination_signals = false;
    hosted::start_kernel_runner(config);
    hosted::run_in_kernel(benchmark);
    return hosted::stop_kernel_runner();
}
