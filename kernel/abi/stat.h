// Linux file type and permission bits (uapi/linux/stat.h) and the dirent d_type values.
// In kernel::abi, not ::abi: <cxxabi.h> (which GoogleTest includes) owns the global name.
#pragma once

#include <cstdint>

namespace kernel::abi {

using mode_t = std::uint32_t;

inline constexpr mode_t s_ifmt = 0170000;
inline constexpr mode_t s_ifsock = 0140000;
inline constexpr mode_t s_iflnk = 0120000;
inline constexpr mode_t s_ifreg = 0100000;
inline constexpr mode_t s_ifblk = 0060000;
inline constexpr mode_t s_ifdir = 0040000;
inline constexpr mode_t s_ifchr = 0020000;
inline constexpr mode_t s_ififo = 0010000;
inline constexpr mode_t s_isuid = 04000;
inline constexpr mode_t s_isgid = 02000;
inline constexpr mode_t s_isvtx = 01000;

inline constexpr bool s_isreg(mode_t mode) { return (mode & s_ifmt) == s_ifreg; }
inline constexpr bool s_isdir(mode_t mode) { return (mode & s_ifmt) == s_ifdir; }
inline constexpr bool s_islnk(mode_t mode) { return (mode & s_ifmt) == s_iflnk; }
inline constexpr bool s_ischr(mode_t mode) { return (mode & s_ifmt) == s_ifchr; }
inline constexpr bool s_isblk(mode_t mode) { return (mode & s_ifmt) == s_ifblk; }
inline constexpr bool s_isfifo(mode_t mode) { return (mode & s_ifmt) == s_ififo; }
inline constexpr bool s_issock(mode_t mode) { return (mode & s_ifmt) == s_ifsock; }

// d_type of getdents64: the file type bits shifted down.
inline constexpr std::uint8_t dt_unknown = 0;
inline constexpr std::uint8_t dt_fifo = 1;
inline constexpr std::uint8_t dt_chr = 2;
inline constexpr std::uint8_t dt_dir = 4;
inline constexpr std::uint8_t dt_blk = 6;
inline constexpr std::uint8_t dt_reg = 8;
inline constexpr std::uint8_t dt_lnk = 10;
inline constexpr std::uint8_t dt_sock = 12;
inline constexpr std::uint8_t dirent_type(mode_t mode) { return static_cast<std::uint8_t>((mode & s_ifmt) >> 12); }

// Device numbers as glibc's makedev/major/minor (the 64-bit dev_t layout).
inline constexpr std::uint64_t make_device(std::uint32_t major, std::uint32_t minor) {
    return ((std::uint64_t(major) & 0xfffff000u) << 32) | ((std::uint64_t(major) & 0xfffu) << 8) |
           ((std::uint64_t(minor) & 0xffffff00u) << 12) | (minor & 0xffu);
}
inline constexpr std::uint32_t device_major(std::uint64_t device) {
    return static_cast<std::uint32_t>(((device >> 32) & 0xfffff000u) | ((device >> 8) & 0xfffu));
}
inline constexpr std::uint32_t device_minor(std::uint64_t device) {
    return static_cast<std::uint32_t>(((device >> 12) & 0xffffff00u) | (device & 0xffu));
}

inline constexpr unsigned path_max = 4096;  // including the NUL
inline constexpr unsigned name_max = 255;
inline constexpr unsigned symlink_max_follow = 40;
inline constexpr unsigned pipe_buf = 4096;

}  // namespace kernel::abi
