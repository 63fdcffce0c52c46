// hal entropy on x86_64: RDRAND when the CPU has it, else timestamp-counter jitter (and then
// it reports failure, so the kernel knows the bytes are not from a hardware source).
#include "../../kernel/hal/entropy.h"
#include "../x86_64/arch.h"

namespace hal {
namespace {

bool has_rdrand() { return x86::cpuid(1).ecx & (1u << 30); }

bool rdrand(kernel::u64& value) {
    unsigned char ok;
    asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
    return ok;
}

}  // namespace

bool entropy(void* buffer, kernel::usize length) {
    auto* bytes = static_cast<kernel::u8*>(buffer);
    bool hardware = has_rdrand();
    bool all_hardware = hardware;
    kernel::u64 mix = x86::rdtsc();
    for (kernel::usize i = 0; i < length; ++i) {
        kernel::u64 value = 0;
        bool got = false;
        for (int tries = 0; hardware && !got && tries < 10; ++tries) got = rdrand(value);
        if (!got) {
            all_hardware = false;
            // Timing jitter of port I/O, folded with a multiply-xorshift.
            for (int round = 0; round < 8; ++round) {
                x86::inb(0x80);
                mix ^= x86::rdtsc();
                mix *= 0x9e3779b97f4a7c15ull;
                mix ^= mix >> 29;
            }
            value = mix;
        }
        bytes[i] = static_cast<kernel::u8>(value ^ (value >> 8) ^ (value >> 16));
    }
    return all_hardware;
}

}  // namespace hal
