// kernel::LogRing: a ring of log records with consecutive sequence numbers.
#include "kernel/lib/log_ring.h"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace {

using kernel::LogRecord;
using kernel::LogRing;

constexpr std::size_t overhead = LogRing::record_overhead;

LogRecord metadata(std::uint8_t level = 6, const char* caller = "main", std::uint16_t cpu = 0,
                   std::uint64_t timestamp_ns = 0, std::uint8_t facility = 0) {
    LogRecord record;
    record.level = level;
    record.facility = facility;
    record.cpu = cpu;
    record.timestamp_ns = timestamp_ns;
    std::strncpy(record.caller, caller, sizeof record.caller - 1);
    return record;
}

std::uint64_t append(LogRing& ring, const std::string& text, const LogRecord& record = metadata()) {
    return ring.append(record, text.data(), text.size());
}

struct Read {
    bool found;
    LogRecord record;
    std::string text;
};

Read read(const LogRing& ring, std::uint64_t sequence, std::size_t capacity = 2048) {
    std::vector<char> text(capacity + 1, '#');
    Read result;
    result.found = ring.read(sequence, result.record, text.data(), capacity);
    if (result.found) {
        std::size_t copied = std::min(result.record.text_length, capacity);
        EXPECT_EQ(text[copied], '#') << "wrote past the text";
        result.text.assign(text.data(), copied);
    }
    return result;
}

// The texts of every kept record, oldest first, by walking the sequence numbers.
std::vector<std::string> texts(const LogRing& ring) {
    std::vector<std::string> result;
    for (std::uint64_t sequence = ring.first_sequence(); sequence < ring.next_sequence(); ++sequence) {
        Read got = read(ring, sequence);
        EXPECT_TRUE(got.found);
        EXPECT_EQ(got.record.sequence, sequence);
        result.push_back(got.text);
    }
    return result;
}

TEST(LogRing, RecordsKeepTheirMetadataAndConsecutiveNumbers) {
    char storage[512];
    LogRing ring(storage, sizeof storage);
    EXPECT_EQ(ring.first_sequence(), 0u);
    EXPECT_EQ(ring.next_sequence(), 0u);
    EXPECT_FALSE(read(ring, 0).found);
    EXPECT_EQ(append(ring, "hello", metadata(3, "reaper", 1, 1'234'567'890, 0)), 0u);
    EXPECT_EQ(append(ring, "", metadata(7, "")), 1u);  // an empty message is a record too
    EXPECT_EQ(append(ring, "user text", metadata(4, "sh", 5, 42, 1)), 2u);
    EXPECT_EQ(ring.record_count(), 3u);
    EXPECT_EQ(ring.used(), 3 * overhead + 6 + 5 + 0 + 0 + 2 + 9);

    Read first = read(ring, 0);
    ASSERT_TRUE(first.found);
    EXPECT_EQ(first.record.sequence, 0u);
    EXPECT_EQ(first.record.level, 3);
    EXPECT_EQ(first.record.facility, 0);
    EXPECT_EQ(first.record.cpu, 1);
    EXPECT_EQ(first.record.timestamp_ns, 1'234'567'890u);
    EXPECT_STREQ(first.record.caller, "reaper");
    EXPECT_EQ(first.record.text_length, 5u);
    EXPECT_EQ(first.text, "hello");

    Read empty = read(ring, 1);
    ASSERT_TRUE(empty.found);
    EXPECT_EQ(empty.text, "");
    EXPECT_STREQ(empty.record.caller, "");
    EXPECT_EQ(empty.record.level, 7);

    Read user = read(ring, 2);
    ASSERT_TRUE(user.found);
    EXPECT_EQ(user.record.facility, 1);
    EXPECT_EQ(user.record.cpu, 5);
    EXPECT_EQ(user.text, "user text");
    EXPECT_FALSE(read(ring, 3).found);
    EXPECT_FALSE(read(ring, 1000).found);
}

TEST(LogRing, ShortTextBuffersGetThePrefixAndTheFullLength) {
    char storage[256];
    LogRing ring(storage, sizeof storage);
    append(ring, "0123456789");
    Read got = read(ring, 0, 4);
    ASSERT_TRUE(got.found);
    EXPECT_EQ(got.text, "0123");
    EXPECT_EQ(got.record.text_length, 10u);
    got = read(ring, 0, 0);
    ASSERT_TRUE(got.found);
    EXPECT_EQ(got.text, "");
}

TEST(LogRing, LongCallerNamesAreCut) {
    char storage[256];
    LogRing ring(storage, sizeof storage);
    LogRecord record = metadata();
    std::memset(record.caller, 'x', sizeof record.caller);  // not even terminated
    ring.append(record, "t", 1);
    Read got = read(ring, 0);
    ASSERT_TRUE(got.found);
    EXPECT_EQ(std::string(got.record.caller), std::string(LogRecord::caller_capacity - 1, 'x'));
}

TEST(LogRing, WraparoundDropsWholeOldestRecords) {
    // Each record: 24 header + 4 caller ("main") + 4 text = 32 bytes.
    char storage[100];
    LogRing ring(storage, sizeof storage);
    append(ring, "aaaa");
    append(ring, "bbbb");
    append(ring, "cccc");
    EXPECT_EQ(ring.used(), 96u);
    EXPECT_EQ(ring.records_dropped(), 0u);
    append(ring, "dddd");  // needs 32, 4 free: the oldest goes
    EXPECT_EQ(texts(ring), (std::vector<std::string> {"bbbb", "cccc", "dddd"}));
    EXPECT_EQ(ring.first_sequence(), 1u);
    EXPECT_EQ(ring.records_dropped(), 1u);
    // Asking for a dropped record gives the oldest kept one, with its own number.
    Read got = read(ring, 0);
    ASSERT_TRUE(got.found);
    EXPECT_EQ(got.record.sequence, 1u);
    EXPECT_EQ(got.text, "bbbb");
    append(ring, std::string(50, 'e'));  // 78 bytes: the other three go
    EXPECT_EQ(texts(ring), (std::vector<std::string> {std::string(50, 'e')}));
    EXPECT_EQ(ring.first_sequence(), 4u);
    EXPECT_EQ(ring.next_sequence(), 5u);
    EXPECT_EQ(ring.used(), 78u);
    // Records that cross the end of the storage read back intact.
    append(ring, "ffff");
    append(ring, "gg");
    EXPECT_EQ(texts(ring), (std::vector<std::string> {"ffff", "gg"}));
}

TEST(LogRing, ExactlyFullRingKeepsEverything) {
    char storage[64];
    LogRing ring(storage, sizeof storage);
    append(ring, "1234");
    append(ring, "5678");
    EXPECT_EQ(ring.used(), 64u);
    EXPECT_EQ(ring.records_dropped(), 0u);
    EXPECT_EQ(texts(ring), (std::vector<std::string> {"1234", "5678"}));
}

TEST(LogRing, TextsAreCutToMaxTextAndToTheRing) {
    std::vector<char> big(4096);
    LogRing ring(big.data(), big.size());
    append(ring, std::string(3000, 'x'));
    Read got = read(ring, 0, 4000);
    EXPECT_EQ(got.record.text_length, LogRing::max_text);
    EXPECT_EQ(got.text, std::string(LogRing::max_text, 'x'));

    char storage[40];
    LogRing small(storage, sizeof storage);
    append(small, "old");
    append(small, std::string(100, 'y'));  // 40 - 24 - 4 = 12 bytes of text fit
    EXPECT_EQ(texts(small), (std::vector<std::string> {std::string(12, 'y')}));
    EXPECT_EQ(small.used(), 40u);
    EXPECT_EQ(small.first_sequence(), 1u);
}

TEST(LogRing, RingsTooSmallForAHeaderKeepNothingButCount) {
    char storage[20];
    std::memset(storage, '#', sizeof storage);
    LogRing ring(storage, sizeof storage);
    EXPECT_EQ(append(ring, "x"), 0u);
    EXPECT_EQ(append(ring, "y"), 1u);
    EXPECT_EQ(ring.used(), 0u);
    EXPECT_EQ(ring.first_sequence(), 2u);
    EXPECT_FALSE(read(ring, 0).found);
    EXPECT_EQ(std::string(storage, sizeof storage), std::string(20, '#'));
}

TEST(LogRing, RandomizedAgainstModel) {
    // The model keeps whole records and drops the oldest while the newest does not fit.
    constexpr std::size_t capacity = 997;
    std::vector<char> storage(capacity);
    LogRing ring(storage.data(), capacity);
    struct Kept {
        std::uint64_t sequence;
        std::string caller, text;
        std::uint8_t level;
        std::uint64_t timestamp;
    };
    std::deque<Kept> model;
    std::size_t model_bytes = 0;
    std::mt19937 random(5);
    const char* callers[] = {"", "main", "a-much-longer-thread-name"};
    for (std::uint64_t step = 0; step < 3000; ++step) {
        std::size_t length = random() % 3 == 0 ? random() % 1200 : random() % 40;
        std::string text;
        for (std::size_t i = 0; i < length; ++i) text += static_cast<char>(random() % 256);
        std::string caller = callers[random() % 3];
        std::uint8_t level = random() % 8;
        ASSERT_EQ(append(ring, text, metadata(level, caller.c_str(), 0, step * 1000)), step);

        std::size_t kept_length = std::min({text.size(), LogRing::max_text, capacity - overhead - caller.size()});
        Kept kept {step, caller, text.substr(0, kept_length), level, step * 1000};
        std::size_t size = overhead + caller.size() + kept_length;
        while (capacity - model_bytes < size) {
            model_bytes -= overhead + model.front().caller.size() + model.front().text.size();
            model.pop_front();
        }
        model.push_back(kept);
        model_bytes += size;

        ASSERT_EQ(ring.used(), model_bytes);
        ASSERT_EQ(ring.first_sequence(), model.front().sequence);
        ASSERT_EQ(ring.next_sequence(), step + 1);
        if (step % 7 == 0 || step > 2900) {
            for (const Kept& expected : model) {
                Read got = read(ring, expected.sequence);
                ASSERT_TRUE(got.found);
                ASSERT_EQ(got.record.sequence, expected.sequence);
                ASSERT_EQ(got.text, expected.text) << "step " << step;
                ASSERT_EQ(std::string(got.record.caller), expected.caller);
                ASSERT_EQ(got.record.level, expected.level);
                ASSERT_EQ(got.record.timestamp_ns, expected.timestamp);
            }
        }
    }
}

}  // namespace
