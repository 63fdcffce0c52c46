// The kernel CSPRNG (docs/random.md). In short:
//
//   key       32 bytes, the whole secret state, guarded by random_lock.
//   mix(x)    key = BLAKE2s-256(key: key, message: x)          x is 32 bytes of seed or a digest
//   seed      x = BLAKE2s-256(64 bytes of hal::entropy || time, CPU, count
//                             [|| timer jitter, when hal::entropy reports failure]); mix(x)
//   add(d)    mix(BLAKE2s-256(d))
//   generate  block = ChaCha20(key, nonce 0, counter 0); key = block[0..32);
//             n <= 32: output block[32..32+n)
//             n > 32:  per-call key = block[32..64), output its ChaCha20 keystream outside
//                      the lock, a fresh per-call key for every 64 KiB
//
// The base key only ever produces one block before it is replaced, and every per-call key
// and block is erased after use, so the state at any moment says nothing about earlier
// output ("fast key erasure", as in Linux's random.c and Bernstein's 2017 note).
#include "random.h"

#include <atomic>

#include "../hal/cpu.h"
#include "../hal/entropy.h"
#include "../hal/timer.h"
#include "../lib/blake2s.h"
#include "../lib/chacha20.h"
#include "../lib/spinlock.h"
#include "../lib/string.h"
#include "klog.h"

namespace kernel {
namespace {

constexpr usize key_size = chacha20_key_size;
constexpr usize entropy_request = 64;              // bytes asked of hal::entropy per seeding
constexpr u64 reseed_interval_ns = 300'000'000'000;  // 5 minutes
constexpr u64 reseed_after_bytes = 1 * MiB;
constexpr usize bytes_per_call_key = 64 * KiB;
// Timer-jitter samples hashed when hal::entropy fails: a lot at the first seeding, fewer at
// periodic reseeds (which may run in an interrupt handler).
constexpr int jitter_samples_first = 4096;
constexpr int jitter_samples_reseed = 256;
constexpr u8 zero_nonce[chacha20_nonce_size] = {};

// The generator. Lock order: random_lock is a leaf; nothing is called with it held but
// ChaCha20 and BLAKE2s (no klog, no hal::entropy).
constinit Spinlock random_lock;
struct Generator {
    u8 key[key_size];
    u64 bytes_since_reseed;
    u64 bytes_generated;
    u64 reseeds;
    bool last_seed_from_backend;
};
constinit Generator generator {};

std::atomic<bool> seeded {false};           // set (release) after the first seed is mixed in
std::atomic<u64> next_reseed_ns {0};        // monotonic time of the next periodic reseed
std::atomic<bool> reseed_requested {false}; // the output limit was reached
std::atomic<bool> reseeding {false};        // one CPU gathers seed material at a time
std::atomic<bool> warned_weak {false};
std::atomic<u64> seed_calls {0};

// key = BLAKE2s-256(key: key, message: input). With the old key secret the result is a PRF
// output; with it known, the result is as unpredictable as `input`.
void mix_locked(const u8* input, usize size) {
    Blake2s hash(key_size, generator.key, key_size);
    hash.update(input, size);
    hash.final(generator.key);
}

// Best-effort entropy from timing: how long a ChaCha20 block takes varies with cache and
// pipeline state, interrupts and (hosted) host scheduling. How much entropy this yields is
// unknown; it is used only when the backend's source fails, and then with a warning.
void hash_timer_jitter(Blake2s& hash, int samples) {
    u8 key[key_size] = {};
    u8 block[chacha20_block_size];
    u64 previous = hal::monotonic_ns();
    for (int i = 0; i < samples; ++i) {
        chacha20_block(key, static_cast<u32>(i), zero_nonce, block);
        kstd::memcpy(key, block, key_size);  // chained, so the work cannot be hoisted out
        u64 now = hal::monotonic_ns();
        u64 sample[2] = {now - previous, now};
        hash.update(sample, sizeof sample);
        previous = now;
    }
    kstd::memzero_explicit(key, sizeof key);
    kstd::memzero_explicit(block, sizeof block);
}

// Gathers seed material (without the lock: hal::entropy and the jitter loop take time)
// and mixes it into the key. Returns whether hal::entropy vouched for its bytes.
bool seed_from_backend(bool first) {
    u8 material[entropy_request] = {};
    bool trusted = hal::entropy(material, sizeof material);
    Blake2s hash(key_size);
    hash.update(material, sizeof material);
    u64 context[3] = {hal::monotonic_ns(), hal::current_cpu(), seed_calls.fetch_add(1, std::memory_order_relaxed)};
    hash.update(context, sizeof context);
    if (!trusted) hash_timer_jitter(hash, first ? jitter_samples_first : jitter_samples_reseed);
    u8 seed[key_size];
    hash.final(seed);
    kstd::memzero_explicit(material, sizeof material);

    {
        SpinlockGuard guard(random_lock);
        mix_locked(seed, sizeof seed);
        generator.bytes_since_reseed = 0;
        generator.reseeds++;
        generator.last_seed_from_backend = trusted;
        next_reseed_ns.store(hal::monotonic_ns() + reseed_interval_ns, std::memory_order_relaxed);
        reseed_requested.store(false, std::memory_order_relaxed);
    }
    kstd::memzero_explicit(seed, sizeof seed);

    if (!trusted && !warned_weak.exchange(true, std::memory_order_relaxed))
        klog_warn("random: the backend's entropy source failed; seeding from timer jitter only");
    return trusted;
}

void ensure_seeded() {
    if (seeded.load(std::memory_order_acquire)) return;
    // Two CPUs may both get here first; both seed, which only adds entropy.
    bool trusted = seed_from_backend(true);
    if (!seeded.exchange(true, std::memory_order_acq_rel))
        klog_info("random: ChaCha20 generator seeded (%s)", trusted ? "from the backend's entropy source" : "from timer jitter only");
}

void maybe_reseed() {
    bool due = reseed_requested.load(std::memory_order_relaxed) ||
               hal::monotonic_ns() >= next_reseed_ns.load(std::memory_order_relaxed);
    if (!due) return;
    // Whoever else finds it due meanwhile keeps using the current key, which is still sound.
    if (reseeding.exchange(true, std::memory_order_acquire)) return;
    seed_from_backend(false);
    reseeding.store(false, std::memory_order_release);
}

// Advances the base key by one block: returns the block's second half (32 bytes) in `out`
// and counts `output` bytes of output against the reseed limit.
void next_half_block(u8* out, usize output) {
    u8 block[chacha20_block_size];
    {
        SpinlockGuard guard(random_lock);
        chacha20_block(generator.key, 0, zero_nonce, block);
        kstd::memcpy(generator.key, block, key_size);
        generator.bytes_generated += output;
        generator.bytes_since_reseed += output;
        if (generator.bytes_since_reseed >= reseed_after_bytes) reseed_requested.store(true, std::memory_order_relaxed);
    }
    kstd::memcpy(out, block + key_size, chacha20_block_size - key_size);
    kstd::memzero_explicit(block, sizeof block);
}

}  // namespace

void random_init() { ensure_seeded(); }

bool random_ready() { return seeded.load(std::memory_order_acquire); }

void get_random_bytes(void* buffer, usize size) {
    ensure_seeded();
    auto* out = static_cast<u8*>(buffer);
    while (size) {
        maybe_reseed();
        usize chunk = size < bytes_per_call_key ? size : bytes_per_call_key;
        u8 half[chacha20_block_size - key_size];
        next_half_block(half, chunk);
        if (chunk <= sizeof half) {
            kstd::memcpy(out, half, chunk);
        } else {
            ChaCha20 stream(half, zero_nonce);  // erases its key when it goes
            stream.keystream(out, chunk);
        }
        kstd::memzero_explicit(half, sizeof half);
        out += chunk;
        size -= chunk;
    }
}

u32 get_random_u32() {
    u32 value;
    get_random_bytes(&value, sizeof value);
    return value;
}

u64 get_random_u64() {
    u64 value;
    get_random_bytes(&value, sizeof value);
    return value;
}

void random_add_entropy(const void* data, usize size) {
    // Hashed first, outside the lock, so the lock is held for a fixed time whatever the size.
    u8 digest[key_size];
    blake2s(digest, sizeof digest, nullptr, 0, data, size);
    {
        SpinlockGuard guard(random_lock);
        mix_locked(digest, sizeof digest);
    }
    kstd::memzero_explicit(digest, sizeof digest);
}

void random_reseed() {
    if (!seeded.load(std::memory_order_acquire)) {
        ensure_seeded();
        return;
    }
    seed_from_backend(false);
}

RandomStats random_stats() {
    SpinlockGuard guard(random_lock);
    return {generator.bytes_generated, generator.reseeds, generator.last_seed_from_backend};
}

}  // namespace kernel
