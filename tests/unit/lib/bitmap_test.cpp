// kernel::Bitmap and StaticBitmap, against a std::vector<bool> model.
#include "kernel/lib/bitmap.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace {

using kernel::Bitmap;
using kernel::StaticBitmap;

std::size_t model_find(const std::vector<bool>& model, std::size_t from, bool value) {
    for (std::size_t i = from; i < model.size(); ++i)
        if (model[i] == value) return i;
    return Bitmap::not_found;
}

// Checks every query of `bitmap` against `model`, from every starting offset.
void expect_matches(const Bitmap& bitmap, const std::vector<bool>& model) {
    ASSERT_EQ(bitmap.size(), model.size());
    std::size_t set = 0;
    for (std::size_t i = 0; i < model.size(); ++i) {
        ASSERT_EQ(bitmap.get(i), model[i]) << "bit " << i;
        set += model[i];
    }
    ASSERT_EQ(bitmap.count_set(), set);
    for (std::size_t from = 0; from <= model.size() + 70; ++from) {
        ASSERT_EQ(bitmap.find_first_set(from), model_find(model, from, true)) << "from " << from << " size " << model.size();
        ASSERT_EQ(bitmap.find_first_clear(from), model_find(model, from, false)) << "from " << from << " size " << model.size();
    }
    ASSERT_EQ(bitmap.find_first_set(), model_find(model, 0, true));
    ASSERT_EQ(bitmap.find_first_clear(), model_find(model, 0, false));
}

TEST(Bitmap, WordsFor) {
    EXPECT_EQ(Bitmap::words_for(0), 0u);
    EXPECT_EQ(Bitmap::words_for(1), 1u);
    EXPECT_EQ(Bitmap::words_for(64), 1u);
    EXPECT_EQ(Bitmap::words_for(65), 2u);
    EXPECT_EQ(Bitmap::words_for(128), 2u);
    EXPECT_EQ(Bitmap::words_for(129), 3u);
}

TEST(Bitmap, ConstructorClearsTheWords) {
    std::uint64_t words[3] = {~0ULL, ~0ULL, ~0ULL};
    Bitmap bitmap(words, 130);
    EXPECT_EQ(words[0], 0u);
    EXPECT_EQ(words[2], 0u);
    EXPECT_EQ(bitmap.count_set(), 0u);
    EXPECT_EQ(bitmap.find_first_set(), Bitmap::not_found);
    EXPECT_EQ(bitmap.find_first_clear(), 0u);
}

TEST(Bitmap, SetGetClearAcrossWordBoundaries) {
    std::uint64_t words[3];
    Bitmap bitmap(words, 150);
    for (std::size_t index : {0u, 1u, 62u, 63u, 64u, 65u, 127u, 128u, 149u}) {
        bitmap.set(index);
        EXPECT_TRUE(bitmap.get(index)) << index;
    }
    EXPECT_EQ(bitmap.count_set(), 9u);
    EXPECT_FALSE(bitmap.get(2));
    EXPECT_FALSE(bitmap.get(66));
    bitmap.clear(63);
    bitmap.clear(64);
    EXPECT_FALSE(bitmap.get(63));
    EXPECT_FALSE(bitmap.get(64));
    EXPECT_TRUE(bitmap.get(62));
    EXPECT_TRUE(bitmap.get(65));
    bitmap.set(100, true);
    bitmap.set(0, false);
    EXPECT_TRUE(bitmap.get(100));
    EXPECT_FALSE(bitmap.get(0));
    EXPECT_EQ(bitmap.count_set(), 7u);
    EXPECT_EQ(words[0], (1ULL << 1) | (1ULL << 62));
    bitmap.clear_all();
    EXPECT_EQ(bitmap.count_set(), 0u);
}

TEST(Bitmap, FindFromOffsetsAndWordBoundaries) {
    std::uint64_t words[3];
    Bitmap bitmap(words, 150);
    bitmap.set(63);
    bitmap.set(64);
    bitmap.set(140);
    EXPECT_EQ(bitmap.find_first_set(), 63u);
    EXPECT_EQ(bitmap.find_first_set(63), 63u);
    EXPECT_EQ(bitmap.find_first_set(64), 64u);
    EXPECT_EQ(bitmap.find_first_set(65), 140u);
    EXPECT_EQ(bitmap.find_first_set(141), Bitmap::not_found);
    EXPECT_EQ(bitmap.find_first_set(150), Bitmap::not_found);
    EXPECT_EQ(bitmap.find_first_set(1000), Bitmap::not_found);
    EXPECT_EQ(bitmap.find_first_clear(63), 65u);
    EXPECT_EQ(bitmap.find_first_clear(140), 141u);
}

TEST(Bitmap, FullBitmapOfOddSizeHasNoClearBit) {
    // The bits past size() in the last word are clear; they must not be reported.
    for (std::size_t size : {1u, 5u, 63u, 64u, 65u, 100u, 127u, 128u, 129u, 191u}) {
        std::vector<std::uint64_t> words(Bitmap::words_for(size));
        Bitmap bitmap(words.data(), size);
        for (std::size_t i = 0; i < size; ++i) bitmap.set(i);
        EXPECT_EQ(bitmap.count_set(), size);
        EXPECT_EQ(bitmap.find_first_clear(), Bitmap::not_found) << size;
        EXPECT_EQ(bitmap.find_first_clear(size - 1), Bitmap::not_found) << size;
        EXPECT_EQ(bitmap.find_first_set(size - 1), size - 1);
        bitmap.clear(size - 1);
        EXPECT_EQ(bitmap.find_first_clear(), size - 1) << size;
        EXPECT_EQ(bitmap.find_first_clear(size), Bitmap::not_found) << size;
    }
}

TEST(Bitmap, EmptyBitmap) {
    Bitmap bitmap(nullptr, 0);
    EXPECT_EQ(bitmap.size(), 0u);
    EXPECT_EQ(bitmap.count_set(), 0u);
    EXPECT_EQ(bitmap.find_first_set(), Bitmap::not_found);
    EXPECT_EQ(bitmap.find_first_clear(), Bitmap::not_found);
}

TEST(Bitmap, StaticBitmap) {
    StaticBitmap<200> bitmap;
    EXPECT_EQ(bitmap.size(), 200u);
    EXPECT_EQ(bitmap.count_set(), 0u);
    bitmap.set(199);
    EXPECT_EQ(bitmap.find_first_set(), 199u);
    EXPECT_EQ(bitmap.count_set(), 1u);
    static_assert(sizeof(StaticBitmap<200>) >= 4 * sizeof(std::uint64_t));
}

TEST(Bitmap, RandomizedAgainstVectorBool) {
    std::mt19937 random(77);
    for (std::size_t size : {1u, 7u, 63u, 64u, 65u, 127u, 128u, 129u, 200u, 256u, 300u}) {
        std::vector<std::uint64_t> words(Bitmap::words_for(size), 0xdeadbeefdeadbeefULL);
        Bitmap bitmap(words.data(), size);
        std::vector<bool> model(size, false);
        expect_matches(bitmap, model);
        for (int round = 0; round < 12; ++round) {
            // Vary the density so that long runs of set and of clear bits both occur.
            unsigned percent = round % 4 == 0 ? 2 : round % 4 == 1 ? 50 : round % 4 == 2 ? 98 : 100;
            for (std::size_t i = 0; i < size; ++i) {
                if (random() % 3 == 0) continue;  // leave some bits as they were
                bool value = random() % 100 < percent;
                bitmap.set(i, value);
                model[i] = value;
            }
            expect_matches(bitmap, model);
            if (HasFatalFailure()) return;
        }
    }
}

}  // namespace
