#include "chacha20.h"

#include <bit>

#include "string.h"

namespace kernel {
namespace {

u32 load32(const u8* bytes) {
    return u32(bytes[0]) | u32(bytes[1]) << 8 | u32(bytes[2]) << 16 | u32(bytes[3]) << 24;
}

void store32(u8* bytes, u32 value) {
    bytes[0] = static_cast<u8>(value);
    bytes[1] = static_cast<u8>(value >> 8);
    bytes[2] = static_cast<u8>(value >> 16);
    bytes[3] = static_cast<u8>(value >> 24);
}

// On references to the caller's locals, so the compiler keeps all 16 words in registers.
[[gnu::always_inline]] inline void quarter_round(u32& a, u32& b, u32& c, u32& d) {
    a += b; d = std::rotl(d ^ a, 16);
    c += d; b = std::rotl(b ^ c, 12);
    a += b; d = std::rotl(d ^ a, 8);
    c += d; b = std::rotl(b ^ c, 7);
}

// state: constants, key, counter, nonce (RFC 8439 section 2.3).
void init_state(u32* state, const u8* key, u32 counter, const u8* nonce) {
    state[0] = 0x61707865;  // "expa"
    state[1] = 0x3320646e;  // "nd 3"
    state[2] = 0x79622d32;  // "2-by"
    state[3] = 0x6b206574;  // "te k"
    for (int i = 0; i < 8; ++i) state[4 + i] = load32(key + 4 * i);
    state[12] = counter;
    for (int i = 0; i < 3; ++i) state[13 + i] = load32(nonce + 4 * i);
}

// 20 rounds (10 column + diagonal double rounds), then the input added back, serialized
// little-endian.
void block_from_state(const u32* state, u8* out) {
    u32 x0 = state[0], x1 = state[1], x2 = state[2], x3 = state[3];
    u32 x4 = state[4], x5 = state[5], x6 = state[6], x7 = state[7];
    u32 x8 = state[8], x9 = state[9], x10 = state[10], x11 = state[11];
    u32 x12 = state[12], x13 = state[13], x14 = state[14], x15 = state[15];
    for (int round = 0; round < 10; ++round) {
        quarter_round(x0, x4, x8, x12);  // columns
        quarter_round(x1, x5, x9, x13);
        quarter_round(x2, x6, x10, x14);
        quarter_round(x3, x7, x11, x15);
        quarter_round(x0, x5, x10, x15);  // diagonals
        quarter_round(x1, x6, x11, x12);
        quarter_round(x2, x7, x8, x13);
        quarter_round(x3, x4, x9, x14);
    }
    // Stored straight from the working words: no copy of them stays in a local array
    // (register spills cannot be erased from C++; Linux's chacha_block has the same limit).
    store32(out + 0, x0 + state[0]);
    store32(out + 4, x1 + state[1]);
    store32(out + 8, x2 + state[2]);
    store32(out + 12, x3 + state[3]);
    store32(out + 16, x4 + state[4]);
    store32(out + 20, x5 + state[5]);
    store32(out + 24, x6 + state[6]);
    store32(out + 28, x7 + state[7]);
    store32(out + 32, x8 + state[8]);
    store32(out + 36, x9 + state[9]);
    store32(out + 40, x10 + state[10]);
    store32(out + 44, x11 + state[11]);
    store32(out + 48, x12 + state[12]);
    store32(out + 52, x13 + state[13]);
    store32(out + 56, x14 + state[14]);
    store32(out + 60, x15 + state[15]);
}

}  // namespace

void chacha20_block(const u8* key, u32 counter, const u8* nonce, u8* out) {
    u32 state[16];
    init_state(state, key, counter, nonce);
    block_from_state(state, out);
    kstd::memzero_explicit(state, sizeof state);
}

ChaCha20::ChaCha20(const u8* key, const u8* nonce, u32 counter) { init_state(state_, key, counter, nonce); }

ChaCha20::~ChaCha20() {
    kstd::memzero_explicit(state_, sizeof state_);
    kstd::memzero_explicit(buffer_, sizeof buffer_);
}

void ChaCha20::next_block(u8* out) {
    block_from_state(state_, out);
    ++state_[12];
}

void ChaCha20::keystream(void* out, usize length) {
    auto* bytes = static_cast<u8*>(out);
    while (length) {
        if (buffered_ == 0 && length >= chacha20_block_size) {
            // Whole blocks go straight to the caller's buffer.
            next_block(bytes);
            bytes += chacha20_block_size;
            length -= chacha20_block_size;
            continue;
        }
        if (buffered_ == 0) {
            next_block(buffer_);
            buffered_ = chacha20_block_size;
        }
        usize take = length < buffered_ ? length : buffered_;
        u8* from = buffer_ + (chacha20_block_size - buffered_);
        kstd::memcpy(bytes, from, take);
        kstd::memzero_explicit(from, take);  // keystream handed out is not kept
        buffered_ -= take;
        bytes += take;
        length -= take;
    }
}

void ChaCha20::crypt(const void* in, void* out, usize length) {
    auto* source = static_cast<const u8*>(in);
    auto* destination = static_cast<u8*>(out);
    u8 block[chacha20_block_size];
    while (length) {
        usize chunk = length < sizeof block ? length : sizeof block;
        keystream(block, chunk);
        for (usize i = 0; i < chunk; ++i) destination[i] = source[i] ^ block[i];
        source += chunk;
        destination += chunk;
        length -= chunk;
    }
    kstd::memzero_explicit(block, sizeof block);
}

}  // namespace kernel
