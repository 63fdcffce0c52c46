// The directory records getdents64(2) and the old getdents(2) write (fs/readdir.c). Both
// are variable length: a fixed head, the NUL-terminated name, padding to 8 bytes. The old
// record keeps its d_type in its last byte.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kernel::abi {

// struct linux_dirent64 without its name.
struct Dirent64Head {
    std::uint64_t d_ino;
    std::int64_t d_off;  // where the next read resumes (lseek cookie)
    std::uint16_t d_reclen;
    std::uint8_t d_type;
};
inline constexpr std::size_t dirent64_name_offset = 19;

// struct linux_dirent (getdents, number 78) without its name.
struct DirentHead {
    std::uint64_t d_ino;
    std::uint64_t d_off;
    std::uint16_t d_reclen;
};
inline constexpr std::size_t dirent_name_offset = 18;

// The record lengths: head, name, NUL (and the old record's d_type byte), aligned to 8.
constexpr std::size_t dirent64_record_length(std::size_t name_length) {
    return (dirent64_name_offset + name_length + 1 + 7) & ~std::size_t(7);
}
constexpr std::size_t dirent_record_length(std::size_t name_length) {
    return (dirent_name_offset + name_length + 2 + 7) & ~std::size_t(7);
}

}  // namespace kernel::abi
