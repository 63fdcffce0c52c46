// The kernel CSPRNG (kernel/core/random.*) in a booted 2-CPU machine: seeding at boot,
// distinct outputs, byte and bit statistics over 1 MiB, every request size
// written exactly, reseeding after 1 MiB, concurrent draws on both CPUs, and the timer-jitter
// fallback when the backend's entropy source fails.
//
// Statistical bounds are chosen so that a correct generator fails them with probability
// below 1e-13 per run (computed below each test); they catch broken generators (a stuck or
// repeated key, a counter instead of a keystream, unwritten ranges), not subtle bias.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "hosted/machine.h"
#include "kernel/core/klog.h"
#include "kernel/core/random.h"
#include "kernel/core/scheduler.h"
#include "kernel/hal/cpu.h"
#include "kernel_fixture.h"

using namespace kernel;
using newt_test::run_in_kernel;

namespace {

std::string kernel_log() {
    std::string text(kernel_log_size() + 1, '\0');
    text.resize(read_kernel_log(text.data(), text.size()));
    return text;
}

TEST(Random, SeededAtBootFromTheBackend) {
    run_in_kernel([] {
        EXPECT_TRUE(random_ready());
        RandomStats stats = random_stats();
        EXPECT_EQ(stats.reseeds, 1u);
        EXPECT_TRUE(stats.last_seed_from_backend);
        EXPECT_NE(kernel_log().find("random: ChaCha20 generator seeded (from the backend's entropy source)"),
                  std::string::npos);
        random_init();  // idempotent
        EXPECT_EQ(random_stats().reseeds, 1u);
    });
}

TEST(Random, ConsecutiveOutputsDifferAtEverySize) {
    run_in_kernel([] {
        // Two draws of n bytes are equal with probability 2^-8n: from n = 8 on, never.
        for (size_t size : {8u, 16u, 31u, 32u, 33u, 64u, 100u, 4096u}) {
            std::vector<u8> a(size), b(size);
            get_random_bytes(a.data(), size);
            get_random_bytes(b.data(), size);
            EXPECT_NE(a, b) << size << " bytes";
        }
        EXPECT_NE(get_random_u32(), get_random_u32());  // equal with probability 2^-32
    });
}

TEST(Random, NoRepeatsOver200000U64Draws) {
    run_in_kernel([] {
        // 200 000 64-bit values collide with probability ~n^2 / 2^65 = 1e-9.
        constexpr size_t draws = 200'000;
        std::vector<u64> values(draws);
        for (auto& value : values) value = get_random_u64();
        std::sort(values.begin(), values.end());
        EXPECT_EQ(std::adjacent_find(values.begin(), values.end()), values.end());
    });
}

// Chi-square of the 256 byte counts over 1 MiB (255 degrees of freedom, mean 255, standard
// deviation 22.6). P(chi2 > 480) = 5.8e-16 and P(chi2 < 120) = 2.5e-14 (the regularized
// incomplete gamma function), so a correct generator fails with probability < 3e-14; a
// generator stuck on a short pattern or a counter gives values in the thousands or near 0.
// Each of the 8 bit positions is set 2^19 +- 512 (one sigma) times: 8 sigma (4096) is
// exceeded with probability 1.2e-15 per position.
TEST(Random, ByteAndBitFrequenciesOverOneMiBAreUniform) {
    run_in_kernel([] {
        constexpr size_t size = MiB;
        std::vector<u8> data(size);
        auto start = std::chrono::steady_clock::now();
        get_random_bytes(data.data(), size);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("random: 1 MiB in one request: %.2f ms (%.0f MiB/s)\n", seconds * 1e3, 1.0 / seconds);

        u64 counts[256] = {};
        u64 bits[8] = {};
        for (u8 byte : data) {
            ++counts[byte];
            for (int bit = 0; bit < 8; ++bit) bits[bit] += (byte >> bit) & 1;
        }
        double expected = size / 256.0;
        double chi_square = 0;
        for (u64 count : counts) chi_square += (count - expected) * (count - expected) / expected;
        std::printf("random: chi-square of byte counts over 1 MiB = %.1f (255 degrees of freedom)\n", chi_square);
        EXPECT_GT(chi_square, 120.0);
        EXPECT_LT(chi_square, 480.0);
        for (int bit = 0; bit < 8; ++bit) {
            EXPECT_GT(bits[bit], size / 2 - 4096) << "bit " << bit;
            EXPECT_LT(bits[bit], size / 2 + 4096) << "bit " << bit;
        }
    });
}

TEST(Random, EveryRequestSizeIsWrittenExactly) {
    run_in_kernel([] {
        // Sizes around the 32-byte direct-output limit, the ChaCha20 block and the 64 KiB
        // per-call key, up to 1 MiB + 13; 16 guard bytes on each side must stay untouched.
        // An untouched 32-byte window inside the request (all zero, then all 0xff when the
        // buffer starts at 0xff) has probability 2^-256.
        const size_t sizes[] = {0, 1, 7, 31, 32, 33, 63, 64, 65, 1000, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1,
                                3 * 64 * KiB + 17, MiB + 13};
        constexpr size_t guard = 16;
        for (size_t size : sizes) {
            for (u8 fill : {u8(0x00), u8(0xff)}) {
                std::vector<u8> buffer(size + 2 * guard, fill);
                get_random_bytes(buffer.data() + guard, size);
                for (size_t i = 0; i < guard; ++i) {
                    ASSERT_EQ(buffer[i], fill) << "byte before a " << size << "-byte request";
                    ASSERT_EQ(buffer[guard + size + i], fill) << "byte after a " << size << "-byte request";
                }
                size_t run = 0;
                for (size_t i = guard; i < guard + size; ++i) {
                    run = buffer[i] == fill ? run + 1 : 0;
                    ASSERT_LT(run, 32u) << "unwritten bytes at " << i - guard << " of a " << size << "-byte request";
                }
            }
        }
    });
}

TEST(Random, LargeRequestChunksUseDifferentKeys) {
    run_in_kernel([] {
        // A 1 MiB request is 16 chunks of 64 KiB, each from its own derived key: no two
        // chunks may start alike (two equal 64-byte prefixes: 2^-512).
        constexpr size_t chunk = 64 * KiB;
        std::vector<u8> data(MiB);
        get_random_bytes(data.data(), data.size());
        for (size_t a = 0; a < data.size(); a += chunk)
            for (size_t b = a + chunk; b < data.size(); b += chunk)
                EXPECT_NE(std::memcmp(&data[a], &data[b], 64), 0) << "chunks at " << a << " and " << b;
    });
}

TEST(Random, ReseedsAfterOneMiBOfOutput) {
    run_in_kernel([] {
        RandomStats before = random_stats();
        std::vector<u8> data(MiB);
        get_random_bytes(data.data(), data.size());
        get_random_u64();  // the reseed is due now and happens on this request
        RandomStats after = random_stats();
        EXPECT_GE(after.reseeds, before.reseeds + 1);
        EXPECT_GE(after.bytes_generated, before.bytes_generated + MiB + 8);
        EXPECT_TRUE(after.last_seed_from_backend);
    });
}

TEST(Random, ForcedReseedAndAddedEntropyKeepItWorking) {
    run_in_kernel([] {
        u64 reseeds = random_stats().reseeds;
        random_reseed();
        EXPECT_EQ(random_stats().reseeds, reseeds + 1);
        // Known, empty and large inputs are all just hashed into the key.
        random_add_entropy("known input", 11);
        random_add_entropy(nullptr, 0);
        std::vector<u8> large(MiB, 0x42);
        random_add_entropy(large.data(), large.size());
        EXPECT_EQ(random_stats().reseeds, reseeds + 1);  // not a reseed
        EXPECT_NE(get_random_u64(), get_random_u64());
    });
}

struct Concurrent {
    static constexpr size_t draws = 20'000;
    std::atomic<int> ready {0};
    u64* values[2];
    u8* bytes[2];  // 64 draws of 48 bytes (the per-call-key path) per thread
};

void draw_thread(Concurrent* shared, int index) {
    shared->ready.fetch_add(1);
    // Start together, so that the two CPUs really contend for the lock.
    while (shared->ready.load() < 2) hal::cpu_relax();
    for (size_t i = 0; i < Concurrent::draws; ++i) {
        shared->values[index][i] = get_random_u64();
        if (i % (Concurrent::draws / 64) == 0 && i / (Concurrent::draws / 64) < 64)
            get_random_bytes(shared->bytes[index] + 48 * (i / (Concurrent::draws / 64)), 48);
    }
}

TEST(Random, TwoCpusDrawingAtOnceNeverGetTheSameOutput) {
    run_in_kernel([] {
        Concurrent shared;
        std::vector<u64> values(2 * Concurrent::draws);
        std::vector<u8> bytes(2 * 64 * 48);
        for (int i = 0; i < 2; ++i) {
            shared.values[i] = values.data() + i * Concurrent::draws;
            shared.bytes[i] = bytes.data() + i * 64 * 48;
        }
        RefPtr<Thread> threads[2];
        for (int cpu = 0; cpu < 2; ++cpu) {
            auto spawned = spawn_thread(
                cpu == 0 ? +[](void* argument) { draw_thread(static_cast<Concurrent*>(argument), 0); }
                         : +[](void* argument) { draw_thread(static_cast<Concurrent*>(argument), 1); },
                &shared, {.name = "random-draw", .pinned_cpu = cpu});
            ASSERT_FALSE(spawned.is_error());
            threads[cpu] = spawned.release_value();
        }
        for (auto& thread : threads) thread->join();
        // 40 000 values, all distinct (collision probability ~1e-10); every 48-byte draw
        // differs from every other.
        std::sort(values.begin(), values.end());
        EXPECT_EQ(std::adjacent_find(values.begin(), values.end()), values.end());
        for (size_t a = 0; a < 128; ++a)
            for (size_t b = a + 1; b < 128; ++b)
                EXPECT_NE(std::memcmp(&bytes[48 * a], &bytes[48 * b], 48), 0) << "draws " << a << " and " << b;
    });
}

TEST(Random, FallsBackToTimerJitterWhenTheSourceFails) {
    run_in_kernel([] {
        hosted::fail_entropy_source(true);
        random_reseed();
        RandomStats stats = random_stats();
        hosted::fail_entropy_source(false);
        EXPECT_FALSE(stats.last_seed_from_backend);
        std::string log = kernel_log();
        EXPECT_NE(log.find("WARN random: the backend's entropy source failed; seeding from timer jitter only"),
                  std::string::npos)
            << log;
        std::vector<u8> a(64), b(64);
        get_random_bytes(a.data(), a.size());
        get_random_bytes(b.data(), b.size());
        EXPECT_NE(a, b);
        // The next reseed with a working source is trusted again.
        random_reseed();
        EXPECT_TRUE(random_stats().last_seed_from_backend);
    });
}

}  // namespace
