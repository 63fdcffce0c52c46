// Permission rules for unprivileged callers and the superuser's overrides. The host runs
// these tests as root, so they are Newt-only, written from the man pages (path_resolution(7),
// open(2), chmod(2), chown(2), utimensat(2), rename(2), unlink(2), inode(7)) and the Linux
// sources they cite.
#include "vfs_support.h"

using namespace vfs_test;
using newt_test::run_in_kernel;

namespace {

constexpr u32 alice = 1000, bob = 1001, staff = 100, other_group = 200;

Credentials with_groups(u32 uid, u32 gid, std::initializer_list<u32> groups) {
    Credentials credentials = Credentials::user(uid, gid);
    for (u32 group : groups) credentials.groups[credentials.group_count++] = group;
    return credentials;
}

TEST(VfsPermissions, OpenNeedsReadOrWritePermissionByClass) {
    run_in_kernel([] {
        Scratch scratch("open-perms");
        make_file(scratch.context, "f", "data", 0640);
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "f", alice, staff, true));
        VfsContext owner = scratch.as_user(alice, 5);
        VfsContext member = scratch.as(with_groups(bob, 5, {staff}));
        VfsContext stranger = scratch.as_user(bob, other_group);
        EXPECT_OK(vfs_open(owner, nullptr, "f", abi::o_rdwr, 0));
        EXPECT_OK(vfs_open(member, nullptr, "f", abi::o_rdonly, 0));
        EXPECT_ERRNO(vfs_open(member, nullptr, "f", abi::o_wronly, 0), eacces);
        EXPECT_ERRNO(vfs_open(member, nullptr, "f", abi::o_rdwr, 0), eacces);
        EXPECT_ERRNO(vfs_open(member, nullptr, "f", abi::o_rdonly | abi::o_trunc, 0), eacces);  // O_TRUNC needs write
        EXPECT_ERRNO(vfs_open(stranger, nullptr, "f", abi::o_rdonly, 0), eacces);
        EXPECT_OK(vfs_open(stranger, nullptr, "f", abi::o_path, 0));  // O_PATH checks nothing on the file
        EXPECT_ERRNO(vfs_open(stranger, nullptr, "f", abi::o_creat | abi::o_rdonly, 0644), eacces);
        EXPECT_ERRNO(vfs_open(stranger, nullptr, "f", abi::o_creat | abi::o_excl | abi::o_rdonly, 0644), eexist);
        // Access mode 3 asks for both.
        EXPECT_ERRNO(vfs_open(member, nullptr, "f", abi::o_accmode, 0), eacces);
        EXPECT_OK(vfs_open(owner, nullptr, "f", abi::o_accmode, 0));
        // The owner class applies even when it grants less than the others.
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "f", 0077, true));
        EXPECT_ERRNO(vfs_open(owner, nullptr, "f", abi::o_rdonly, 0), eacces);
        EXPECT_OK(vfs_open(stranger, nullptr, "f", abi::o_rdwr, 0));
        // The superuser reads and writes anything.
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "f", 0, true));
        EXPECT_OK(vfs_open(scratch.context, nullptr, "f", abi::o_rdwr | abi::o_trunc, 0));
        // Directories: read for listing, never opened for writing.
        make_directory(scratch.context, "d", 0311);
        EXPECT_ERRNO(vfs_open(stranger, nullptr, "d", abi::o_rdonly | abi::o_directory, 0), eacces);
        EXPECT_ERRNO(vfs_open(scratch.context, nullptr, "d", abi::o_wronly, 0), eisdir);
    });
}

TEST(VfsPermissions, CreatingAndRemovingNeedWriteAndSearchOnTheParent) {
    run_in_kernel([] {
        Scratch scratch("create-perms");
        make_directory(scratch.context, "ro", 0555);
        make_directory(scratch.context, "wo", 0333);
        make_directory(scratch.context, "noexec", 0666);
        make_file(scratch.context, "ro/f");
        // Readable and writable, so that protected_hardlinks (a Linux sysctl Newt does not
        // have) would not refuse the link below for its own reason.
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "ro/f", 0666, true));
        make_directory(scratch.context, "ro/d");
        VfsContext user = scratch.as_user(alice, alice);
        for (const char* directory : {"ro", "noexec"}) {
            std::string base = directory;
            EXPECT_ERRNO(vfs_open(user, nullptr, view(base + "/new"), abi::o_creat | abi::o_wronly, 0644), eacces)
                << directory;
            EXPECT_ERRNO(vfs_mkdir(user, nullptr, view(base + "/new"), 0755), eacces) << directory;
            EXPECT_ERRNO(vfs_symlink(user, "x", nullptr, view(base + "/new")), eacces) << directory;
            EXPECT_ERRNO(vfs_mknod(user, nullptr, view(base + "/new"), abi::s_ififo | 0644, 0), eacces) << directory;
        }
        EXPECT_ERRNO(vfs_unlink(user, nullptr, "ro/f"), eacces);
        EXPECT_ERRNO(vfs_rmdir(user, nullptr, "ro/d"), eacces);
        EXPECT_ERRNO(vfs_unlink(user, nullptr, "ro/d"), eacces);  // permission before the type (may_delete)
        EXPECT_ERRNO(vfs_rmdir(user, nullptr, "ro/f"), eacces);
        EXPECT_ERRNO(vfs_unlink(user, nullptr, "ro/d/"), eisdir);  // "name/" is refused before any check
        EXPECT_ERRNO(vfs_rename(user, nullptr, "ro/f", nullptr, "ro/g", 0), eacces);
        EXPECT_ERRNO(vfs_link(user, nullptr, "ro/f", nullptr, "ro/g", false), eacces);
        EXPECT_ERRNO(vfs_link(user, nullptr, "ro/d", nullptr, "ro/g", false), eacces);  // before EPERM
        // Write without read works: names need not be listed to be created.
        EXPECT_OK(vfs_open(user, nullptr, "wo/new", abi::o_creat | abi::o_wronly, 0644));
        EXPECT_OK(vfs_mkdir(user, nullptr, "wo/dir", 0755));
        EXPECT_ERRNO(vfs_open(user, nullptr, "wo", abi::o_rdonly, 0), eacces);
        EXPECT_OK(vfs_unlink(user, nullptr, "wo/new"));
        EXPECT_OK(vfs_rmdir(user, nullptr, "wo/dir"));
        // Names that already exist: EEXIST wins over EACCES (lookup first).
        EXPECT_ERRNO(vfs_mkdir(user, nullptr, "ro/f", 0755), eexist);
        EXPECT_ERRNO(vfs_open(user, nullptr, "ro/f", abi::o_creat | abi::o_excl | abi::o_wronly, 0644), eexist);
        // The superuser ignores write bits on directories.
        EXPECT_OK(vfs_mkdir(scratch.context, nullptr, "ro/root-made", 0755));
        EXPECT_OK(vfs_unlink(scratch.context, nullptr, "ro/f"));
    });
}

TEST(VfsPermissions, NewFilesTakeTheFsuidAndFsgidAndTheUmask) {
    run_in_kernel([] {
        Scratch scratch("owners");
        make_directory(scratch.context, "shared", 0777);
        Credentials credentials = Credentials::user(alice, staff);
        credentials.fsuid = 4242;  // setfsuid: file-system ids decide
        credentials.fsgid = 4343;
        VfsContext user = scratch.as(credentials);
        user.umask = 027;
        EXPECT_OK(vfs_open(user, nullptr, "shared/f", abi::o_creat | abi::o_wronly, 0666));
        EXPECT_OK(vfs_mkdir(user, nullptr, "shared/d", 0777));
        EXPECT_OK(vfs_symlink(user, "target", nullptr, "shared/s"));
        EXPECT_OK(vfs_mknod(user, nullptr, "shared/p", abi::s_ififo | 0666, 0));
        FileStat file = stat_of(scratch.context, "shared/f");
        EXPECT_EQ(file.uid, 4242u);
        EXPECT_EQ(file.gid, 4343u);
        EXPECT_EQ(file.mode, abi::s_ifreg | 0640u);
        EXPECT_EQ(stat_of(scratch.context, "shared/d").mode, abi::s_ifdir | 0750u);
        EXPECT_EQ(stat_of(scratch.context, "shared/p").mode, abi::s_ififo | 0640u);
        FileStat link = stat_of(scratch.context, "shared/s", false);
        EXPECT_EQ(link.mode, abi::s_iflnk | 0777u);  // symlinks ignore the umask
        EXPECT_EQ(link.uid, 4242u);
        user.umask = 0;
        EXPECT_OK(vfs_open(user, nullptr, "shared/g", abi::o_creat | abi::o_wronly, 0666));
        EXPECT_EQ(stat_of(scratch.context, "shared/g").mode, abi::s_ifreg | 0666u);
    });
}

TEST(VfsPermissions, SetgidDirectoriesPassOnTheirGroup) {
    run_in_kernel([] {
        Scratch scratch("setgid");
        make_directory(scratch.context, "project", 0777);
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "project", 0, staff, true));
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "project", 02777, true));
        VfsContext member = scratch.as(with_groups(alice, alice, {staff}));
        VfsContext outsider = scratch.as_user(bob, bob);
        member.umask = outsider.umask = 0;
        EXPECT_OK(vfs_open(member, nullptr, "project/file", abi::o_creat | abi::o_wronly, 0664));
        EXPECT_OK(vfs_mkdir(member, nullptr, "project/sub", 0775));
        EXPECT_OK(vfs_symlink(member, "x", nullptr, "project/link"));
        FileStat file = stat_of(scratch.context, "project/file");
        EXPECT_EQ(file.gid, staff);
        EXPECT_EQ(file.mode, abi::s_ifreg | 0664u);
        FileStat sub = stat_of(scratch.context, "project/sub");
        EXPECT_EQ(sub.gid, staff);
        EXPECT_EQ(sub.mode, abi::s_ifdir | 02775u);  // directories inherit the bit itself
        EXPECT_EQ(stat_of(scratch.context, "project/link", false).gid, staff);
        // Deeper levels inherit again, whoever creates them.
        VfsContext root = scratch.context;
        root.umask = 0;
        EXPECT_OK(vfs_mkdir(root, nullptr, "project/sub/deeper", 0777));
        FileStat deeper = stat_of(scratch.context, "project/sub/deeper");
        EXPECT_EQ(deeper.gid, staff);
        EXPECT_EQ(deeper.mode, abi::s_ifdir | 02777u);
        // A non-member creating a group-executable set-group-ID file there loses the bit
        // (mode_strip_sgid, Linux 6.0); a member keeps it.
        EXPECT_OK(vfs_open(outsider, nullptr, "project/outsider-sgid", abi::o_creat | abi::o_wronly, 02775));
        EXPECT_EQ(stat_of(scratch.context, "project/outsider-sgid").mode, abi::s_ifreg | 0775u);
        EXPECT_OK(vfs_open(member, nullptr, "project/member-sgid", abi::o_creat | abi::o_wronly, 02775));
        EXPECT_EQ(stat_of(scratch.context, "project/member-sgid").mode, abi::s_ifreg | 02775u);
        // Outside a set-group-ID directory new files take the fsgid.
        make_directory(scratch.context, "plain", 0777);
        EXPECT_OK(vfs_open(member, nullptr, "plain/file", abi::o_creat | abi::o_wronly, 0644));
        EXPECT_EQ(stat_of(scratch.context, "plain/file").gid, alice);
    });
}

TEST(VfsPermissions, StickyDirectoriesLimitDeletionToOwners) {
    run_in_kernel([] {
        Scratch scratch("sticky");
        make_directory(scratch.context, "tmp", 01777);
        VfsContext a = scratch.as_user(alice, alice);
        VfsContext b = scratch.as_user(bob, bob);
        make_file(a, "tmp/alices", "a");
        make_file(b, "tmp/bobs", "b");
        ASSERT_OK(vfs_chmod(a, nullptr, "tmp/alices", 0666, true));
        EXPECT_OK(vfs_mkdir(a, nullptr, "tmp/alices-dir", 0777));
        EXPECT_ERRNO(vfs_unlink(b, nullptr, "tmp/alices"), eperm);
        EXPECT_ERRNO(vfs_rmdir(b, nullptr, "tmp/alices-dir"), eperm);
        EXPECT_ERRNO(vfs_rename(b, nullptr, "tmp/alices", nullptr, "tmp/stolen", 0), eperm);
        EXPECT_ERRNO(vfs_rename(b, nullptr, "tmp/bobs", nullptr, "tmp/alices", 0), eperm);  // replacing is deleting
        EXPECT_ERRNO(vfs_unlink(b, nullptr, "tmp/alices-dir"), eperm);  // sticky before the type (may_delete)
        EXPECT_ERRNO(vfs_rmdir(b, nullptr, "tmp/alices"), eperm);
        EXPECT_ERRNO(vfs_unlink(b, nullptr, "tmp/missing"), enoent);
        // Writing is still allowed by the file's own mode.
        EXPECT_OK(vfs_open(b, nullptr, "tmp/alices", abi::o_wronly, 0));
        EXPECT_OK(vfs_rename(b, nullptr, "tmp/bobs", nullptr, "tmp/bobs2", 0));
        EXPECT_OK(vfs_unlink(b, nullptr, "tmp/bobs2"));
        // The directory's owner may delete anything in it; so may the superuser.
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "tmp", bob, bob, true));
        EXPECT_OK(vfs_unlink(b, nullptr, "tmp/alices"));
        EXPECT_OK(vfs_rmdir(scratch.context, nullptr, "tmp/alices-dir"));
        // Without the sticky bit, write permission on the directory is enough.
        make_directory(scratch.context, "open", 0777);
        make_file(a, "open/alices", "a", 0600);
        EXPECT_OK(vfs_unlink(b, nullptr, "open/alices"));
    });
}

TEST(VfsPermissions, MovingADirectoryToAnotherParentNeedsWriteOnIt) {
    run_in_kernel([] {
        // rename(2): "..". changes, so the directory itself must be writable (EACCES).
        Scratch scratch("rename-dir-perms");
        make_directory(scratch.context, "from", 0777);
        make_directory(scratch.context, "to", 0777);
        make_directory(scratch.context, "from/locked", 0555);
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "from/locked", alice, alice, true));
        VfsContext user = scratch.as_user(alice, alice);
        EXPECT_ERRNO(vfs_rename(user, nullptr, "from/locked", nullptr, "to/locked", 0), eacces);
        EXPECT_OK(vfs_rename(user, nullptr, "from/locked", nullptr, "from/renamed", 0));  // same parent: fine
        EXPECT_OK(vfs_rename(scratch.context, nullptr, "from/renamed", nullptr, "to/locked", 0));
        // Permission comes before the type mismatch (may_delete on the replaced file).
        make_directory(scratch.context, "closed", 0755);
        make_file(scratch.context, "closed/file");
        make_directory(scratch.context, "from/dir", 0777);
        EXPECT_ERRNO(vfs_rename(user, nullptr, "from/dir", nullptr, "closed/file", 0), eacces);
        EXPECT_ERRNO(vfs_rename(scratch.context, nullptr, "from/dir", nullptr, "closed/file", 0), enotdir);
    });
}

TEST(VfsPermissions, ChmodIsForTheOwnerAndSetgidNeedsTheGroup) {
    run_in_kernel([] {
        Scratch scratch("chmod-perms");
        make_file(scratch.context, "f", "", 0644);
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "f", alice, staff, true));
        VfsContext owner = scratch.as_user(alice, alice);
        VfsContext owner_in_group = scratch.as(with_groups(alice, alice, {staff}));
        VfsContext stranger = scratch.as_user(bob, staff);
        EXPECT_ERRNO(vfs_chmod(stranger, nullptr, "f", 0777, true), eperm);
        EXPECT_OK(vfs_chmod(owner, nullptr, "f", 06755, true));
        EXPECT_EQ(stat_of(scratch.context, "f").mode, abi::s_ifreg | 04755u);  // not in the file's group
        EXPECT_OK(vfs_chmod(owner_in_group, nullptr, "f", 06755, true));
        EXPECT_EQ(stat_of(scratch.context, "f").mode, abi::s_ifreg | 06755u);
        EXPECT_OK(vfs_chmod(scratch.context, nullptr, "f", 02700, true));  // the superuser may
        EXPECT_EQ(stat_of(scratch.context, "f").mode, abi::s_ifreg | 02700u);
        EXPECT_ERRNO(vfs_chmod(stranger, nullptr, "missing", 0777, true), enoent);
    });
}

TEST(VfsPermissions, ChownRulesForUnprivilegedOwners) {
    run_in_kernel([] {
        Scratch scratch("chown-perms");
        make_file(scratch.context, "f", "", 06755);
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "f", 06755, true));
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "f", alice, alice, true));
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "f", 06755, true));  // the chown cleared them
        VfsContext owner = scratch.as(with_groups(alice, alice, {staff}));
        VfsContext stranger = scratch.as(with_groups(bob, bob, {staff}));
        constexpr u32 keep = 0xffffffffu;
        EXPECT_ERRNO(vfs_chown(owner, nullptr, "f", bob, keep, true), eperm);      // giving away: no
        EXPECT_ERRNO(vfs_chown(owner, nullptr, "f", keep, other_group, true), eperm);  // not a member
        EXPECT_ERRNO(vfs_chown(stranger, nullptr, "f", keep, staff, true), eperm);  // not the owner
        EXPECT_ERRNO(vfs_chown(stranger, nullptr, "f", alice, keep, true), eperm);  // even to the same owner
        // chown(-1, -1) asks for nothing, but on a set-user-ID file it would clear the bit,
        // a mode change only the owner may make (notify_change adds ATTR_MODE).
        EXPECT_ERRNO(vfs_chown(stranger, nullptr, "f", keep, keep, true), eperm);
        make_file(scratch.context, "plain", "", 0755);
        EXPECT_OK(vfs_chown(stranger, nullptr, "plain", keep, keep, true));
        EXPECT_OK(vfs_chown(owner, nullptr, "f", alice, keep, true));              // to itself: fine
        // That chown cleared set-user-ID and (group-executable) set-group-ID.
        EXPECT_EQ(stat_of(scratch.context, "f").mode, abi::s_ifreg | 0755u);
        EXPECT_OK(vfs_chown(owner, nullptr, "f", keep, staff, true));  // to a group it belongs to
        EXPECT_EQ(stat_of(scratch.context, "f").gid, staff);
        EXPECT_OK(vfs_chown(owner, nullptr, "f", alice, staff, true));
        EXPECT_OK(vfs_chown(scratch.context, nullptr, "f", bob, other_group, true));
        FileStat stat = stat_of(scratch.context, "f");
        EXPECT_EQ(stat.uid, bob);
        EXPECT_EQ(stat.gid, other_group);
        // Set-group-ID without group execute stays for members of the group (and root) and
        // goes when the file changes hands to someone outside it (setattr_should_drop_sgid).
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "f", 02745, true));
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "f", alice, staff, true));
        EXPECT_EQ(stat_of(scratch.context, "f").mode, abi::s_ifreg | 02745u);
        EXPECT_OK(vfs_chown(owner, nullptr, "f", keep, staff, true));
        EXPECT_EQ(stat_of(scratch.context, "f").mode, abi::s_ifreg | 02745u);
        VfsContext owner_outside = scratch.as_user(alice, alice);
        EXPECT_OK(vfs_chown(owner_outside, nullptr, "f", alice, keep, true));
        EXPECT_EQ(stat_of(scratch.context, "f").mode, abi::s_ifreg | 0745u);
    });
}

TEST(VfsPermissions, UtimensPermissions) {
    run_in_kernel([] {
        // utimensat(2): setting both times to now needs ownership or write permission (else
        // EACCES); any other change needs ownership (else EPERM), and so does a single
        // UTIME_NOW beside a UTIME_OMIT (ATTR_TIMES_SET in the kernel's setattr_prepare).
        Scratch scratch("utimens-perms");
        make_file(scratch.context, "writable", "", 0666);
        make_file(scratch.context, "readonly", "", 0644);
        VfsContext user = scratch.as_user(alice, alice);
        Timespec now[2] = {{0, utime_now}, {0, utime_now}};
        Timespec explicit_times[2] = {{100, 0}, {200, 0}};
        Timespec now_and_omit[2] = {{0, utime_now}, {0, utime_omit}};
        Timespec omit[2] = {{0, utime_omit}, {0, utime_omit}};
        EXPECT_OK(vfs_utimens(user, nullptr, "writable", nullptr, true));
        EXPECT_OK(vfs_utimens(user, nullptr, "writable", now, true));
        EXPECT_ERRNO(vfs_utimens(user, nullptr, "writable", explicit_times, true), eperm);
        EXPECT_ERRNO(vfs_utimens(user, nullptr, "writable", now_and_omit, true), eperm);
        EXPECT_ERRNO(vfs_utimens(user, nullptr, "readonly", nullptr, true), eacces);
        EXPECT_ERRNO(vfs_utimens(user, nullptr, "readonly", now, true), eacces);
        EXPECT_ERRNO(vfs_utimens(user, nullptr, "readonly", explicit_times, true), eperm);
        EXPECT_OK(vfs_utimens(user, nullptr, "readonly", omit, true));  // nothing to do, nothing checked
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "readonly", alice, alice, true));
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "readonly", 0, true));
        EXPECT_OK(vfs_utimens(user, nullptr, "readonly", explicit_times, true));
        FileStat stat = stat_of(scratch.context, "readonly");
        EXPECT_EQ(stat.access_time, (Timespec {100, 0}));
        EXPECT_EQ(stat.modify_time, (Timespec {200, 0}));
        EXPECT_OK(vfs_utimens(scratch.context, nullptr, "writable", explicit_times, true));
    });
}

TEST(VfsPermissions, TruncateNeedsWritePermission) {
    run_in_kernel([] {
        Scratch scratch("truncate-perms");
        make_file(scratch.context, "f", "data", 0644);
        VfsContext user = scratch.as_user(alice, alice);
        EXPECT_ERRNO(vfs_truncate(user, nullptr, "f", 0), eacces);
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "f", 0646, true));
        EXPECT_OK(vfs_truncate(user, nullptr, "f", 1));
        EXPECT_EQ(stat_of(scratch.context, "f").size, 1u);
        ASSERT_OK(vfs_chmod(scratch.context, nullptr, "f", 0, true));
        EXPECT_OK(vfs_truncate(scratch.context, nullptr, "f", 0));
    });
}

TEST(VfsPermissions, AccessUsesTheRealIdsAndRootNeedsAnExecuteBit) {
    run_in_kernel([] {
        Scratch scratch("access");
        make_file(scratch.context, "f", "", 0640);
        make_file(scratch.context, "script", "", 0700);
        make_file(scratch.context, "other-exec", "", 0601);
        make_directory(scratch.context, "d", 0);
        ASSERT_OK(vfs_chown(scratch.context, nullptr, "f", alice, alice, true));
        VfsContext user = scratch.as_user(alice, alice);
        EXPECT_OK(vfs_access(user, nullptr, "f", abi::r_ok | abi::w_ok, false, true));
        EXPECT_ERRNO(vfs_access(user, nullptr, "f", abi::x_ok, false, true), eacces);
        EXPECT_OK(vfs_access(user, nullptr, "f", abi::f_ok, false, true));
        EXPECT_ERRNO(vfs_access(user, nullptr, "missing", abi::f_ok, false, true), enoent);
        EXPECT_ERRNO(vfs_access(user, nullptr, "f", 8, false, true), einval);
        // A set-user-ID program: effective uid alice, real uid bob.
        Credentials setuid = Credentials::user(bob, bob);
        setuid.euid = setuid.fsuid = alice;
        VfsContext program = scratch.as(setuid);
        EXPECT_ERRNO(vfs_access(program, nullptr, "f", abi::r_ok, false, true), eacces);  // real ids
        EXPECT_OK(vfs_access(program, nullptr, "f", abi::r_ok, true, true));              // AT_EACCESS
        EXPECT_OK(vfs_open(program, nullptr, "f", abi::o_rdonly, 0));                     // open: effective
        // Root: read and write anything; execute only where some execute bit is set;
        // search any directory.
        EXPECT_OK(vfs_access(scratch.context, nullptr, "f", abi::r_ok | abi::w_ok, false, true));
        EXPECT_ERRNO(vfs_access(scratch.context, nullptr, "f", abi::x_ok, false, true), eacces);
        EXPECT_OK(vfs_access(scratch.context, nullptr, "script", abi::x_ok, false, true));
        EXPECT_OK(vfs_access(scratch.context, nullptr, "other-exec", abi::x_ok, false, true));
        EXPECT_OK(vfs_access(scratch.context, nullptr, "d", abi::r_ok | abi::w_ok | abi::x_ok, false, true));
    });
}

TEST(VfsPermissions, MountAndUmountNeedTheSuperuser) {
    run_in_kernel([] {
        Scratch scratch("mount-perms");
        make_directory(scratch.context, "m", 0777);
        VfsContext user = scratch.as_user(alice, alice);
        EXPECT_ERRNO(vfs_mount(user, "tmpfs", "x", nullptr, "m", ""), eperm);
        // The path is looked up first (user_path_at before may_mount).
        EXPECT_ERRNO(vfs_mount(user, "tmpfs", "x", nullptr, "missing", ""), enoent);
        ASSERT_OK(vfs_mount(scratch.context, "tmpfs", "x", nullptr, "m", ""));
        EXPECT_ERRNO(vfs_umount(user, nullptr, "m"), eperm);
        EXPECT_ERRNO(vfs_umount(user, nullptr, "missing"), enoent);
        EXPECT_OK(vfs_umount(scratch.context, nullptr, "m"));
    });
}

}  // namespace
