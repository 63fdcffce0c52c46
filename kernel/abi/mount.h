// Linux values of mount(2) flags and umount2(2) flags (uapi/linux/mount.h, include/linux/
// fs.h). A unit test compares them with the host's headers.
#pragma once

#include <cstdint>

namespace kernel::abi {

inline constexpr std::uint64_t ms_rdonly = 1;
inline constexpr std::uint64_t ms_nosuid = 2;
inline constexpr std::uint64_t ms_nodev = 4;
inline constexpr std::uint64_t ms_noexec = 8;
inline constexpr std::uint64_t ms_synchronous = 16;
inline constexpr std::uint64_t ms_remount = 32;
inline constexpr std::uint64_t ms_mandlock = 64;
inline constexpr std::uint64_t ms_dirsync = 128;
inline constexpr std::uint64_t ms_nosymfollow = 256;
inline constexpr std::uint64_t ms_noatime = 1024;
inline constexpr std::uint64_t ms_nodiratime = 2048;
inline constexpr std::uint64_t ms_bind = 4096;
inline constexpr std::uint64_t ms_move = 8192;
inline constexpr std::uint64_t ms_rec = 16384;
inline constexpr std::uint64_t ms_silent = 32768;
inline constexpr std::uint64_t ms_unbindable = 1 << 17;
inline constexpr std::uint64_t ms_private = 1 << 18;
inline constexpr std::uint64_t ms_slave = 1 << 19;
inline constexpr std::uint64_t ms_shared = 1 << 20;
inline constexpr std::uint64_t ms_relatime = 1 << 21;
inline constexpr std::uint64_t ms_strictatime = 1 << 24;
inline constexpr std::uint64_t ms_lazytime = 1 << 25;
// Old callers put this magic number in the upper 16 bits; it means nothing.
inline constexpr std::uint64_t ms_mgc_msk = 0xffff0000;
inline constexpr std::uint64_t ms_mgc_val = 0xc0ed0000;

inline constexpr int mnt_force = 1;
inline constexpr int mnt_detach = 2;
inline constexpr int mnt_expire = 4;
inline constexpr int umount_nofollow = 8;

}  // namespace kernel::abi
