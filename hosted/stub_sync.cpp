#include "stub_sync.h"

#include "../kernel/hal/timer.h"
#include "address_space.h"
#include "mapping_queue.h"
#include "stub_mapping_check.h"
#include "user_stub.h"

namespace hosted {
namespace {

bool verify_revoked(hal::AddressSpace& space, const UserStub& stub) {
    DirtyRanges revoked;
    {
        kernel::SpinlockGuard guard(space.lock);
        revoked = space.revoked;
        space.revoked.clear();
    }
    unsigned count = revoked.normalize();
    for (unsigned i = 0; i < count; ++i)
        if (!stub_mappings_within_table(space, stub, revoked[i].start, revoked[i].end)) return false;
    return true;
}

}  // namespace

bool sync_stub(hal::AddressSpace& space) {
    UserStub& stub = *space.stub;
    while (unsigned count = queue_mapping_changes(space, stub.control->ops, NEWT_STUB_MAX_OPS, stub.maps_nothing)) {
        stub.control->op_count = count;
        answer_report(stub, NEWT_STUB_COMMAND_APPLY);
        if (wait_for_report(space, stub, nullptr, hal::monotonic_ns() + stub_sync_timeout_ns) != StubEvent::report) {
            destroy_user_stub(space);
            return false;
        }
    }
    stub.maps_nothing = false;
    if (!verify_revoked(space, stub)) {
        destroy_user_stub(space);
        return false;
    }
    return true;
}

void revoke_stub_access(hal::AddressSpace& space) {
    if (!space.stub) return;
    if (!space.stub->frozen) {
        destroy_user_stub(space);  // running guest code: only its death revokes for sure
        return;
    }
    sync_stub(space);
}

}  // namespace hosted
