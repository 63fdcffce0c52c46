// The stub process of a user address space (docs/hal.md, "User mode"): started from the
// embedded stub executable, it runs the guest's code and reports every trap through a
// seccomp user notification, whose answer resumes it. While the kernel holds an unanswered
// report, the stub is frozen in the host kernel: no guest code can run.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "../kernel/hal/mmu.h"
#include "../kernel/lib/result.h"
#include "host_cpu.h"
#include "stub/stub_protocol.h"

namespace hosted {

class UserStub {
public:
    pid_t pid = -1;
    int pidfd = -1;
    int listener = -1;                      // the stub's seccomp notification listener
    int maps_fd = -1;                       // its /proc/PID/maps (stub_mapping_check.h)
    newt_stub_control* control = nullptr;   // its control page, mapped here too
    std::uint64_t report = 0;               // id of the report notification it is frozen in
    bool frozen = false;                    // `report` is unanswered
    bool maps_nothing = true;               // no guest mapping applied yet
    // Learned from its first trap, before any guest code ran (so trusted).
    std::uint64_t xstate_size = 0;
    std::uint64_t xfeatures = 0;
};

// Starts a stub and waits until it is frozen in its first report. ENOMEM/EAGAIN when the
// host refuses (the reason is printed on stderr).
kernel::Result<UserStub*> spawn_user_stub();

// Kills the stub, reaps it and frees everything it held.
void kill_user_stub(UserStub* stub);
// kill_user_stub for the space's stub, if it has one.
void destroy_user_stub(hal::AddressSpace& space);

enum class StubEvent {
    report,  // the stub is frozen in a new report
    died,    // the process is gone (or was killed for not answering a kick)
};

// Waits for the stub's next report, answering its mmap requests meanwhile (checked against
// `space`). While `cpu` is given, a kick sent to the stub that gets no report within
// stub_kick_timeout_ns kills it: a guest can block the kick signal, never the kill. A stub
// that has not reported by `deadline_ns` (monotonic; 0: none) is killed too.
StubEvent wait_for_report(const hal::AddressSpace& space, UserStub& stub, HostCpu* cpu, std::uint64_t deadline_ns = 0);

// Answers the report the stub is frozen in with a NEWT_STUB_COMMAND_*.
void answer_report(UserStub& stub, long command);

// How long a kicked stub may take to report (see stub_sync_timeout_ns for why it is long).
inline constexpr std::uint64_t stub_kick_timeout_ns = 5'000'000'000;

// Statistics for tests.
std::uint64_t user_stubs_started();
// Tests: stubs started from now on use arch_prctl for the fs/gs bases, as on a host without
// FSGSBASE.
void use_arch_prctl_in_new_stubs(bool use);

}  // namespace hosted
