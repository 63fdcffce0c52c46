// BLAKE2s against RFC 7693: the "abc" example of appendix B and the self-test of appendix E
// (a hash over unkeyed and keyed digests of 4 lengths x 6 input sizes); plus Python's
// hashlib.blake2s for a keyed digest, and incremental updates against one-shot hashing.
#include "kernel/lib/blake2s.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using kernel::u8;
using kernel::u32;

std::string to_hex(const u8* bytes, size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (size_t i = 0; i < size; ++i) {
        hex += digits[bytes[i] >> 4];
        hex += digits[bytes[i] & 15];
    }
    return hex;
}

std::string digest_hex(const std::string& data, const std::string& key = "", size_t size = 32) {
    u8 digest[32];
    kernel::blake2s(digest, size, key.data(), key.size(), data.data(), data.size());
    return to_hex(digest, size);
}

TEST(Blake2s, Rfc7693AppendixBAbc) {
    EXPECT_EQ(digest_hex("abc"), "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
}

TEST(Blake2s, EmptyAndKeyedMatchHashlib) {
    // python3: hashlib.blake2s(b"").hexdigest(); hashlib.blake2s(b"abc", key=b"key").hexdigest()
    EXPECT_EQ(digest_hex(""), "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
    EXPECT_EQ(digest_hex("abc", "key"), "3f9723437b033bf0c1f4df43cafd0776068cb0a95912de13f3b2952a3aba764d");
}

// RFC 7693 appendix E: deterministic input sequences (a Fibonacci generator).
void selftest_sequence(u8* out, size_t length, u32 seed) {
    u32 a = 0xDEAD4BAD * seed;
    u32 b = 1;
    for (size_t i = 0; i < length; ++i) {
        u32 t = a + b;
        a = b;
        b = t;
        out[i] = static_cast<u8>(t >> 24);
    }
}

TEST(Blake2s, Rfc7693AppendixESelfTest) {
    const size_t digest_lengths[] = {16, 20, 28, 32};
    const size_t input_lengths[] = {0, 3, 64, 65, 255, 1024};
    u8 input[1024], digest[32], key[32];
    kernel::Blake2s grand(32);
    for (size_t digest_length : digest_lengths) {
        for (size_t input_length : input_lengths) {
            selftest_sequence(input, input_length, static_cast<u32>(input_length));
            kernel::blake2s(digest, digest_length, nullptr, 0, input, input_length);
            grand.update(digest, digest_length);
            selftest_sequence(key, digest_length, static_cast<u32>(digest_length));
            kernel::blake2s(digest, digest_length, key, digest_length, input, input_length);
            grand.update(digest, digest_length);
        }
    }
    grand.final(digest);
    EXPECT_EQ(to_hex(digest, 32), "6a411f08ce25adcdfb02aba641451cec53c598b24f4fc787fbdc88797f4c1dfe");
}

TEST(Blake2s, IncrementalUpdatesEqualOneShot) {
    std::vector<u8> data(1000);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<u8>(i * 7 + 3);
    const u8 key[5] = {1, 2, 3, 4, 5};
    for (size_t total : {0u, 1u, 63u, 64u, 65u, 128u, 129u, 1000u}) {
        u8 expected[32];
        kernel::blake2s(expected, 32, key, sizeof key, data.data(), total);
        for (size_t piece : {1u, 7u, 63u, 64u, 65u}) {
            kernel::Blake2s hash(32, key, sizeof key);
            for (size_t offset = 0; offset < total; offset += piece) hash.update(data.data() + offset, std::min(piece, total - offset));
            u8 digest[32];
            hash.final(digest);
            EXPECT_EQ(to_hex(digest, 32), to_hex(expected, 32)) << "total " << total << " piece " << piece;
        }
    }
}

}  // namespace
