// Linux x86-64 values of open(2) flags, *at(2) flags and lseek whence (uapi/asm-generic/
// fcntl.h, uapi/linux/fcntl.h). A unit test compares them with the host's headers.
#pragma once

namespace kernel::abi {

inline constexpr int o_accmode = 03;
inline constexpr int o_rdonly = 00;
inline constexpr int o_wronly = 01;
inline constexpr int o_rdwr = 02;
inline constexpr int o_creat = 0100;
inline constexpr int o_excl = 0200;
inline constexpr int o_noctty = 0400;
inline constexpr int o_trunc = 01000;
inline constexpr int o_append = 02000;
inline constexpr int o_nonblock = 04000;
inline constexpr int o_dsync = 010000;
inline constexpr int o_direct = 040000;
inline constexpr int o_largefile = 0100000;
inline constexpr int o_directory = 0200000;
inline constexpr int o_nofollow = 0400000;
inline constexpr int o_noatime = 01000000;
inline constexpr int o_cloexec = 02000000;
inline constexpr int o_sync = 04010000;
inline constexpr int o_path = 010000000;
inline constexpr int o_tmpfile = 020200000;

inline constexpr int at_fdcwd = -100;
inline constexpr int at_symlink_nofollow = 0x100;
inline constexpr int at_removedir = 0x200;
inline constexpr int at_symlink_follow = 0x400;
inline constexpr int at_no_automount = 0x800;
inline constexpr int at_empty_path = 0x1000;
inline constexpr int at_eaccess = 0x200;

inline constexpr int seek_set = 0;
inline constexpr int seek_cur = 1;
inline constexpr int seek_end = 2;
inline constexpr int seek_data = 3;
inline constexpr int seek_hole = 4;

inline constexpr int rename_noreplace = 1;
inline constexpr int rename_exchange = 2;

// access(2) modes.
inline constexpr int f_ok = 0;
inline constexpr int x_ok = 1;
inline constexpr int w_ok = 2;
inline constexpr int r_ok = 4;

}  // namespace kernel::abi
