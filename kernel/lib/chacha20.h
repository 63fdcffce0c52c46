// ChaCha20 as specified by RFC 8439: a 256-bit key, a 96-bit nonce and a 32-bit block
// counter; each (key, nonce, counter) gives one 64-byte keystream block. Pure code: no
// allocation, no locks, nothing but the caller's memory.
#pragma once

#include "types.h"

namespace kernel {

inline constexpr usize chacha20_key_size = 32;
inline constexpr usize chacha20_nonce_size = 12;
inline constexpr usize chacha20_block_size = 64;

// The block function (RFC 8439 section 2.3): writes the 64-byte keystream block for `counter`
// to `out`. `key` is 32 bytes, `nonce` 12 bytes; `out` may alias neither.
void chacha20_block(const u8* key, u32 counter, const u8* nonce, u8* out);

// A keystream from one (key, nonce), starting at block `counter` (RFC 8439 section 2.4).
// Consecutive calls continue where the last one stopped, byte-exact. The stream has 2^32
// blocks (256 GiB) from counter 0; the caller must stop, or change key or nonce, before the
// counter would wrap (after that the keystream would repeat). The destructor erases the key
// and any buffered keystream.
class ChaCha20 {
public:
    ChaCha20(const u8* key, const u8* nonce, u32 counter = 0);
    ~ChaCha20();
    ChaCha20(const ChaCha20&) = delete;
    ChaCha20& operator=(const ChaCha20&) = delete;

    // Writes the next `length` keystream bytes to `out`.
    void keystream(void* out, usize length);
    // Encrypts or decrypts (the same operation): out[i] = in[i] ^ keystream. `in` and `out`
    // may be the same buffer.
    void crypt(const void* in, void* out, usize length);

    // The counter of the next block to be generated (a partly used block counts as used).
    u32 next_counter() const { return state_[12]; }

private:
    void next_block(u8* out);

    u32 state_[16];
    u8 buffer_[chacha20_block_size];
    usize buffered_ = 0;  // unused keystream bytes at the end of buffer_
};

}  // namespace kernel
