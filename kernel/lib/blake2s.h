// BLAKE2s as specified by RFC 7693: a hash with digests of 1..32 bytes and an optional key
// of up to 32 bytes (keyed, it is a MAC/PRF). Sequential mode only. Pure code: no allocation.
#pragma once

#include "types.h"

namespace kernel {

inline constexpr usize blake2s_block_size = 64;
inline constexpr usize blake2s_max_digest_size = 32;
inline constexpr usize blake2s_max_key_size = 32;

class Blake2s {
public:
    // `digest_size` must be 1..32 and `key_size` 0..32 (out-of-range values are clamped).
    explicit Blake2s(usize digest_size = blake2s_max_digest_size, const void* key = nullptr, usize key_size = 0);
    ~Blake2s();
    Blake2s(const Blake2s&) = delete;
    Blake2s& operator=(const Blake2s&) = delete;

    void update(const void* data, usize length);
    // Writes digest_size() bytes to `out` and erases the state; the object is then spent.
    void final(void* out);

    usize digest_size() const { return digest_size_; }

private:
    void compress(bool last);

    u32 h_[8];
    u32 t_[2] = {0, 0};  // bytes hashed so far, 64-bit
    u8 buffer_[blake2s_block_size];
    usize buffered_ = 0;
    usize digest_size_;
};

// One-shot: out = BLAKE2s-`digest_size`(key, data).
void blake2s(void* out, usize digest_size, const void* key, usize key_size, const void* data, usize length);

}  // namespace kernel
