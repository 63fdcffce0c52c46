#include "stub_mmap_policy.h"

#include <sys/mman.h>

#include "../kernel/hal/physmem.h"
#include "address_space.h"
#include "physmem.h"
#include "stub/stub_protocol.h"

namespace hosted {

bool stub_may_map(const hal::AddressSpace& space, const MmapRequest& request) {
    constexpr std::uint64_t page = hal::page_size;
    const std::uint64_t address = request.address, length = request.length, offset = request.offset;
    // Exactly the form the stub itself uses: a shared, fixed mapping of the RAM memfd.
    if (request.flags != (MAP_SHARED | MAP_FIXED) || request.fd != NEWT_STUB_RAM_FD) return false;
    if (request.protection & ~std::uint64_t(PROT_READ | PROT_WRITE | PROT_EXEC)) return false;
    if (address % page || length % page || offset % page || length == 0) return false;
    if (address < hal::user_space_start || address >= hal::user_space_end || length > hal::user_space_end - address)
        return false;
    if (offset >= physical_memory_size() || length > physical_memory_size() - offset) return false;
    // Hosted Protection bits are PROT_* bits.
    static_assert(hal::prot_read == PROT_READ && hal::prot_write == PROT_WRITE && hal::prot_exec == PROT_EXEC);
    const auto wanted = static_cast<std::uint32_t>(request.protection);

    // Every page must be in the table, backed by the frame at the same offset, with at least
    // the requested protection. The walk visits only mapped pages, so a huge length costs no
    // more than the mappings there are.
    kernel::SpinlockGuard guard(space.lock);
    std::uint64_t expected = address;
    bool allowed = true;
    space.table.visit(address, address + length, [&](std::uint64_t va, const PageEntry& entry) {
        allowed = va == expected && entry.pa == offset + (va - address) && (wanted & ~entry.protection) == 0;
        expected = va + page;
        return allowed;
    });
    return allowed && expected == address + length;
}

}  // namespace hosted
