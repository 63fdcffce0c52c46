#include "io_bus.h"

#include <cstdio>
#include <cstdlib>

#include "../kernel/hal/interrupts.h"
#include "../kernel/hal/io.h"

namespace hosted {
namespace {

struct Claim {
    std::uint16_t base;
    std::uint16_t count;
    IoDevice* device;
};

constexpr unsigned max_claims = 32;
Claim claims[max_claims];
unsigned claim_count = 0;  // only grows before the CPUs start

struct MmioRegion {
    std::uint64_t base;
    std::size_t size;
    unsigned char* backing;
};

constexpr unsigned max_regions = 8;
MmioRegion regions[max_regions];
unsigned region_count = 0;  // only grows before the CPUs start

const Claim* find(std::uint16_t port) {
    for (unsigned i = 0; i < claim_count; ++i)
        if (port >= claims[i].base && port - claims[i].base < claims[i].count) return &claims[i];
    return nullptr;
}

std::uint32_t read(std::uint16_t port, unsigned size) {
    const Claim* claim = find(port);
    if (!claim) return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffu;
    // Models take host locks: no kernel interrupt may re-enter one on this CPU meanwhile.
    hal::InterruptGuard interrupts;
    return claim->device->io_read(static_cast<std::uint16_t>(port - claim->base), size);
}

void write(std::uint16_t port, unsigned size, std::uint32_t value) {
    const Claim* claim = find(port);
    if (!claim) return;
    hal::InterruptGuard interrupts;
    claim->device->io_write(static_cast<std::uint16_t>(port - claim->base), size, value);
}

}  // namespace

void attach_io_device(std::uint16_t base, std::uint16_t count, IoDevice& device) {
    if (claim_count == max_claims) {
        std::fprintf(stderr, "newt: too many I/O devices\n");
        std::abort();
    }
    claims[claim_count++] = {base, count, &device};
}

void attach_mmio_region(std::uint64_t base, std::size_t size, void* backing) {
    if (region_count == max_regions) {
        std::fprintf(stderr, "newt: too many device-memory regions\n");
        std::abort();
    }
    regions[region_count++] = {base, size, static_cast<unsigned char*>(backing)};
}

}  // namespace hosted

namespace hal {

kernel::u8 inb(kernel::u16 port) { return static_cast<kernel::u8>(hosted::read(port, 1)); }
kernel::u16 inw(kernel::u16 port) { return static_cast<kernel::u16>(hosted::read(port, 2)); }
kernel::u32 inl(kernel::u16 port) { return hosted::read(port, 4); }
void outb(kernel::u16 port, kernel::u8 value) { hosted::write(port, 1, value); }
void outw(kernel::u16 port, kernel::u16 value) { hosted::write(port, 2, value); }
void outl(kernel::u16 port, kernel::u32 value) { hosted::write(port, 4, value); }

volatile void* map_device_memory(kernel::PhysAddr base, kernel::usize size) {
    if (size == 0) return nullptr;
    for (unsigned i = 0; i < hosted::region_count; ++i) {
        const hosted::MmioRegion& region = hosted::regions[i];
        if (base >= region.base && base - region.base <= region.size && size <= region.size - (base - region.base))
            return region.backing + (base - region.base);
    }
    return nullptr;
}

}  // namespace hal
