// The hosted machine's CPUs: one POSIX thread each, with a virtual interrupt flag, pending
// interrupt bits, a one-shot POSIX timer, and the host context it returns to at power-off.
#pragma once

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <cstdint>

#include "../kernel/hal/backend.h"
#include "../kernel/hal/boot.h"

namespace hosted {

// Bits of HostCpu::pending.
enum PendingInterrupt : std::uint32_t {
    pending_timer = 1u << 0,
    pending_ipi = 1u << 1,
    pending_device = 1u << 2,
};

struct HostCpu {
    unsigned index = 0;
    pthread_t thread {};
    int tid = 0;
    std::atomic<bool> irq_enabled {false};
    std::atomic<bool> polling {false};   // idle and spinning on `pending` before sleeping
    std::atomic<std::uint32_t> pending {0};
    std::atomic<std::uint64_t> timer_deadline {0};  // monotonic_ns; 0 = disarmed
    timer_t timer {};
    bool timer_created = false;
    hal::Context host_context;   // the pthread's own stack: where power-off returns to
    hal::Context boot_context;   // the stack kernel_main / kernel_secondary_main run on
    void* boot_stack = nullptr;
    bool created = false;                // its pthread exists (guarded by the machine's thread lock)
    std::atomic<bool> started {false};   // it can take kicks
    // While this CPU's thread waits for a user-mode stub running guest code: the stub's pidfd,
    // so that a pending interrupt kicks the stub (usermode.cpp); -1 otherwise.
    std::atomic<int> user_stub_pidfd {-1};
    std::atomic<bool> user_stub_kicked {false};  // the stub has been kicked since it resumed
};

// How long an idle CPU spins on its pending word before it sleeps in the host.
inline constexpr std::uint64_t idle_poll_ns = 50'000;

// The signal that kicks a CPU thread: IPIs, device interrupts and its timer.
int kick_signal();

// The CPU the calling host thread runs, or nullptr for other host threads.
HostCpu* this_host_cpu();
HostCpu& host_cpu(unsigned index);

// Marks interrupt bits pending on `cpu` and kicks its thread.
void post_interrupt(unsigned cpu, std::uint32_t bits);

// Machine lifetime (machine.cpp).
void start_cpu_thread(unsigned index);
bool machine_stopping();
// Does not return. Not declared [[noreturn]]: ASan would then instrument its call sites in
// signal handlers with __asan_handle_no_return, which misreads the fiber stack there.
void stop_this_cpu();

void capture_host_context(hal::Context& context);

// In the kick handler and the stub wait: if this CPU waits for a stub running guest code and
// an interrupt is pending, signals the stub once so that it traps (user_stub.cpp).
void kick_user_stub(HostCpu& cpu);

// Timer support (timer.cpp).
void create_cpu_timer(HostCpu& cpu);
void delete_cpu_timer(HostCpu& cpu);
// In the kick handler: turns an expired deadline into pending_timer.
void note_timer_expiry(HostCpu& cpu);

}  // namespace hosted
