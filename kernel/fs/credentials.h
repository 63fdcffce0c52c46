// Credentials: who performs a file operation. Permission checks use the file-system ids
// (fsuid/fsgid, which follow the effective ids) and the supplementary groups, as Linux does.
// fsuid 0 is the superuser: it passes read/write checks on anything and execute/search
// checks when any execute bit is set (CAP_DAC_OVERRIDE), and may chown/chmod anything
// (CAP_CHOWN, CAP_FOWNER); docs/vfs.md describes these rules.
#pragma once

#include "../lib/types.h"

namespace kernel {

struct Credentials {
    static constexpr usize max_groups = 32;

    u32 uid = 0, gid = 0;        // real
    u32 euid = 0, egid = 0;      // effective
    u32 suid = 0, sgid = 0;      // saved
    u32 fsuid = 0, fsgid = 0;    // file system
    u32 groups[max_groups] = {};
    usize group_count = 0;

    static Credentials root() { return {}; }
    static Credentials user(u32 uid, u32 gid) {
        Credentials credentials;
        credentials.uid = credentials.euid = credentials.suid = credentials.fsuid = uid;
        credentials.gid = credentials.egid = credentials.sgid = credentials.fsgid = gid;
        return credentials;
    }

    bool is_superuser() const { return fsuid == 0; }
    bool in_group(u32 group) const {
        if (group == fsgid) return true;
        for (usize i = 0; i < group_count; ++i)
            if (groups[i] == group) return true;
        return false;
    }
};

}  // namespace kernel
