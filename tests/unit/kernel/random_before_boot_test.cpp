// The kernel CSPRNG used before random_init: no machine is booted in this binary (it does not
// link the kernel fixture), so the generator has not been seeded when the test starts, and
// the first request must seed it itself. The calls come from a plain host thread, where the
// hosted backend's interrupt operations do nothing, as in the lib tests.
#include <gtest/gtest.h>

#include <vector>

#include "kernel/core/random.h"

using namespace kernel;

namespace {

TEST(RandomBeforeBoot, FirstUseSeedsTheGenerator) {
    ASSERT_FALSE(random_ready());
    EXPECT_EQ(random_stats().reseeds, 0u);
    std::vector<u8> a(32), b(32);
    get_random_bytes(a.data(), a.size());
    EXPECT_TRUE(random_ready());
    EXPECT_EQ(random_stats().reseeds, 1u);
    EXPECT_TRUE(random_stats().last_seed_from_backend);
    get_random_bytes(b.data(), b.size());
    EXPECT_NE(a, b);
    // random_init later (at boot) finds it seeded and does nothing.
    random_init();
    EXPECT_EQ(random_stats().reseeds, 1u);
}

TEST(RandomBeforeBoot, AddedEntropyBeforeSeedingIsKept) {
    // Mixing into the unseeded key is allowed; seeding later mixes on top of it.
    random_add_entropy("early boot input", 16);
    EXPECT_NE(get_random_u64(), get_random_u64());
    EXPECT_TRUE(random_ready());
}

}  // namespace
