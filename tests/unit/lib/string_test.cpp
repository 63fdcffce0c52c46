// kstd memory and string functions, checked against the host C library.
#include "kernel/lib/string.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

int sign(int value) { return (value > 0) - (value < 0); }

// A buffer with a recognisable pattern, so misplaced bytes show.
std::vector<unsigned char> pattern(std::size_t size, unsigned seed) {
    std::vector<unsigned char> bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<unsigned char>(i * 131 + seed * 7 + 1);
    return bytes;
}

TEST(String, MemcpyAllAlignmentsAndLengths) {
    constexpr std::size_t kSize = 160;
    auto source = pattern(kSize, 1);
    for (std::size_t source_offset = 0; source_offset < 16; ++source_offset) {
        for (std::size_t destination_offset = 0; destination_offset < 16; ++destination_offset) {
            for (std::size_t length = 0; length <= 100; ++length) {
                auto actual = pattern(kSize, 2);
                auto expected = actual;
                void* returned = kstd::memcpy(actual.data() + destination_offset, source.data() + source_offset, length);
                std::memcpy(expected.data() + destination_offset, source.data() + source_offset, length);
                ASSERT_EQ(returned, actual.data() + destination_offset);
                ASSERT_EQ(actual, expected) << "src+" << source_offset << " dst+" << destination_offset << " len " << length;
            }
        }
    }
}

TEST(String, MemmoveOverlapsInBothDirections) {
    constexpr std::size_t kSize = 160;
    for (std::size_t source_offset = 0; source_offset < 32; ++source_offset) {
        for (std::size_t destination_offset = 0; destination_offset < 32; ++destination_offset) {
            for (std::size_t length = 0; length <= 100; ++length) {
                auto actual = pattern(kSize, 3);
                auto expected = actual;
                void* returned = kstd::memmove(actual.data() + destination_offset, actual.data() + source_offset, length);
                std::memmove(expected.data() + destination_offset, expected.data() + source_offset, length);
                ASSERT_EQ(returned, actual.data() + destination_offset);
                ASSERT_EQ(actual, expected) << "src+" << source_offset << " dst+" << destination_offset << " len " << length;
            }
        }
    }
}

TEST(String, MemmoveDisjointBuffers) {
    auto source = pattern(64, 4);
    std::vector<unsigned char> destination(64, 0);
    kstd::memmove(destination.data(), source.data(), 64);
    EXPECT_EQ(destination, source);
}

TEST(String, MemsetAllAlignmentsAndLengths) {
    constexpr std::size_t kSize = 160;
    for (int value : {0, 0x5a, 0xff, -1, 0x1ab, 0x80}) {
        for (std::size_t offset = 0; offset < 16; ++offset) {
            for (std::size_t length = 0; length <= 100; ++length) {
                auto actual = pattern(kSize, 5);
                auto expected = actual;
                void* returned = kstd::memset(actual.data() + offset, value, length);
                std::memset(expected.data() + offset, value, length);
                ASSERT_EQ(returned, actual.data() + offset);
                ASSERT_EQ(actual, expected) << "value " << value << " off " << offset << " len " << length;
            }
        }
    }
}

TEST(String, MemcmpSign) {
    const unsigned char a[] = {1, 2, 3, 0x80};
    const unsigned char b[] = {1, 2, 3, 0x01};
    EXPECT_GT(kstd::memcmp(a, b, 4), 0);  // bytes compare as unsigned char
    EXPECT_LT(kstd::memcmp(b, a, 4), 0);
    EXPECT_EQ(kstd::memcmp(a, b, 3), 0);
    EXPECT_EQ(kstd::memcmp(a, b, 0), 0);
    EXPECT_EQ(kstd::memcmp(a, a, 4), 0);

    std::mt19937 random(1234);
    for (int round = 0; round < 2000; ++round) {
        std::vector<unsigned char> left(1 + random() % 40), right;
        for (auto& byte : left) byte = static_cast<unsigned char>(random());
        right = left;
        if (random() % 4) right[random() % right.size()] = static_cast<unsigned char>(random());
        std::size_t length = random() % (left.size() + 1);
        ASSERT_EQ(sign(kstd::memcmp(left.data(), right.data(), length)), sign(std::memcmp(left.data(), right.data(), length)));
    }
}

TEST(String, StrlenAndStrnlen) {
    EXPECT_EQ(kstd::strlen(""), 0u);
    EXPECT_EQ(kstd::strlen("a"), 1u);
    EXPECT_EQ(kstd::strlen("hello world"), 11u);
    std::string long_text(1000, 'x');
    EXPECT_EQ(kstd::strlen(long_text.c_str()), 1000u);

    EXPECT_EQ(kstd::strnlen("hello", 0), 0u);
    EXPECT_EQ(kstd::strnlen("hello", 3), 3u);
    EXPECT_EQ(kstd::strnlen("hello", 5), 5u);
    EXPECT_EQ(kstd::strnlen("hello", 100), 5u);
    // strnlen must not read past max_length: no terminator within the array.
    const char unterminated[4] = {'a', 'b', 'c', 'd'};
    EXPECT_EQ(kstd::strnlen(unterminated, sizeof unterminated), 4u);
}

TEST(String, StrcmpSign) {
    EXPECT_EQ(kstd::strcmp("", ""), 0);
    EXPECT_EQ(kstd::strcmp("abc", "abc"), 0);
    EXPECT_LT(kstd::strcmp("abc", "abd"), 0);
    EXPECT_GT(kstd::strcmp("abd", "abc"), 0);
    EXPECT_LT(kstd::strcmp("abc", "abcd"), 0);  // a prefix sorts first
    EXPECT_GT(kstd::strcmp("abcd", "abc"), 0);
    EXPECT_LT(kstd::strcmp("", "a"), 0);
    EXPECT_GT(kstd::strcmp("\xe9", "e"), 0);  // compared as unsigned char
    EXPECT_LT(kstd::strcmp("e", "\xe9"), 0);

    const char* words[] = {"", "a", "ab", "abc", "b", "ba", "\x7f", "\x80", "\xff", "zz", "Z"};
    for (const char* l : words)
        for (const char* r : words) EXPECT_EQ(sign(kstd::strcmp(l, r)), sign(std::strcmp(l, r))) << l << " vs " << r;
}

TEST(String, StrncmpSign) {
    EXPECT_EQ(kstd::strncmp("abc", "abd", 0), 0);
    EXPECT_EQ(kstd::strncmp("abc", "abd", 2), 0);
    EXPECT_LT(kstd::strncmp("abc", "abd", 3), 0);
    EXPECT_EQ(kstd::strncmp("abc", "abc", 100), 0);  // stops at the terminator
    EXPECT_LT(kstd::strncmp("ab", "abc", 3), 0);
    EXPECT_GT(kstd::strncmp("abc", "ab", 3), 0);
    EXPECT_EQ(kstd::strncmp("ab", "abc", 2), 0);
    EXPECT_GT(kstd::strncmp("\x80", "\x7f", 1), 0);

    const char* words[] = {"", "a", "ab", "abc", "abd", "b", "\x80", "\xff", "Z"};
    for (const char* l : words)
        for (const char* r : words)
            for (std::size_t n = 0; n <= 4; ++n)
                EXPECT_EQ(sign(kstd::strncmp(l, r, n)), sign(std::strncmp(l, r, n))) << l << " vs " << r << " n " << n;
}

TEST(String, Strchr) {
    const char* text = "hello, world";
    EXPECT_EQ(kstd::strchr(text, 'h'), text);
    EXPECT_EQ(kstd::strchr(text, 'o'), text + 4);  // the first one
    EXPECT_EQ(kstd::strchr(text, 'd'), text + 11);
    EXPECT_EQ(kstd::strchr(text, 'z'), nullptr);
    EXPECT_EQ(kstd::strchr(text, '\0'), text + 12);  // the terminator is part of the string
    const char* empty = "";
    EXPECT_EQ(kstd::strchr(empty, '\0'), empty);
    EXPECT_EQ(kstd::strchr(empty, 'a'), nullptr);
    // The character is converted to char, as in C.
    const char* accented = "caf\xe9!";
    EXPECT_EQ(kstd::strchr(accented, 0xe9), accented + 3);
    EXPECT_EQ(kstd::strchr(accented, static_cast<char>(0xe9)), accented + 3);
    EXPECT_EQ(kstd::strchr(accented, 0xe9), std::strchr(accented, 0xe9));
    EXPECT_EQ(kstd::strchr(accented, 0x100 + '!'), std::strchr(accented, 0x100 + '!'));
}

TEST(String, Strlcpy) {
    char buffer[8];
    std::memset(buffer, 'X', sizeof buffer);
    EXPECT_EQ(kstd::strlcpy(buffer, "abc", sizeof buffer), 3u);
    EXPECT_STREQ(buffer, "abc");
    EXPECT_EQ(buffer[4], 'X');  // nothing written past the terminator

    std::memset(buffer, 'X', sizeof buffer);
    EXPECT_EQ(kstd::strlcpy(buffer, "0123456789", sizeof buffer), 10u);  // returns strlen(source)
    EXPECT_STREQ(buffer, "0123456");

    std::memset(buffer, 'X', sizeof buffer);
    EXPECT_EQ(kstd::strlcpy(buffer, "1234567", sizeof buffer), 7u);  // exact fit
    EXPECT_STREQ(buffer, "1234567");

    std::memset(buffer, 'X', sizeof buffer);
    EXPECT_EQ(kstd::strlcpy(buffer, "abc", 1), 3u);
    EXPECT_EQ(buffer[0], '\0');
    EXPECT_EQ(buffer[1], 'X');

    std::memset(buffer, 'X', sizeof buffer);
    EXPECT_EQ(kstd::strlcpy(buffer, "abc", 0), 3u);  // size 0 writes nothing
    for (char c : buffer) EXPECT_EQ(c, 'X');

    EXPECT_EQ(kstd::strlcpy(buffer, "", sizeof buffer), 0u);
    EXPECT_STREQ(buffer, "");
}

TEST(String, MemzeroExplicitZeroesExactlyTheRange) {
    unsigned char buffer[40];
    std::memset(buffer, 0xa5, sizeof buffer);
    kstd::memzero_explicit(buffer + 3, 33);
    for (int i = 0; i < 40; ++i) EXPECT_EQ(buffer[i], (i >= 3 && i < 36) ? 0 : 0xa5) << "byte " << i;
    kstd::memzero_explicit(buffer, 0);  // nothing to do
    EXPECT_EQ(buffer[0], 0xa5);
}

}  // namespace
