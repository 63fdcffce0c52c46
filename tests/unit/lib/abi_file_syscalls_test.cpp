// The layouts and values the file syscalls use (kernel/abi/stat.h, dirent.h, io.h,
// fcntl.h, mount.h, process.h's Sysinfo) against the host's headers: every field's offset
// and size, every constant.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/close_range.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <linux/stat.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>

#include <cstddef>
#include <utility>

#include "../../../kernel/abi/dirent.h"
#include "../../../kernel/abi/fcntl.h"
#include "../../../kernel/abi/io.h"
#include "../../../kernel/abi/mount.h"
#include "../../../kernel/abi/process.h"
#include "../../../kernel/abi/stat.h"

namespace kabi = kernel::abi;

namespace {

#define EXPECT_FIELD(ours, ours_field, theirs, theirs_field)                                             \
    do {                                                                                                 \
        EXPECT_EQ(offsetof(ours, ours_field), offsetof(theirs, theirs_field)) << #ours_field;            \
        EXPECT_EQ(sizeof(std::declval<ours&>().ours_field), sizeof(std::declval<theirs&>().theirs_field)) \
            << #ours_field;                                                                              \
    } while (0)

TEST(AbiFiles, StatMatchesTheHost) {
    EXPECT_EQ(sizeof(kabi::Stat), sizeof(struct stat));
    EXPECT_FIELD(kabi::Stat, st_dev, struct stat, st_dev);
    EXPECT_FIELD(kabi::Stat, st_ino, struct stat, st_ino);
    EXPECT_FIELD(kabi::Stat, st_nlink, struct stat, st_nlink);
    EXPECT_FIELD(kabi::Stat, st_mode, struct stat, st_mode);
    EXPECT_FIELD(kabi::Stat, st_uid, struct stat, st_uid);
    EXPECT_FIELD(kabi::Stat, st_gid, struct stat, st_gid);
    EXPECT_FIELD(kabi::Stat, st_rdev, struct stat, st_rdev);
    EXPECT_FIELD(kabi::Stat, st_size, struct stat, st_size);
    EXPECT_FIELD(kabi::Stat, st_blksize, struct stat, st_blksize);
    EXPECT_FIELD(kabi::Stat, st_blocks, struct stat, st_blocks);
    EXPECT_FIELD(kabi::Stat, st_atime_sec, struct stat, st_atim.tv_sec);
    EXPECT_FIELD(kabi::Stat, st_atime_nsec, struct stat, st_atim.tv_nsec);
    EXPECT_FIELD(kabi::Stat, st_mtime_sec, struct stat, st_mtim.tv_sec);
    EXPECT_FIELD(kabi::Stat, st_mtime_nsec, struct stat, st_mtim.tv_nsec);
    EXPECT_FIELD(kabi::Stat, st_ctime_sec, struct stat, st_ctim.tv_sec);
    EXPECT_FIELD(kabi::Stat, st_ctime_nsec, struct stat, st_ctim.tv_nsec);
}

TEST(AbiFiles, StatxMatchesTheHost) {
    EXPECT_EQ(sizeof(kabi::Statx), sizeof(struct statx));
    EXPECT_EQ(sizeof(kabi::StatxTimestamp), sizeof(struct statx_timestamp));
    EXPECT_FIELD(kabi::StatxTimestamp, tv_sec, struct statx_timestamp, tv_sec);
    EXPECT_FIELD(kabi::StatxTimestamp, tv_nsec, struct statx_timestamp, tv_nsec);
    EXPECT_FIELD(kabi::Statx, stx_mask, struct statx, stx_mask);
    EXPECT_FIELD(kabi::Statx, stx_blksize, struct statx, stx_blksize);
    EXPECT_FIELD(kabi::Statx, stx_attributes, struct statx, stx_attributes);
    EXPECT_FIELD(kabi::Statx, stx_nlink, struct statx, stx_nlink);
    EXPECT_FIELD(kabi::Statx, stx_uid, struct statx, stx_uid);
    EXPECT_FIELD(kabi::Statx, stx_gid, struct statx, stx_gid);
    EXPECT_FIELD(kabi::Statx, stx_mode, struct statx, stx_mode);
    EXPECT_FIELD(kabi::Statx, stx_ino, struct statx, stx_ino);
    EXPECT_FIELD(kabi::Statx, stx_size, struct statx, stx_size);
    EXPECT_FIELD(kabi::Statx, stx_blocks, struct statx, stx_blocks);
    EXPECT_FIELD(kabi::Statx, stx_attributes_mask, struct statx, stx_attributes_mask);
    EXPECT_FIELD(kabi::Statx, stx_atime, struct statx, stx_atime);
    EXPECT_FIELD(kabi::Statx, stx_btime, struct statx, stx_btime);
    EXPECT_FIELD(kabi::Statx, stx_ctime, struct statx, stx_ctime);
    EXPECT_FIELD(kabi::Statx, stx_mtime, struct statx, stx_mtime);
    EXPECT_FIELD(kabi::Statx, stx_rdev_major, struct statx, stx_rdev_major);
    EXPECT_FIELD(kabi::Statx, stx_rdev_minor, struct statx, stx_rdev_minor);
    EXPECT_FIELD(kabi::Statx, stx_dev_major, struct statx, stx_dev_major);
    EXPECT_FIELD(kabi::Statx, stx_dev_minor, struct statx, stx_dev_minor);
    EXPECT_FIELD(kabi::Statx, stx_mnt_id, struct statx, stx_mnt_id);
    EXPECT_EQ(kabi::statx_type, unsigned(STATX_TYPE));
    EXPECT_EQ(kabi::statx_mode, unsigned(STATX_MODE));
    EXPECT_EQ(kabi::statx_nlink, unsigned(STATX_NLINK));
    EXPECT_EQ(kabi::statx_uid, unsigned(STATX_UID));
    EXPECT_EQ(kabi::statx_gid, unsigned(STATX_GID));
    EXPECT_EQ(kabi::statx_atime, unsigned(STATX_ATIME));
    EXPECT_EQ(kabi::statx_mtime, unsigned(STATX_MTIME));
    EXPECT_EQ(kabi::statx_ctime, unsigned(STATX_CTIME));
    EXPECT_EQ(kabi::statx_ino, unsigned(STATX_INO));
    EXPECT_EQ(kabi::statx_size, unsigned(STATX_SIZE));
    EXPECT_EQ(kabi::statx_blocks, unsigned(STATX_BLOCKS));
    EXPECT_EQ(kabi::statx_basic_stats, unsigned(STATX_BASIC_STATS));
    EXPECT_EQ(kabi::statx_btime, unsigned(STATX_BTIME));
    EXPECT_EQ(kabi::statx_mnt_id, unsigned(STATX_MNT_ID));
    EXPECT_EQ(kabi::statx_reserved, unsigned(STATX__RESERVED));
    EXPECT_EQ(kabi::at_statx_force_sync, AT_STATX_FORCE_SYNC);
    EXPECT_EQ(kabi::at_statx_dont_sync, AT_STATX_DONT_SYNC);
    EXPECT_EQ(kabi::at_statx_sync_type, AT_STATX_SYNC_TYPE);
}

TEST(AbiFiles, StatfsMatchesTheHost) {
    EXPECT_EQ(sizeof(kabi::Statfs), sizeof(struct statfs));
    EXPECT_FIELD(kabi::Statfs, f_type, struct statfs, f_type);
    EXPECT_FIELD(kabi::Statfs, f_bsize, struct statfs, f_bsize);
    EXPECT_FIELD(kabi::Statfs, f_blocks, struct statfs, f_blocks);
    EXPECT_FIELD(kabi::Statfs, f_bfree, struct statfs, f_bfree);
    EXPECT_FIELD(kabi::Statfs, f_bavail, struct statfs, f_bavail);
    EXPECT_FIELD(kabi::Statfs, f_files, struct statfs, f_files);
    EXPECT_FIELD(kabi::Statfs, f_ffree, struct statfs, f_ffree);
    EXPECT_FIELD(kabi::Statfs, f_fsid, struct statfs, f_fsid);
    EXPECT_FIELD(kabi::Statfs, f_namelen, struct statfs, f_namelen);
    EXPECT_FIELD(kabi::Statfs, f_frsize, struct statfs, f_frsize);
    EXPECT_FIELD(kabi::Statfs, f_flags, struct statfs, f_flags);
    EXPECT_EQ(kabi::tmpfs_magic, TMPFS_MAGIC);
    EXPECT_EQ(kabi::proc_super_magic, PROC_SUPER_MAGIC);
    EXPECT_EQ(kabi::pipefs_magic, PIPEFS_MAGIC);
    EXPECT_EQ(kabi::st_valid, 0x20);  // include/linux/statfs.h; no user header has it
}

TEST(AbiFiles, DirentsMatchTheHost) {
    EXPECT_EQ(offsetof(kabi::Dirent64Head, d_ino), offsetof(struct dirent64, d_ino));
    EXPECT_EQ(offsetof(kabi::Dirent64Head, d_off), offsetof(struct dirent64, d_off));
    EXPECT_EQ(offsetof(kabi::Dirent64Head, d_reclen), offsetof(struct dirent64, d_reclen));
    EXPECT_EQ(offsetof(kabi::Dirent64Head, d_type), offsetof(struct dirent64, d_type));
    EXPECT_EQ(kabi::dirent64_name_offset, offsetof(struct dirent64, d_name));
    // struct linux_dirent (getdents 78) is in no header: the kernel's fs/readdir.c has
    // unsigned long d_ino, d_off; unsigned short d_reclen; char d_name[].
    struct linux_dirent {
        unsigned long d_ino;
        unsigned long d_off;
        unsigned short d_reclen;
        char d_name[1];
    };
    EXPECT_EQ(offsetof(kabi::DirentHead, d_reclen), offsetof(linux_dirent, d_reclen));
    EXPECT_EQ(kabi::dirent_name_offset, offsetof(linux_dirent, d_name));
    EXPECT_EQ(kabi::dirent64_record_length(1), 24u);   // "."
    EXPECT_EQ(kabi::dirent64_record_length(4), 24u);
    EXPECT_EQ(kabi::dirent64_record_length(5), 32u);
    EXPECT_EQ(kabi::dirent_record_length(4), 24u);
    EXPECT_EQ(kabi::dirent_record_length(5), 32u);
}

TEST(AbiFiles, IoStructuresAndRequestsMatchTheHost) {
    EXPECT_EQ(sizeof(kabi::Iovec), sizeof(struct iovec));
    EXPECT_FIELD(kabi::Iovec, base, struct iovec, iov_base);
    EXPECT_FIELD(kabi::Iovec, length, struct iovec, iov_len);
    EXPECT_EQ(kabi::uio_maxiov, IOV_MAX);
    EXPECT_EQ(kabi::rwf_hipri, RWF_HIPRI);
    EXPECT_EQ(kabi::rwf_dsync, RWF_DSYNC);
    EXPECT_EQ(kabi::rwf_sync, RWF_SYNC);
    EXPECT_EQ(kabi::rwf_nowait, RWF_NOWAIT);
    EXPECT_EQ(kabi::rwf_append, RWF_APPEND);
    EXPECT_EQ(sizeof(kabi::PollFd), sizeof(struct pollfd));
    EXPECT_FIELD(kabi::PollFd, fd, struct pollfd, fd);
    EXPECT_FIELD(kabi::PollFd, events, struct pollfd, events);
    EXPECT_FIELD(kabi::PollFd, revents, struct pollfd, revents);
    EXPECT_EQ(kabi::fd_setsize, FD_SETSIZE);
    EXPECT_EQ(sizeof(fd_set) * 8, static_cast<size_t>(kabi::fd_setsize));
    EXPECT_EQ(kabi::tcgets, unsigned(TCGETS));
    EXPECT_EQ(kabi::tiocgwinsz, unsigned(TIOCGWINSZ));
    EXPECT_EQ(kabi::fionread, unsigned(FIONREAD));
    EXPECT_EQ(kabi::fionbio, unsigned(FIONBIO));
    EXPECT_EQ(kabi::fionclex, unsigned(FIONCLEX));
    EXPECT_EQ(kabi::fioclex, unsigned(FIOCLEX));
    EXPECT_EQ(kabi::fioasync, unsigned(FIOASYNC));
    EXPECT_EQ(kabi::grnd_nonblock, unsigned(GRND_NONBLOCK));
    EXPECT_EQ(kabi::grnd_random, unsigned(GRND_RANDOM));
    EXPECT_EQ(kabi::grnd_insecure, unsigned(GRND_INSECURE));
}

TEST(AbiFiles, FcntlValuesMatchTheHost) {
    EXPECT_EQ(kabi::f_dupfd, F_DUPFD);
    EXPECT_EQ(kabi::f_getfd, F_GETFD);
    EXPECT_EQ(kabi::f_setfd, F_SETFD);
    EXPECT_EQ(kabi::f_getfl, F_GETFL);
    EXPECT_EQ(kabi::f_setfl, F_SETFL);
    EXPECT_EQ(kabi::f_getlk, F_GETLK);
    EXPECT_EQ(kabi::f_setlk, F_SETLK);
    EXPECT_EQ(kabi::f_setlkw, F_SETLKW);
    EXPECT_EQ(kabi::f_setown, F_SETOWN);
    EXPECT_EQ(kabi::f_getown, F_GETOWN);
    EXPECT_EQ(kabi::f_setsig, F_SETSIG);
    EXPECT_EQ(kabi::f_getsig, F_GETSIG);
    EXPECT_EQ(kabi::f_setown_ex, F_SETOWN_EX);
    EXPECT_EQ(kabi::f_getown_ex, F_GETOWN_EX);
    EXPECT_EQ(kabi::f_ofd_getlk, F_OFD_GETLK);
    EXPECT_EQ(kabi::f_ofd_setlk, F_OFD_SETLK);
    EXPECT_EQ(kabi::f_ofd_setlkw, F_OFD_SETLKW);
    EXPECT_EQ(kabi::f_dupfd_cloexec, F_DUPFD_CLOEXEC);
    EXPECT_EQ(kabi::f_setpipe_sz, F_SETPIPE_SZ);
    EXPECT_EQ(kabi::f_getpipe_sz, F_GETPIPE_SZ);
    EXPECT_EQ(kabi::fd_cloexec, FD_CLOEXEC);
    EXPECT_EQ(kabi::f_rdlck, F_RDLCK);
    EXPECT_EQ(kabi::f_wrlck, F_WRLCK);
    EXPECT_EQ(kabi::f_unlck, F_UNLCK);
    EXPECT_EQ(sizeof(kabi::Flock), sizeof(struct flock));
    EXPECT_FIELD(kabi::Flock, l_type, struct flock, l_type);
    EXPECT_FIELD(kabi::Flock, l_whence, struct flock, l_whence);
    EXPECT_FIELD(kabi::Flock, l_start, struct flock, l_start);
    EXPECT_FIELD(kabi::Flock, l_len, struct flock, l_len);
    EXPECT_FIELD(kabi::Flock, l_pid, struct flock, l_pid);
    EXPECT_EQ(kabi::lock_sh, LOCK_SH);
    EXPECT_EQ(kabi::lock_ex, LOCK_EX);
    EXPECT_EQ(kabi::lock_nb, LOCK_NB);
    EXPECT_EQ(kabi::lock_un, LOCK_UN);
    EXPECT_EQ(kabi::close_range_unshare, unsigned(CLOSE_RANGE_UNSHARE));
    EXPECT_EQ(kabi::close_range_cloexec, unsigned(CLOSE_RANGE_CLOEXEC));
    EXPECT_EQ(kabi::falloc_fl_keep_size, FALLOC_FL_KEEP_SIZE);
    EXPECT_EQ(kabi::falloc_fl_punch_hole, FALLOC_FL_PUNCH_HOLE);
    EXPECT_EQ(kabi::falloc_fl_no_hide_stale, FALLOC_FL_NO_HIDE_STALE);
    EXPECT_EQ(kabi::falloc_fl_collapse_range, FALLOC_FL_COLLAPSE_RANGE);
    EXPECT_EQ(kabi::falloc_fl_zero_range, FALLOC_FL_ZERO_RANGE);
    EXPECT_EQ(kabi::falloc_fl_insert_range, FALLOC_FL_INSERT_RANGE);
    EXPECT_EQ(kabi::falloc_fl_unshare_range, FALLOC_FL_UNSHARE_RANGE);
    EXPECT_EQ(kabi::rename_whiteout, RENAME_WHITEOUT);
}

TEST(AbiFiles, MountFlagsMatchTheHost) {
    EXPECT_EQ(kabi::ms_rdonly, MS_RDONLY);
    EXPECT_EQ(kabi::ms_nosuid, MS_NOSUID);
    EXPECT_EQ(kabi::ms_nodev, MS_NODEV);
    EXPECT_EQ(kabi::ms_noexec, MS_NOEXEC);
    EXPECT_EQ(kabi::ms_synchronous, MS_SYNCHRONOUS);
    EXPECT_EQ(kabi::ms_remount, MS_REMOUNT);
    EXPECT_EQ(kabi::ms_mandlock, MS_MANDLOCK);
    EXPECT_EQ(kabi::ms_dirsync, MS_DIRSYNC);
    EXPECT_EQ(kabi::ms_nosymfollow, MS_NOSYMFOLLOW);
    EXPECT_EQ(kabi::ms_noatime, MS_NOATIME);
    EXPECT_EQ(kabi::ms_nodiratime, MS_NODIRATIME);
    EXPECT_EQ(kabi::ms_bind, MS_BIND);
    EXPECT_EQ(kabi::ms_move, MS_MOVE);
    EXPECT_EQ(kabi::ms_rec, MS_REC);
    EXPECT_EQ(kabi::ms_silent, MS_SILENT);
    EXPECT_EQ(kabi::ms_unbindable, MS_UNBINDABLE);
    EXPECT_EQ(kabi::ms_private, MS_PRIVATE);
    EXPECT_EQ(kabi::ms_slave, MS_SLAVE);
    EXPECT_EQ(kabi::ms_shared, MS_SHARED);
    EXPECT_EQ(kabi::ms_relatime, MS_RELATIME);
    EXPECT_EQ(kabi::ms_strictatime, MS_STRICTATIME);
    EXPECT_EQ(kabi::ms_lazytime, MS_LAZYTIME);
    EXPECT_EQ(kabi::ms_mgc_val, MS_MGC_VAL);
    EXPECT_EQ(kabi::ms_mgc_msk, MS_MGC_MSK);
    EXPECT_EQ(kabi::mnt_force, MNT_FORCE);
    EXPECT_EQ(kabi::mnt_detach, MNT_DETACH);
    EXPECT_EQ(kabi::mnt_expire, MNT_EXPIRE);
    EXPECT_EQ(kabi::umount_nofollow, UMOUNT_NOFOLLOW);
}

TEST(AbiFiles, SysinfoMatchesTheHost) {
    EXPECT_EQ(sizeof(kabi::Sysinfo), sizeof(struct sysinfo));
    EXPECT_FIELD(kabi::Sysinfo, uptime, struct sysinfo, uptime);
    EXPECT_FIELD(kabi::Sysinfo, loads, struct sysinfo, loads);
    EXPECT_FIELD(kabi::Sysinfo, totalram, struct sysinfo, totalram);
    EXPECT_FIELD(kabi::Sysinfo, freeram, struct sysinfo, freeram);
    EXPECT_FIELD(kabi::Sysinfo, sharedram, struct sysinfo, sharedram);
    EXPECT_FIELD(kabi::Sysinfo, bufferram, struct sysinfo, bufferram);
    EXPECT_FIELD(kabi::Sysinfo, totalswap, struct sysinfo, totalswap);
    EXPECT_FIELD(kabi::Sysinfo, freeswap, struct sysinfo, freeswap);
    EXPECT_FIELD(kabi::Sysinfo, procs, struct sysinfo, procs);
    EXPECT_FIELD(kabi::Sysinfo, totalhigh, struct sysinfo, totalhigh);
    EXPECT_FIELD(kabi::Sysinfo, freehigh, struct sysinfo, freehigh);
    EXPECT_FIELD(kabi::Sysinfo, mem_unit, struct sysinfo, mem_unit);
    EXPECT_EQ(kabi::si_load_shift, SI_LOAD_SHIFT);
}

}  // namespace
