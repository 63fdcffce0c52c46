// The credential syscalls (kernel/syscalls/credentials.cpp) through the dispatcher, rule by
// rule and errno by errno, for root and for ordinary users, against the rules of Linux's
// kernel/sys.c. Newt only: changing ids on the host would change this test process's own.
// userland/tests/credentials.c runs a sequence of them on both Newt and the host.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <utility>
#include <vector>

#include "kernel/syscalls/dispatcher.h"
#include "syscall_harness.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;

constexpr u64 unchanged = 0xffffffff;  // (uid_t)-1
// Where in the scratch memory the helpers put their buffers.
constexpr usize ids_offset = 0, groups_offset = 4096, path_offset = 8192;

struct Ids {
    u32 real, effective, saved, file_system;
    bool operator==(const Ids&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Ids& ids) {
    return out << "{" << ids.real << ", " << ids.effective << ", " << ids.saved << ", fs " << ids.file_system << "}";
}

// The ids as the process sees them: getresuid/getresgid and setfsuid/setfsgid(-1), which
// only reads.
Ids user_ids(SyscallHarness& harness) {
    uptr at = harness.scratch() + ids_offset;
    EXPECT_EQ(harness.outcome(SYS_getresuid, {at, at + 4, at + 8}), "OK");
    return {harness.get_value<u32>(at), harness.get_value<u32>(at + 4), harness.get_value<u32>(at + 8),
            static_cast<u32>(harness.call(SYS_setfsuid, {unchanged}))};
}

Ids group_ids(SyscallHarness& harness) {
    uptr at = harness.scratch() + ids_offset;
    EXPECT_EQ(harness.outcome(SYS_getresgid, {at, at + 4, at + 8}), "OK");
    return {harness.get_value<u32>(at), harness.get_value<u32>(at + 4), harness.get_value<u32>(at + 8),
            static_cast<u32>(harness.call(SYS_setfsgid, {unchanged}))};
}

Credentials with_ids(u32 real, u32 effective, u32 saved, u32 gid = 100) {
    Credentials credentials = Credentials::user(real, gid);
    credentials.euid = credentials.fsuid = effective;
    credentials.suid = saved;
    return credentials;
}

std::string set_groups(SyscallHarness& harness, const std::vector<u32>& groups, u64 size) {
    uptr list = groups.empty() ? 0 : harness.put(groups_offset, groups.data(), groups.size() * sizeof(u32));
    return harness.outcome(SYS_setgroups, {size, list});
}

std::vector<u32> get_groups(SyscallHarness& harness) {
    long count = harness.call(SYS_getgroups, {0, 0});
    EXPECT_GE(count, 0);
    uptr list = harness.scratch() + groups_offset;
    EXPECT_EQ(harness.call(SYS_getgroups, {u64(count), list}), count);
    std::vector<u32> groups(count);
    for (long i = 0; i < count; ++i) groups[i] = harness.get_value<u32>(list + 4 * i);
    return groups;
}

TEST(CredentialSyscalls, NumbersEqualTheHosts) {
    const std::pair<long, const char*> expected[] = {
        {SYS_getuid, "getuid"},       {SYS_getgid, "getgid"},       {SYS_setuid, "setuid"},
        {SYS_setgid, "setgid"},       {SYS_geteuid, "geteuid"},     {SYS_getegid, "getegid"},
        {SYS_setreuid, "setreuid"},   {SYS_setregid, "setregid"},   {SYS_getgroups, "getgroups"},
        {SYS_setgroups, "setgroups"}, {SYS_setresuid, "setresuid"}, {SYS_getresuid, "getresuid"},
        {SYS_setresgid, "setresgid"}, {SYS_getresgid, "getresgid"}, {SYS_setfsuid, "setfsuid"},
        {SYS_setfsgid, "setfsgid"},
    };
    for (const auto& [number, name] : expected) {
        const char* found = syscall_name(static_cast<u64>(number));
        ASSERT_NE(found, nullptr) << name;
        EXPECT_STREQ(found, name) << number;
    }
}

TEST(CredentialSyscalls, GettersReadTheProcessIds) {
    run_in_kernel([] {
        Credentials credentials = with_ids(1000, 1001, 1002);
        credentials.gid = 2000;
        credentials.egid = credentials.fsgid = 2001;
        credentials.sgid = 2002;
        SyscallHarness harness(credentials);
        EXPECT_EQ(harness.call(SYS_getuid), 1000);
        EXPECT_EQ(harness.call(SYS_geteuid), 1001);
        EXPECT_EQ(harness.call(SYS_getgid), 2000);
        EXPECT_EQ(harness.call(SYS_getegid), 2001);
        EXPECT_EQ(user_ids(harness), (Ids {1000, 1001, 1002, 1001}));
        EXPECT_EQ(group_ids(harness), (Ids {2000, 2001, 2002, 2001}));
        // Ids above 2^31 come back as the unsigned values they are.
        SyscallHarness nobody(Credentials::user(4294967294u, 4294967294u));
        EXPECT_EQ(nobody.call(SYS_getuid), 4294967294l);
        EXPECT_EQ(nobody.call(SYS_setfsuid, {unchanged}), 4294967294l);
    });
}

TEST(CredentialSyscalls, GetresuidFaultsOnTheFirstBadPointer) {
    run_in_kernel([] {
        SyscallHarness harness(with_ids(1, 2, 3));
        uptr at = harness.scratch();
        u32 marker[3] = {7, 7, 7};
        harness.put(0, marker, sizeof marker);
        EXPECT_EQ(harness.outcome(SYS_getresuid, {wild_pointer, at + 4, at + 8}), "EFAULT");
        EXPECT_EQ(harness.get_value<u32>(at + 4), 7u);  // nothing after the fault
        EXPECT_EQ(harness.outcome(SYS_getresuid, {at, wild_pointer, at + 8}), "EFAULT");
        EXPECT_EQ(harness.get_value<u32>(at), 1u);  // the one before it is written
        EXPECT_EQ(harness.get_value<u32>(at + 8), 7u);
        EXPECT_EQ(harness.outcome(SYS_getresuid, {at, at + 4, kernel_pointer}), "EFAULT");
        EXPECT_EQ(harness.outcome(SYS_getresgid, {0, at + 4, at + 8}), "EFAULT");
    });
}

TEST(CredentialSyscalls, SetuidAsRootSetsEveryId) {
    run_in_kernel([] {
        SyscallHarness harness;
        EXPECT_EQ(harness.outcome(SYS_setuid, {unchanged}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_setuid, {u64(-1)}), "EINVAL");  // the low 32 bits count
        EXPECT_EQ(harness.outcome(SYS_setuid, {1000}), "OK");
        EXPECT_EQ(user_ids(harness), (Ids {1000, 1000, 1000, 1000}));
        // Root no more: there is no way back.
        EXPECT_EQ(harness.outcome(SYS_setuid, {0}), "EPERM");
        EXPECT_EQ(harness.outcome(SYS_setuid, {1000}), "OK");
        EXPECT_EQ(user_ids(harness), (Ids {1000, 1000, 1000, 1000}));
    });
}

TEST(CredentialSyscalls, SetuidUnprivilegedPicksRealOrSaved) {
    run_in_kernel([] {
        SyscallHarness harness(with_ids(1000, 1000, 2000));
        EXPECT_EQ(harness.outcome(SYS_setuid, {3000}), "EPERM");
        EXPECT_EQ(harness.outcome(SYS_setuid, {unchanged}), "EINVAL");  // EINVAL before EPERM
        EXPECT_EQ(harness.outcome(SYS_setuid, {2000}), "OK");
        EXPECT_EQ(user_ids(harness), (Ids {1000, 2000, 2000, 2000}));
        EXPECT_EQ(harness.outcome(SYS_setuid, {1000}), "OK");
        EXPECT_EQ(user_ids(harness), (Ids {1000, 1000, 2000, 1000}));
        // A set-user-ID-root program: euid 0 is the privilege, all ids follow.
        SyscallHarness program(with_ids(1000, 0, 0));
        EXPECT_EQ(program.outcome(SYS_setuid, {1000}), "OK");
        EXPECT_EQ(user_ids(program), (Ids {1000, 1000, 1000, 1000}));
        // The real uid 0 alone is no privilege.
        SyscallHarness real_root(with_ids(0, 1000, 1000));
        EXPECT_EQ(real_root.outcome(SYS_setuid, {5}), "EPERM");
        EXPECT_EQ(real_root.outcome(SYS_setuid, {0}), "OK");  // back to the real one
        EXPECT_EQ(user_ids(real_root), (Ids {0, 0, 1000, 0}));
    });
}

TEST(CredentialSyscalls, SetgidNeedsTheEffectiveUidZero) {
    run_in_kernel([] {
        Credentials group_root = Credentials::user(1000, 0);  // gid 0 is no privilege
        SyscallHarness user(group_root);
        EXPECT_EQ(user.outcome(SYS_setgid, {5}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_setgid, {unchanged}), "EINVAL");
        EXPECT_EQ(user.outcome(SYS_setgid, {0}), "OK");
        Credentials root_other_group = Credentials::root();
        root_other_group.gid = root_other_group.egid = root_other_group.fsgid = 300;
        SyscallHarness root(root_other_group);
        EXPECT_EQ(root.outcome(SYS_setgid, {5}), "OK");
        EXPECT_EQ(group_ids(root), (Ids {5, 5, 5, 5}));
        EXPECT_EQ(user_ids(root), (Ids {0, 0, 0, 0}));
        // Unprivileged: the real or the saved gid, only the effective and fs ids change.
        Credentials saved = Credentials::user(1000, 100);
        saved.sgid = 200;
        SyscallHarness other(saved);
        EXPECT_EQ(other.outcome(SYS_setgid, {300}), "EPERM");
        EXPECT_EQ(other.outcome(SYS_setgid, {200}), "OK");
        EXPECT_EQ(group_ids(other), (Ids {100, 200, 200, 200}));
    });
}

TEST(CredentialSyscalls, SetreuidKeepsTheSavedIdRule) {
    run_in_kernel([] {
        SyscallHarness root;
        // The effective id set to something other than the old real id: saved follows it.
        EXPECT_EQ(root.outcome(SYS_setreuid, {unchanged, 1000}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {0, 1000, 1000, 1000}));
        // Back to the real id: allowed unprivileged, and the saved id stays.
        EXPECT_EQ(root.outcome(SYS_setreuid, {unchanged, 0}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {0, 0, 1000, 0}));
        // Setting the real id always copies the effective id to the saved one.
        EXPECT_EQ(root.outcome(SYS_setreuid, {500, unchanged}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {500, 0, 0, 0}));
        EXPECT_EQ(root.outcome(SYS_setreuid, {unchanged, unchanged}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {500, 0, 0, 0}));
        EXPECT_EQ(root.outcome(SYS_setreuid, {7, 8}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {7, 8, 8, 8}));
        EXPECT_EQ(root.outcome(SYS_setreuid, {0, unchanged}), "EPERM");
    });
}

TEST(CredentialSyscalls, SetreuidUnprivileged) {
    run_in_kernel([] {
        SyscallHarness user(with_ids(1000, 1001, 2000));
        // Real: the real or the effective id; effective: real, effective or saved.
        EXPECT_EQ(user.outcome(SYS_setreuid, {2000, unchanged}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_setreuid, {unchanged, 3000}), "EPERM");
        // A refused half changes nothing, even when the other half was allowed.
        EXPECT_EQ(user.outcome(SYS_setreuid, {1001, 3000}), "EPERM");
        EXPECT_EQ(user_ids(user), (Ids {1000, 1001, 2000, 1001}));
        // The classic swap.
        EXPECT_EQ(user.outcome(SYS_setreuid, {1001, 1000}), "OK");
        EXPECT_EQ(user_ids(user), (Ids {1001, 1000, 1000, 1000}));
        // The saved id 2000 is gone: nothing can reach it now.
        EXPECT_EQ(user.outcome(SYS_setreuid, {unchanged, 2000}), "EPERM");
        // Effective = the old real id leaves the saved id.
        SyscallHarness other(with_ids(1000, 1001, 2000));
        EXPECT_EQ(other.outcome(SYS_setreuid, {unchanged, 2000}), "OK");
        EXPECT_EQ(user_ids(other), (Ids {1000, 2000, 2000, 2000}));
        EXPECT_EQ(other.outcome(SYS_setreuid, {unchanged, 1000}), "OK");
        EXPECT_EQ(user_ids(other), (Ids {1000, 1000, 2000, 1000}));
        EXPECT_EQ(other.outcome(SYS_setregid, {unchanged, 5}), "EPERM");
    });
}

TEST(CredentialSyscalls, SetregidFollowsTheSameRules) {
    run_in_kernel([] {
        Credentials credentials = Credentials::user(1000, 100);
        credentials.egid = credentials.fsgid = 101;
        credentials.sgid = 200;
        SyscallHarness user(credentials);
        EXPECT_EQ(user.outcome(SYS_setregid, {200, unchanged}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_setregid, {unchanged, 300}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_setregid, {unchanged, 200}), "OK");
        EXPECT_EQ(group_ids(user), (Ids {100, 200, 200, 200}));
        EXPECT_EQ(user.outcome(SYS_setregid, {200, 100}), "OK");
        EXPECT_EQ(group_ids(user), (Ids {200, 100, 100, 100}));
        SyscallHarness root;
        EXPECT_EQ(root.outcome(SYS_setregid, {4, 5}), "OK");
        EXPECT_EQ(group_ids(root), (Ids {4, 5, 5, 5}));
        EXPECT_EQ(user_ids(root), (Ids {0, 0, 0, 0}));
    });
}

TEST(CredentialSyscalls, SetresuidUnprivilegedPermutesItsIds) {
    run_in_kernel([] {
        SyscallHarness user(with_ids(1000, 1001, 1002));
        EXPECT_EQ(user.outcome(SYS_setresuid, {1002, 1000, 1001}), "OK");
        EXPECT_EQ(user_ids(user), (Ids {1002, 1000, 1001, 1000}));
        EXPECT_EQ(user.outcome(SYS_setresuid, {unchanged, 1001, unchanged}), "OK");
        EXPECT_EQ(user_ids(user), (Ids {1002, 1001, 1001, 1001}));
        // One new id anywhere is EPERM, and nothing changes.
        EXPECT_EQ(user.outcome(SYS_setresuid, {1000, 1000, 5}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_setresuid, {5, unchanged, unchanged}), "EPERM");
        EXPECT_EQ(user_ids(user), (Ids {1002, 1001, 1001, 1001}));
        EXPECT_EQ(user.outcome(SYS_setresuid, {unchanged, unchanged, unchanged}), "OK");
        EXPECT_EQ(user.outcome(SYS_setresgid, {unchanged, 5, unchanged}), "EPERM");
    });
}

TEST(CredentialSyscalls, SetresuidAsRootAndBack) {
    run_in_kernel([] {
        SyscallHarness root;
        EXPECT_EQ(root.outcome(SYS_setresuid, {1, 2, 3}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {1, 2, 3, 2}));
        EXPECT_EQ(root.outcome(SYS_setresuid, {4, 2, 3}), "EPERM");  // euid 2: no privilege left
        SyscallHarness keeps_root;
        // The saved id 0 keeps the way back (what a daemon dropping privilege temporarily does).
        EXPECT_EQ(keeps_root.outcome(SYS_setresuid, {1000, 1000, 0}), "OK");
        EXPECT_EQ(keeps_root.outcome(SYS_setuid, {5}), "EPERM");
        EXPECT_EQ(keeps_root.outcome(SYS_setresuid, {unchanged, 0, unchanged}), "OK");
        EXPECT_EQ(user_ids(keeps_root), (Ids {1000, 0, 0, 0}));
        EXPECT_EQ(keeps_root.outcome(SYS_setresuid, {5, 6, 7}), "OK");  // privileged again
        EXPECT_EQ(user_ids(keeps_root), (Ids {5, 6, 7, 6}));
        // Groups as root, while the effective uid is 0.
        SyscallHarness groups;
        EXPECT_EQ(groups.outcome(SYS_setresgid, {10, 11, 12}), "OK");
        EXPECT_EQ(group_ids(groups), (Ids {10, 11, 12, 11}));
        EXPECT_EQ(groups.outcome(SYS_setresgid, {13, unchanged, unchanged}), "OK");
        EXPECT_EQ(group_ids(groups), (Ids {13, 11, 12, 11}));
    });
}

TEST(CredentialSyscalls, SetresuidNoOpLeavesTheFileSystemId) {
    run_in_kernel([] {
        SyscallHarness root;
        EXPECT_EQ(root.call(SYS_setfsuid, {1000}), 0);
        // Nothing changes: Linux returns before it would reset fsuid.
        EXPECT_EQ(root.outcome(SYS_setresuid, {unchanged, unchanged, unchanged}), "OK");
        EXPECT_EQ(root.outcome(SYS_setresuid, {0, unchanged, 0}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {0, 0, 0, 1000}));
        // The same effective id again is a change while fsuid differs: fsuid follows euid.
        EXPECT_EQ(root.outcome(SYS_setresuid, {unchanged, 0, unchanged}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {0, 0, 0, 0}));
        // setreuid and setuid reset it every time.
        EXPECT_EQ(root.call(SYS_setfsuid, {1000}), 0);
        EXPECT_EQ(root.outcome(SYS_setreuid, {unchanged, unchanged}), "OK");
        EXPECT_EQ(user_ids(root), (Ids {0, 0, 0, 0}));
        EXPECT_EQ(root.call(SYS_setfsgid, {1000}), 0);
        EXPECT_EQ(root.outcome(SYS_setresgid, {unchanged, unchanged, unchanged}), "OK");
        EXPECT_EQ(group_ids(root), (Ids {0, 0, 0, 1000}));
        EXPECT_EQ(root.outcome(SYS_setgid, {0}), "OK");
        EXPECT_EQ(group_ids(root), (Ids {0, 0, 0, 0}));
    });
}

TEST(CredentialSyscalls, SetfsuidReturnsThePreviousIdAndNeverFails) {
    run_in_kernel([] {
        SyscallHarness user(with_ids(1000, 1001, 1002));
        EXPECT_EQ(user.call(SYS_setfsuid, {5}), 1001);  // refused: returns the current one
        EXPECT_EQ(user.call(SYS_setfsuid, {unchanged}), 1001);
        EXPECT_EQ(user.call(SYS_setfsuid, {1002}), 1001);  // the saved id is allowed
        EXPECT_EQ(user.call(SYS_setfsuid, {1000}), 1002);
        EXPECT_EQ(user.call(SYS_setfsuid, {1000}), 1000);  // its own value
        EXPECT_EQ(user.call(SYS_setfsuid, {u64(-1)}), 1000);
        EXPECT_EQ(user_ids(user), (Ids {1000, 1001, 1002, 1000}));
        EXPECT_EQ(user.call(SYS_setfsgid, {5}), 100);
        EXPECT_EQ(user.call(SYS_setfsgid, {unchanged}), 100);
        SyscallHarness root;
        EXPECT_EQ(root.call(SYS_setfsuid, {4294967294u}), 0);
        EXPECT_EQ(root.call(SYS_setfsuid, {unchanged}), 4294967294l);
        EXPECT_EQ(root.call(SYS_setfsgid, {77}), 0);
        EXPECT_EQ(root.call(SYS_setfsgid, {unchanged}), 77);
        EXPECT_EQ(user_ids(root), (Ids {0, 0, 0, 4294967294u}));
    });
}

TEST(CredentialSyscalls, PermissionChecksUseTheFileSystemIds) {
    run_in_kernel([] {
        SyscallHarness root;
        uptr path = root.put_string(path_offset, "/tmp/credentials-secret");
        long fd = root.call(SYS_open, {path, O_CREAT | O_WRONLY | O_TRUNC, 0600});
        ASSERT_GE(fd, 0);
        EXPECT_EQ(root.outcome(SYS_close, {u64(fd)}), "OK");
        EXPECT_EQ(root.call(SYS_setfsuid, {1000}), 0);
        EXPECT_EQ(root.outcome(SYS_open, {path, O_RDONLY}), "EACCES");
        EXPECT_EQ(root.call(SYS_geteuid), 0);  // only the file-system id moved
        EXPECT_EQ(root.call(SYS_setfsuid, {0}), 1000);
        fd = root.call(SYS_open, {path, O_RDONLY});
        EXPECT_GE(fd, 0);
        EXPECT_EQ(root.outcome(SYS_close, {u64(fd)}), "OK");
        // A group file through a supplementary group.
        EXPECT_EQ(root.outcome(SYS_chown, {path, 0, 50}), "OK");
        EXPECT_EQ(root.outcome(SYS_chmod, {path, 0040}), "OK");
        EXPECT_EQ(set_groups(root, {50}, 1), "OK");
        EXPECT_EQ(root.outcome(SYS_setresuid, {1000, 1000, 1000}), "OK");
        fd = root.call(SYS_open, {path, O_RDONLY});
        EXPECT_GE(fd, 0);
        EXPECT_EQ(root.outcome(SYS_close, {u64(fd)}), "OK");
    });
    run_in_kernel([] {
        SyscallHarness root;
        EXPECT_EQ(root.outcome(SYS_unlink, {root.put_string(0, "/tmp/credentials-secret")}), "OK");
    });
}

TEST(CredentialSyscalls, GetgroupsCountsAndChecksItsSize) {
    run_in_kernel([] {
        SyscallHarness harness;
        uptr list = harness.scratch() + groups_offset;
        EXPECT_EQ(harness.call(SYS_getgroups, {0, 0}), 0);
        EXPECT_EQ(harness.call(SYS_getgroups, {5, wild_pointer}), 0);  // nothing to write
        EXPECT_EQ(harness.outcome(SYS_getgroups, {u64(-1), list}), "EINVAL");
        EXPECT_EQ(set_groups(harness, {30, 10, 20, 10}, 4), "OK");
        EXPECT_EQ(harness.call(SYS_getgroups, {0, wild_pointer}), 4);  // a count only
        EXPECT_EQ(harness.outcome(SYS_getgroups, {3, list}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_getgroups, {4, wild_pointer}), "EFAULT");
        EXPECT_EQ(harness.outcome(SYS_getgroups, {0x80000000, list}), "EINVAL");  // negative as int
        // Sorted, duplicates kept, as Linux's groups_sort does.
        EXPECT_EQ(get_groups(harness), (std::vector<u32> {10, 10, 20, 30}));
        EXPECT_EQ(harness.call(SYS_getgroups, {100, list}), 4);
    });
}

TEST(CredentialSyscalls, SetgroupsChecksPrivilegeSizeAndGroups) {
    run_in_kernel([] {
        SyscallHarness harness;
        std::vector<u32> many(Credentials::max_groups + 1);
        for (usize i = 0; i < many.size(); ++i) many[i] = static_cast<u32>(many.size() - i);
        EXPECT_EQ(set_groups(harness, many, many.size()), "EINVAL");  // Newt's limit: 32
        EXPECT_EQ(set_groups(harness, many, u64(-1)), "EINVAL");
        EXPECT_EQ(set_groups(harness, many, 65537), "EINVAL");
        EXPECT_EQ(set_groups(harness, many, Credentials::max_groups), "OK");
        std::vector<u32> expected;
        for (u32 group = 2; group <= Credentials::max_groups + 1; ++group) expected.push_back(group);
        EXPECT_EQ(get_groups(harness), expected);
        // A bad group, or a bad pointer, changes nothing; a bad group before the bad
        // address wins (Linux reads and checks one group at a time).
        EXPECT_EQ(set_groups(harness, {5, u32(unchanged)}, 2), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_setgroups, {1, wild_pointer}), "EFAULT");
        uptr last = harness.scratch() + harness.scratch_size() - 4;
        u32 invalid = u32(unchanged);
        harness.put(harness.scratch_size() - 4, &invalid, 4);
        EXPECT_EQ(harness.outcome(SYS_setgroups, {2, last}), "EINVAL");
        u32 valid = 9;
        harness.put(harness.scratch_size() - 4, &valid, 4);
        EXPECT_EQ(harness.outcome(SYS_setgroups, {2, last}), "EFAULT");
        EXPECT_EQ(get_groups(harness), expected);
        EXPECT_EQ(harness.outcome(SYS_setgroups, {0, 0}), "OK");
        EXPECT_EQ(harness.call(SYS_getgroups, {0, 0}), 0);
        // Unprivileged: EPERM before any other check.
        SyscallHarness user(Credentials::user(1000, 1000));
        EXPECT_EQ(user.outcome(SYS_setgroups, {0, 0}), "EPERM");
        EXPECT_EQ(user.outcome(SYS_setgroups, {100000, wild_pointer}), "EPERM");
        EXPECT_EQ(user.call(SYS_getgroups, {0, 0}), 0);
        // The privilege is the effective uid, not the real one.
        SyscallHarness program(with_ids(1000, 0, 0));
        EXPECT_EQ(set_groups(program, {7}, 1), "OK");
        EXPECT_EQ(get_groups(program), (std::vector<u32> {7}));
    });
}

}  // namespace
