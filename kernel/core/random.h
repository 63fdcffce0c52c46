// The kernel's cryptographically secure random number generator: the source behind
// /dev/random, /dev/urandom and getrandom(2), and for anything in the kernel that needs
// unpredictable numbers. A "fast key erasure" ChaCha20 generator, like Linux's random.c:
// one 32-byte key, seeded from hal::entropy and reseeded every 5 minutes or 1 MiB of output,
// replaced by fresh keystream on every request so that a key stolen now never reveals
// earlier output. docs/random.md describes the construction.
//
// Every function is thread- and interrupt-safe and never blocks (the state is guarded by
// a spinlock, a leaf lock held for one ChaCha20 block or one BLAKE2s compression at a time).
// Before random_init() the first caller seeds the generator itself.
#pragma once

#include "../lib/types.h"

namespace kernel {

// Seeds the generator from hal::entropy (once; later calls do nothing). Called at boot.
void random_init();

// Whether the generator has been seeded (by random_init or by a first use before it).
bool random_ready();

// Fills `buffer` with `size` random bytes. Never blocks; large requests are generated
// outside the lock, 64 KiB per derived key.
void get_random_bytes(void* buffer, usize size);
u32 get_random_u32();
u64 get_random_u64();

// Mixes `size` bytes of caller-provided input into the key (writes to /dev/random,
// RNDADDENTROPY). The input is hashed, never credited: the generator is as strong as before
// even if the input is known or chosen by an attacker.
void random_add_entropy(const void* data, usize size);

// Reseeds from hal::entropy now, as the periodic reseed does (RNDRESEEDCRNG).
void random_reseed();

struct RandomStats {
    u64 bytes_generated;        // total output since boot
    u64 reseeds;                // seedings from hal::entropy, the first one included
    bool last_seed_from_backend;  // false: hal::entropy failed and timer jitter was used
};
RandomStats random_stats();

}  // namespace kernel
