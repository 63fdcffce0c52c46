#include "blake2s.h"

#include <bit>

#include "string.h"

namespace kernel {
namespace {

// The SHA-256 initial values (RFC 7693 section 2.6).
constexpr u32 iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Message word permutations, one row per round (RFC 7693 section 2.7).
constexpr u8 sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

u32 load32(const u8* bytes) {
    return u32(bytes[0]) | u32(bytes[1]) << 8 | u32(bytes[2]) << 16 | u32(bytes[3]) << 24;
}

// The mixing function G (RFC 7693 section 3.1) with BLAKE2s's rotations 16, 12, 8, 7.
void mix(u32* v, int a, int b, int c, int d, u32 x, u32 y) {
    v[a] = v[a] + v[b] + x; v[d] = std::rotr(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];     v[b] = std::rotr(v[b] ^ v[c], 12);
    v[a] = v[a] + v[b] + y; v[d] = std::rotr(v[d] ^ v[a], 8);
    v[c] = v[c] + v[d];     v[b] = std::rotr(v[b] ^ v[c], 7);
}

}  // namespace

Blake2s::Blake2s(usize digest_size, const void* key, usize key_size) {
    if (digest_size < 1) digest_size = 1;
    if (digest_size > blake2s_max_digest_size) digest_size = blake2s_max_digest_size;
    if (key_size > blake2s_max_key_size) key_size = blake2s_max_key_size;
    if (!key) key_size = 0;
    digest_size_ = digest_size;
    for (int i = 0; i < 8; ++i) h_[i] = iv[i];
    // Parameter block word 0: digest length, key length, fanout 1, depth 1.
    h_[0] ^= 0x01010000u ^ static_cast<u32>(key_size << 8) ^ static_cast<u32>(digest_size);
    if (key_size) {
        // The key, zero-padded to a full block, is the first message block.
        kstd::memset(buffer_, 0, sizeof buffer_);
        kstd::memcpy(buffer_, key, key_size);
        buffered_ = blake2s_block_size;
    }
}

Blake2s::~Blake2s() {
    kstd::memzero_explicit(h_, sizeof h_);
    kstd::memzero_explicit(buffer_, sizeof buffer_);
}

void Blake2s::compress(bool last) {
    u32 m[16];
    for (int i = 0; i < 16; ++i) m[i] = load32(buffer_ + 4 * i);
    u32 v[16];
    for (int i = 0; i < 8; ++i) {
        v[i] = h_[i];
        v[i + 8] = iv[i];
    }
    v[12] ^= t_[0];
    v[13] ^= t_[1];
    if (last) v[14] = ~v[14];
    for (const auto& s : sigma) {
        mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; ++i) h_[i] ^= v[i] ^ v[i + 8];
    kstd::memzero_explicit(m, sizeof m);
    kstd::memzero_explicit(v, sizeof v);
}

void Blake2s::update(const void* data, usize length) {
    auto* bytes = static_cast<const u8*>(data);
    while (length) {
        // A full buffer is compressed only when more input follows: the last block, full or
        // not, must be compressed by final() with the last-block flag.
        if (buffered_ == blake2s_block_size) {
            t_[0] += blake2s_block_size;
            if (t_[0] < blake2s_block_size) ++t_[1];
            compress(false);
            buffered_ = 0;
        }
        usize take = blake2s_block_size - buffered_;
        if (take > length) take = length;
        kstd::memcpy(buffer_ + buffered_, bytes, take);
        buffered_ += take;
        bytes += take;
        length -= take;
    }
}

void Blake2s::final(void* out) {
    t_[0] += static_cast<u32>(buffered_);
    if (t_[0] < buffered_) ++t_[1];
    kstd::memset(buffer_ + buffered_, 0, blake2s_block_size - buffered_);
    compress(true);
    u8 digest[blake2s_max_digest_size];
    for (int i = 0; i < 8; ++i)
        for (int byte = 0; byte < 4; ++byte) digest[4 * i + byte] = static_cast<u8>(h_[i] >> (8 * byte));
    kstd::memcpy(out, digest, digest_size_);
    kstd::memzero_explicit(digest, sizeof digest);
    kstd::memzero_explicit(h_, sizeof h_);
    kstd::memzero_explicit(buffer_, sizeof buffer_);
    buffered_ = 0;
}

void blake2s(void* out, usize digest_size, const void* key, usize key_size, const void* data, usize length) {
    Blake2s hash(digest_size, key, key_size);
    hash.update(data, length);
    hash.final(out);
}

}  // namespace kernel
