// Linux x86-64 values of open(2) flags, *at(2) flags, lseek whence, fcntl(2) commands and
// struct flock, flock(2), close_range(2) and fallocate(2) flags (uapi/asm-generic/fcntl.h,
// uapi/linux/fcntl.h, uapi/linux/falloc.h). A unit test compares them with the host's headers.
#pragma once

#include <cstdint>

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
inline constexpr int rename_whiteout = 4;

// AT_STATX_SYNC_TYPE: statx's sync bits (AT_STATX_SYNC_AS_STAT is 0).
inline constexpr int at_statx_force_sync = 0x2000;
inline constexpr int at_statx_dont_sync = 0x4000;
inline constexpr int at_statx_sync_type = 0x6000;

// access(2) modes.
inline constexpr int f_ok = 0;
inline constexpr int x_ok = 1;
inline constexpr int w_ok = 2;
inline constexpr int r_ok = 4;

// fcntl(2) commands.
inline constexpr int f_dupfd = 0;
inline constexpr int f_getfd = 1;
inline constexpr int f_setfd = 2;
inline constexpr int f_getfl = 3;
inline constexpr int f_setfl = 4;
inline constexpr int f_getlk = 5;
inline constexpr int f_setlk = 6;
inline constexpr int f_setlkw = 7;
inline constexpr int f_setown = 8;
inline constexpr int f_getown = 9;
inline constexpr int f_setsig = 10;
inline constexpr int f_getsig = 11;
inline constexpr int f_setown_ex = 15;
inline constexpr int f_getown_ex = 16;
inline constexpr int f_ofd_getlk = 36;
inline constexpr int f_ofd_setlk = 37;
inline constexpr int f_ofd_setlkw = 38;
inline constexpr int f_dupfd_cloexec = 1030;
inline constexpr int f_setpipe_sz = 1031;
inline constexpr int f_getpipe_sz = 1032;
inline constexpr int fd_cloexec = 1;  // F_GETFD/F_SETFD's one flag

// Record locks (struct flock's l_type).
inline constexpr std::int16_t f_rdlck = 0;
inline constexpr std::int16_t f_wrlck = 1;
inline constexpr std::int16_t f_unlck = 2;

// struct flock (64-bit: off_t is 64 bits).
struct Flock {
    std::int16_t l_type;
    std::int16_t l_whence;
    std::int64_t l_start;
    std::int64_t l_len;
    std::int32_t l_pid;
};
static_assert(sizeof(Flock) == 32);

// flock(2) operations.
inline constexpr int lock_sh = 1;
inline constexpr int lock_ex = 2;
inline constexpr int lock_nb = 4;
inline constexpr int lock_un = 8;

// close_range(2) flags.
inline constexpr unsigned close_range_unshare = 2;
inline constexpr unsigned close_range_cloexec = 4;

// fallocate(2) modes.
inline constexpr int falloc_fl_keep_size = 0x01;
inline constexpr int falloc_fl_punch_hole = 0x02;
inline constexpr int falloc_fl_no_hide_stale = 0x04;
inline constexpr int falloc_fl_collapse_range = 0x08;
inline constexpr int falloc_fl_zero_range = 0x10;
inline constexpr int falloc_fl_insert_range = 0x20;
inline constexpr int falloc_fl_unshare_range = 0x40;

}  // namespace kernel::abi
