// Bringing a stub's mappings in line with its space's page table.
//
// Changes that only add access wait for the next enter_user. Changes that take access away
// (unmap, a lower protection, a mapping replaced) are applied before the hal call that made
// them returns, and checked with the host: the kernel may free or share the frame as soon as
// it returns, and a guest that forged the stub's report would run, not apply them
// (docs/security.md).
#pragma once

#include <cstdint>

#include "../kernel/hal/mmu.h"

namespace hosted {

// How long a stub frozen in its handler may take to apply one batch of changes. A stub that
// takes longer is killed; that costs nothing but a new stub, since the thread's registers
// are the kernel's (UserContext). Generous, because a loaded host (sanitizer builds, two
// cores shared with compilers) can leave a healthy stub unscheduled for a long time, and a
// killed stub shows its process a fault; a guest that stalls on purpose only holds up its
// own CPU thread this long per attempt.
inline constexpr std::uint64_t stub_sync_timeout_ns = 3'000'000'000;

// Applies the queued changes (the stub must be frozen in a report) and checks the ranges
// that lost access against the host's view. A stub that does not answer in time, dies, or
// maps more than the table allows is killed and reaped: returns false, space.stub is null.
bool sync_stub(hal::AddressSpace& space);

// After a change that took access away: sync_stub, or, if the stub is not frozen (it runs
// guest code), kill it. Nothing to do without a stub.
void revoke_stub_access(hal::AddressSpace& space);

}  // namespace hosted
