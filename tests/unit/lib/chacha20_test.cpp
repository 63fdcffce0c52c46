// ChaCha20 against the test vectors of RFC 8439 (sections 2.3.2 and 2.4.2, appendix A.1 and
// A.2), each also checked against the `cryptography` package (OpenSSL) when it was written;
// and the keystream generator's own consistency: any split of a stream gives the same bytes.
#include "kernel/lib/chacha20.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using kernel::u8;
using kernel::u32;

std::vector<u8> from_hex(const std::string& hex) {
    std::vector<u8> bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<u8>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

std::vector<u8> sequential_key() {
    std::vector<u8> key(32);
    for (int i = 0; i < 32; ++i) key[i] = static_cast<u8>(i);
    return key;
}

TEST(ChaCha20, Rfc8439Section232BlockFunction) {
    auto key = sequential_key();
    auto nonce = from_hex("000000090000004a00000000");
    u8 block[64];
    kernel::chacha20_block(key.data(), 1, nonce.data(), block);
    auto expected = from_hex(
        "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
        "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
    EXPECT_EQ(std::vector<u8>(block, block + 64), expected);
}

TEST(ChaCha20, Rfc8439AppendixA1BlocksOfTheZeroKey) {
    std::vector<u8> key(32), nonce(12);
    u8 block[64];
    kernel::chacha20_block(key.data(), 0, nonce.data(), block);
    EXPECT_EQ(std::vector<u8>(block, block + 64),
              from_hex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                       "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
    kernel::chacha20_block(key.data(), 1, nonce.data(), block);
    EXPECT_EQ(std::vector<u8>(block, block + 64),
              from_hex("9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
                       "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f"));
}

TEST(ChaCha20, Rfc8439Section242Encryption) {
    auto key = sequential_key();
    auto nonce = from_hex("000000000000004a00000000");
    const std::string plaintext =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
        "sunscreen would be it.";
    ASSERT_EQ(plaintext.size(), 114u);
    auto expected = from_hex(
        "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
        "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
        "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
        "5af90bbf74a35be6b40b8eedf2785e42874d");
    std::vector<u8> ciphertext(plaintext.size());
    {
        kernel::ChaCha20 cipher(key.data(), nonce.data(), 1);
        cipher.crypt(plaintext.data(), ciphertext.data(), plaintext.size());
        EXPECT_EQ(cipher.next_counter(), 3u);  // 114 bytes: blocks 1 and 2
    }
    EXPECT_EQ(ciphertext, expected);

    // Decryption is the same operation; in place works.
    kernel::ChaCha20 decipher(key.data(), nonce.data(), 1);
    decipher.crypt(ciphertext.data(), ciphertext.data(), ciphertext.size());
    EXPECT_EQ(std::string(ciphertext.begin(), ciphertext.end()), plaintext);
}

TEST(ChaCha20, Rfc8439AppendixA2Vector3StartsAtCounter42) {
    auto key = from_hex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
    auto nonce = from_hex("000000000000000000000002");
    const std::string plaintext =
        "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n"
        "All mimsy were the borogoves,\nAnd the mome raths outgrabe.";
    ASSERT_EQ(plaintext.size(), 127u);
    auto expected = from_hex(
        "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf"
        "166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553eb"
        "f39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77"
        "04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1");
    std::vector<u8> ciphertext(plaintext.size());
    kernel::ChaCha20 cipher(key.data(), nonce.data(), 42);
    cipher.crypt(plaintext.data(), ciphertext.data(), plaintext.size());
    EXPECT_EQ(ciphertext, expected);
}

TEST(ChaCha20, KeystreamIsTheConcatenatedBlocks) {
    auto key = sequential_key();
    auto nonce = from_hex("0102030405060708090a0b0c");
    constexpr size_t blocks = 9;
    std::vector<u8> expected(blocks * 64);
    for (u32 i = 0; i < blocks; ++i) kernel::chacha20_block(key.data(), 7 + i, nonce.data(), expected.data() + 64 * i);
    std::vector<u8> stream(expected.size());
    kernel::ChaCha20 cipher(key.data(), nonce.data(), 7);
    cipher.keystream(stream.data(), stream.size());
    EXPECT_EQ(stream, expected);
    EXPECT_EQ(cipher.next_counter(), 7u + blocks);
}

TEST(ChaCha20, AnySplitOfTheStreamGivesTheSameBytes) {
    auto key = sequential_key();
    std::vector<u8> nonce(12, 0x5a);
    constexpr size_t total = 1000;
    std::vector<u8> whole(total);
    kernel::ChaCha20(key.data(), nonce.data()).keystream(whole.data(), total);
    // Piece sizes that cross block boundaries in every way: 1, 63, 64, 65, 127, ...
    const size_t pieces[] = {1, 63, 64, 65, 127, 128, 129, 0, 3, 200};
    for (size_t start = 0; start < 10; ++start) {
        std::vector<u8> split(total);
        kernel::ChaCha20 cipher(key.data(), nonce.data());
        size_t offset = 0;
        for (size_t i = start; offset < total; ++i) {
            size_t piece = std::min(pieces[i % 10], total - offset);
            cipher.keystream(split.data() + offset, piece);
            offset += piece;
        }
        EXPECT_EQ(split, whole) << "split starting with piece " << pieces[start];
    }
}

TEST(ChaCha20, DifferentNoncesAndCountersGiveDifferentBlocks) {
    auto key = sequential_key();
    std::vector<u8> nonce_a(12, 0), nonce_b(12, 0);
    nonce_b[11] = 1;
    u8 a[64], b[64], c[64];
    kernel::chacha20_block(key.data(), 0, nonce_a.data(), a);
    kernel::chacha20_block(key.data(), 0, nonce_b.data(), b);
    kernel::chacha20_block(key.data(), 0xffffffffu, nonce_a.data(), c);
    EXPECT_NE(std::memcmp(a, b, 64), 0);
    EXPECT_NE(std::memcmp(a, c, 64), 0);
}

}  // namespace
