// A fixed-capacity bitmap over caller-provided words, with find-first helpers.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace kernel {

class Bitmap {
public:
    static constexpr std::size_t bits_per_word = 64;
    static constexpr std::size_t words_for(std::size_t bits) { return (bits + bits_per_word - 1) / bits_per_word; }
    static constexpr std::size_t not_found = ~std::size_t(0);

    Bitmap() = default;
    // `words` must hold words_for(size) entries; they are cleared.
    Bitmap(std::uint64_t* words, std::size_t size) : words_(words), size_(size) { clear_all(); }

    std::size_t size() const { return size_; }
    bool get(std::size_t index) const { return words_[index / bits_per_word] >> (index % bits_per_word) & 1; }
    void set(std::size_t index) { words_[index / bits_per_word] |= bit(index); }
    void clear(std::size_t index) { words_[index / bits_per_word] &= ~bit(index); }
    void set(std::size_t index, bool value) { value ? set(index) : clear(index); }

    void clear_all() {
        for (std::size_t i = 0; i < words_for(size_); ++i) words_[i] = 0;
    }
    std::size_t count_set() const {
        std::size_t count = 0;
        for (std::size_t i = 0; i < words_for(size_); ++i) count += std::popcount(words_[i]);
        return count;
    }

    // Index of the first set (or clear) bit at or after `from`, or not_found.
    std::size_t find_first_set(std::size_t from = 0) const { return find(from, false); }
    std::size_t find_first_clear(std::size_t from = 0) const { return find(from, true); }

private:
    static std::uint64_t bit(std::size_t index) { return std::uint64_t(1) << (index % bits_per_word); }
    std::size_t find(std::size_t from, bool invert) const {
        for (std::size_t word = from / bits_per_word; word < words_for(size_); ++word) {
            std::uint64_t value = invert ? ~words_[word] : words_[word];
            if (word == from / bits_per_word) value &= ~std::uint64_t(0) << (from % bits_per_word);
            if (value) {
                std::size_t index = word * bits_per_word + std::countr_zero(value);
                return index < size_ ? index : not_found;
            }
        }
        return not_found;
    }

    std::uint64_t* words_ = nullptr;
    std::size_t size_ = 0;
};

// A bitmap that carries its own storage.
template <std::size_t Bits>
class StaticBitmap : public Bitmap {
public:
    StaticBitmap() : Bitmap(storage_, Bits) {}
    StaticBitmap(const StaticBitmap&) = delete;
    StaticBitmap& operator=(const StaticBitmap&) = delete;

private:
    std::uint64_t storage_[words_for(Bits)];
};

}  // namespace kernel
