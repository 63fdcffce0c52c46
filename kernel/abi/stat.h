// Linux file type and permission bits (uapi/linux/stat.h), the dirent d_type values, and the
// structures of stat(2), statx(2) and statfs(2) on x86-64.
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

// struct stat of x86-64 (arch/x86/include/uapi/asm/stat.h): what stat, fstat, lstat and
// newfstatat fill.
struct Stat {
    std::uint64_t st_dev;
    std::uint64_t st_ino;
    std::uint64_t st_nlink;
    std::uint32_t st_mode;
    std::uint32_t st_uid;
    std::uint32_t st_gid;
    std::uint32_t pad0;
    std::uint64_t st_rdev;
    std::int64_t st_size;
    std::int64_t st_blksize;
    std::int64_t st_blocks;  // 512-byte units
    std::int64_t st_atime_sec;
    std::int64_t st_atime_nsec;
    std::int64_t st_mtime_sec;
    std::int64_t st_mtime_nsec;
    std::int64_t st_ctime_sec;
    std::int64_t st_ctime_nsec;
    std::int64_t unused[3];
};
static_assert(sizeof(Stat) == 144);

// statx(2) (uapi/linux/stat.h).
struct StatxTimestamp {
    std::int64_t tv_sec;
    std::uint32_t tv_nsec;
    std::int32_t reserved;
};

struct Statx {
    std::uint32_t stx_mask;  // what the kernel filled (STATX_*)
    std::uint32_t stx_blksize;
    std::uint64_t stx_attributes;
    std::uint32_t stx_nlink;
    std::uint32_t stx_uid;
    std::uint32_t stx_gid;
    std::uint16_t stx_mode;
    std::uint16_t spare0;
    std::uint64_t stx_ino;
    std::uint64_t stx_size;
    std::uint64_t stx_blocks;
    std::uint64_t stx_attributes_mask;
    StatxTimestamp stx_atime;
    StatxTimestamp stx_btime;
    StatxTimestamp stx_ctime;
    StatxTimestamp stx_mtime;
    std::uint32_t stx_rdev_major;
    std::uint32_t stx_rdev_minor;
    std::uint32_t stx_dev_major;
    std::uint32_t stx_dev_minor;
    std::uint64_t stx_mnt_id;
    std::uint32_t stx_dio_mem_align;
    std::uint32_t stx_dio_offset_align;
    std::uint64_t spare3[12];
};
static_assert(sizeof(Statx) == 256);

// stx_mask bits.
inline constexpr std::uint32_t statx_type = 0x001;
inline constexpr std::uint32_t statx_mode = 0x002;
inline constexpr std::uint32_t statx_nlink = 0x004;
inline constexpr std::uint32_t statx_uid = 0x008;
inline constexpr std::uint32_t statx_gid = 0x010;
inline constexpr std::uint32_t statx_atime = 0x020;
inline constexpr std::uint32_t statx_mtime = 0x040;
inline constexpr std::uint32_t statx_ctime = 0x080;
inline constexpr std::uint32_t statx_ino = 0x100;
inline constexpr std::uint32_t statx_size = 0x200;
inline constexpr std::uint32_t statx_blocks = 0x400;
inline constexpr std::uint32_t statx_basic_stats = 0x7ff;
inline constexpr std::uint32_t statx_btime = 0x800;
inline constexpr std::uint32_t statx_mnt_id = 0x1000;
inline constexpr std::uint32_t statx_reserved = 0x80000000u;  // EINVAL when asked for

// struct statfs of x86-64 (uapi/asm-generic/statfs.h with 64-bit words).
struct Statfs {
    std::int64_t f_type;  // the file system's magic number
    std::int64_t f_bsize;
    std::uint64_t f_blocks;
    std::uint64_t f_bfree;
    std::uint64_t f_bavail;
    std::uint64_t f_files;
    std::uint64_t f_ffree;
    std::int32_t f_fsid[2];
    std::int64_t f_namelen;
    std::int64_t f_frsize;
    std::int64_t f_flags;  // ST_* mount flags
    std::int64_t f_spare[4];
};
static_assert(sizeof(Statfs) == 120);

// f_type values (uapi/linux/magic.h).
inline constexpr std::int64_t tmpfs_magic = 0x01021994;  // also devtmpfs
inline constexpr std::int64_t proc_super_magic = 0x9fa0;
inline constexpr std::int64_t pipefs_magic = 0x50495045;
// f_flags: ST_VALID says the flags are filled in (Linux 2.6.36); Newt's mounts have no
// other flags.
inline constexpr std::int64_t st_valid = 0x0020;

}  // namespace kernel::abi
