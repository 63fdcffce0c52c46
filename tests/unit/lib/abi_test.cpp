// kernel/abi holds Linux ABI values written by hand; each must equal the host's (the host is
// Linux x86-64, the ABI Newt speaks).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../../kernel/abi/fcntl.h"
#include "../../../kernel/abi/stat.h"

#include <dirent.h>

namespace kabi = kernel::abi;

TEST(Abi, OpenFlagsMatchTheHost) {
    EXPECT_EQ(kabi::o_accmode, O_ACCMODE);
    EXPECT_EQ(kabi::o_rdonly, O_RDONLY);
    EXPECT_EQ(kabi::o_wronly, O_WRONLY);
    EXPECT_EQ(kabi::o_rdwr, O_RDWR);
    EXPECT_EQ(kabi::o_creat, O_CREAT);
    EXPECT_EQ(kabi::o_excl, O_EXCL);
    EXPECT_EQ(kabi::o_noctty, O_NOCTTY);
    EXPECT_EQ(kabi::o_trunc, O_TRUNC);
    EXPECT_EQ(kabi::o_append, O_APPEND);
    EXPECT_EQ(kabi::o_nonblock, O_NONBLOCK);
    EXPECT_EQ(kabi::o_dsync, O_DSYNC);
    EXPECT_EQ(kabi::o_direct, O_DIRECT);
    EXPECT_EQ(kabi::o_directory, O_DIRECTORY);
    EXPECT_EQ(kabi::o_nofollow, O_NOFOLLOW);
    EXPECT_EQ(kabi::o_noatime, O_NOATIME);
    EXPECT_EQ(kabi::o_cloexec, O_CLOEXEC);
    EXPECT_EQ(kabi::o_sync, O_SYNC);
    EXPECT_EQ(kabi::o_path, O_PATH);
    EXPECT_EQ(kabi::o_tmpfile, O_TMPFILE);
}

TEST(Abi, AtFlagsSeekAndRenameMatchTheHost) {
    EXPECT_EQ(kabi::at_fdcwd, AT_FDCWD);
    EXPECT_EQ(kabi::at_symlink_nofollow, AT_SYMLINK_NOFOLLOW);
    EXPECT_EQ(kabi::at_removedir, AT_REMOVEDIR);
    EXPECT_EQ(kabi::at_symlink_follow, AT_SYMLINK_FOLLOW);
    EXPECT_EQ(kabi::at_no_automount, AT_NO_AUTOMOUNT);
    EXPECT_EQ(kabi::at_empty_path, AT_EMPTY_PATH);
    EXPECT_EQ(kabi::at_eaccess, AT_EACCESS);
    EXPECT_EQ(kabi::seek_set, SEEK_SET);
    EXPECT_EQ(kabi::seek_cur, SEEK_CUR);
    EXPECT_EQ(kabi::seek_end, SEEK_END);
    EXPECT_EQ(kabi::seek_data, SEEK_DATA);
    EXPECT_EQ(kabi::seek_hole, SEEK_HOLE);
    EXPECT_EQ(kabi::rename_noreplace, RENAME_NOREPLACE);
    EXPECT_EQ(kabi::rename_exchange, RENAME_EXCHANGE);
    EXPECT_EQ(kabi::f_ok, F_OK);
    EXPECT_EQ(kabi::r_ok, R_OK);
    EXPECT_EQ(kabi::w_ok, W_OK);
    EXPECT_EQ(kabi::x_ok, X_OK);
}

TEST(Abi, FileModesMatchTheHost) {
    EXPECT_EQ(kabi::s_ifmt, S_IFMT);
    EXPECT_EQ(kabi::s_ifsock, S_IFSOCK);
    EXPECT_EQ(kabi::s_iflnk, S_IFLNK);
    EXPECT_EQ(kabi::s_ifreg, S_IFREG);
    EXPECT_EQ(kabi::s_ifblk, S_IFBLK);
    EXPECT_EQ(kabi::s_ifdir, S_IFDIR);
    EXPECT_EQ(kabi::s_ifchr, S_IFCHR);
    EXPECT_EQ(kabi::s_ififo, S_IFIFO);
    EXPECT_EQ(kabi::s_isuid, S_ISUID);
    EXPECT_EQ(kabi::s_isgid, S_ISGID);
    EXPECT_EQ(kabi::s_isvtx, S_ISVTX);
    for (kabi::mode_t mode : {S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO}) {
        EXPECT_EQ(kabi::dirent_type(mode), IFTODT(mode));
        EXPECT_EQ(kabi::s_isdir(mode), S_ISDIR(mode));
        EXPECT_EQ(kabi::s_isreg(mode), S_ISREG(mode));
        EXPECT_EQ(kabi::s_islnk(mode), S_ISLNK(mode));
    }
    EXPECT_EQ(kabi::dt_dir, DT_DIR);
    EXPECT_EQ(kabi::dt_reg, DT_REG);
    EXPECT_EQ(kabi::dt_lnk, DT_LNK);
    EXPECT_EQ(kabi::path_max, PATH_MAX);
    EXPECT_EQ(kabi::name_max, NAME_MAX);
    EXPECT_EQ(kabi::pipe_buf, PIPE_BUF);
}

TEST(Abi, DeviceNumbersMatchGlibc) {
    for (unsigned major : {0u, 1u, 4u, 136u, 254u, 255u, 256u, 4095u, 4096u, 0xfffffu})
        for (unsigned minor : {0u, 1u, 3u, 255u, 256u, 1000u, 0xfffffu}) {
            dev_t device = makedev(major, minor);
            EXPECT_EQ(kabi::make_device(major, minor), device);
            EXPECT_EQ(kabi::device_major(device), major);
            EXPECT_EQ(kabi::device_minor(device), minor);
        }
}
