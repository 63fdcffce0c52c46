// kernel::LogRing: a ring of whole text lines.
#include "kernel/lib/log_ring.h"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace {

using kernel::LogRing;

std::string contents(const LogRing& ring, std::size_t skip = 0) {
    std::vector<char> buffer(ring.used() + 16, '#');
    std::size_t copied = ring.read(buffer.data(), buffer.size(), skip);
    return std::string(buffer.data(), copied);
}

void append(LogRing& ring, const std::string& text) { ring.append(text.data(), text.size()); }

TEST(LogRing, AppendsLinesAndAddsMissingNewlines) {
    char storage[64];
    LogRing ring(storage, sizeof storage);
    EXPECT_EQ(ring.used(), 0u);
    EXPECT_EQ(contents(ring), "");
    append(ring, "first");
    append(ring, "second\n");  // already terminated: no second newline
    append(ring, "");  // an empty line
    EXPECT_EQ(contents(ring), "first\nsecond\n\n");
    EXPECT_EQ(ring.used(), 14u);
    EXPECT_EQ(ring.total_appended(), 14u);
    EXPECT_EQ(ring.lines_dropped(), 0u);
}

TEST(LogRing, AppendUsesOnlyTheGivenLength) {
    char storage[32];
    LogRing ring(storage, sizeof storage);
    ring.append("abcdef", 3);
    EXPECT_EQ(contents(ring), "abc\n");
}

TEST(LogRing, WraparoundDropsWholeOldestLines) {
    char storage[16];
    LogRing ring(storage, sizeof storage);
    append(ring, "aaaa");  // 5 bytes each with the newline
    append(ring, "bbbb");
    append(ring, "cccc");
    EXPECT_EQ(ring.used(), 15u);
    append(ring, "dd");  // needs 3, 1 free: the oldest line goes
    EXPECT_EQ(contents(ring), "bbbb\ncccc\ndd\n");
    EXPECT_EQ(ring.lines_dropped(), 1u);
    append(ring, "eeeeeeeeee");  // needs 11, 3 free: two lines go
    EXPECT_EQ(contents(ring), "dd\neeeeeeeeee\n");
    EXPECT_EQ(ring.lines_dropped(), 3u);
    EXPECT_EQ(ring.used(), 14u);
    EXPECT_EQ(ring.total_appended(), 29u);
}

TEST(LogRing, ExactlyFullRingKeepsEverything) {
    char storage[10];
    LogRing ring(storage, sizeof storage);
    append(ring, "1234");
    append(ring, "5678");
    EXPECT_EQ(ring.used(), 10u);
    EXPECT_EQ(ring.lines_dropped(), 0u);
    EXPECT_EQ(contents(ring), "1234\n5678\n");
}

TEST(LogRing, LineLongerThanCapacityIsCut) {
    char storage[8];
    LogRing ring(storage, sizeof storage);
    append(ring, "old");
    append(ring, "0123456789abcdef");
    EXPECT_EQ(contents(ring), "0123456\n");  // capacity - 1 characters and the newline
    EXPECT_EQ(ring.used(), 8u);
    EXPECT_EQ(ring.lines_dropped(), 1u);
    append(ring, "x");
    EXPECT_EQ(contents(ring), "x\n");
    EXPECT_EQ(ring.lines_dropped(), 2u);
}

TEST(LogRing, ReadWithSkipAndSmallBuffers) {
    char storage[16];
    LogRing ring(storage, sizeof storage);
    append(ring, "aaaa");
    append(ring, "bbbb");
    append(ring, "cccc");
    append(ring, "dd");  // wrapped: the text now crosses the end of the storage
    EXPECT_EQ(contents(ring, 0), "bbbb\ncccc\ndd\n");
    EXPECT_EQ(contents(ring, 5), "cccc\ndd\n");
    EXPECT_EQ(contents(ring, 12), "\n");
    EXPECT_EQ(contents(ring, 13), "");
    EXPECT_EQ(contents(ring, 100), "");

    char small[4];
    std::memset(small, '#', sizeof small);
    EXPECT_EQ(ring.read(small, 3, 2), 3u);
    EXPECT_EQ(std::string(small, 4), "bb\n#");
    EXPECT_EQ(ring.read(small, 0, 0), 0u);
}

TEST(LogRing, TinyRingsIgnoreAppends) {
    char storage[1] = {'#'};
    LogRing ring(storage, sizeof storage);
    append(ring, "x");
    EXPECT_EQ(ring.used(), 0u);
    EXPECT_EQ(storage[0], '#');
}

TEST(LogRing, RandomizedAgainstModel) {
    // The model keeps whole lines and drops the oldest while the newest does not fit.
    constexpr std::size_t kCapacity = 97;
    char storage[kCapacity];
    LogRing ring(storage, kCapacity);
    std::deque<std::string> model;
    std::size_t model_bytes = 0;
    std::uint64_t dropped = 0, total = 0;
    std::mt19937 random(5);
    for (int step = 0; step < 3000; ++step) {
        std::size_t length = random() % 3 == 0 ? random() % 120 : random() % 20;
        std::string text;
        for (std::size_t i = 0; i < length; ++i) text += static_cast<char>('a' + random() % 26);
        if (random() % 2) text += '\n';
        append(ring, text);

        std::string line = text;
        if (line.empty() || line.back() != '\n') line += '\n';
        if (line.size() > kCapacity) line = text.substr(0, kCapacity - 1) + '\n';
        while (kCapacity - model_bytes < line.size()) {
            model_bytes -= model.front().size();
            model.pop_front();
            ++dropped;
        }
        model.push_back(line);
        model_bytes += line.size();
        total += line.size();

        std::string expected;
        for (const std::string& kept : model) expected += kept;
        ASSERT_EQ(contents(ring), expected) << "step " << step;
        ASSERT_EQ(ring.used(), model_bytes);
        ASSERT_EQ(ring.lines_dropped(), dropped);
        ASSERT_EQ(ring.total_appended(), total);
    }
}

}  // namespace
