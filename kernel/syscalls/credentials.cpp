#include "credentials.h"

#include "../fs/credentials.h"
#include "../mm/user_memory.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

Process& current_process() { return current_user_thread()->process(); }

constexpr u32 unchanged = 0xffffffff;  // (uid_t)-1: "leave it" where allowed, never a valid id

// CAP_SETUID and CAP_SETGID (see the header).
bool privileged(const Credentials& credentials) { return credentials.euid == 0; }

// The user and the group ids follow the same rules; a handler picks its set of fields.
struct IdFields {
    u32 Credentials::*real;
    u32 Credentials::*effective;
    u32 Credentials::*saved;
    u32 Credentials::*file_system;
};
constexpr IdFields user_ids {&Credentials::uid, &Credentials::euid, &Credentials::suid, &Credentials::fsuid};
constexpr IdFields group_ids {&Credentials::gid, &Credentials::egid, &Credentials::sgid, &Credentials::fsgid};

// Runs `rule(old, next)` on the caller's credentials under the process's lock; `next`
// starts as a copy of `old` and replaces them only when the rule succeeds.
template <typename Rule>
Result<long> change_credentials(Rule rule) {
    Result<void> outcome;
    current_process().change_vfs_context([&](VfsContext& context) {
        Credentials next = context.credentials;
        outcome = rule(static_cast<const Credentials&>(context.credentials), next);
        if (outcome.has_value()) context.credentials = next;
    });
    TRY(outcome);
    return 0;
}

// setuid(2), setgid(2): the privileged set every id but the file-system one's follow;
// others may only switch the effective id to the real or the saved one.
Result<long> set_id(const IdFields& ids, u32 id) {
    if (id == unchanged) return Errno::einval;
    return change_credentials([&](const Credentials& old, Credentials& next) -> Result<void> {
        if (privileged(old)) next.*ids.real = next.*ids.saved = id;
        else if (id != old.*ids.real && id != old.*ids.saved) return Errno::eperm;
        next.*ids.effective = next.*ids.file_system = id;
        return ok();
    });
}

// setreuid(2), setregid(2). Unprivileged: the real id may become the real or effective
// one, the effective id the real, effective or saved one. The saved id takes the new
// effective id when the real id is set, or the effective id is set to anything but the
// old real id.
Result<long> set_real_and_effective(const IdFields& ids, u32 real, u32 effective) {
    return change_credentials([&](const Credentials& old, Credentials& next) -> Result<void> {
        if (real != unchanged) {
            if (real != old.*ids.real && real != old.*ids.effective && !privileged(old)) return Errno::eperm;
            next.*ids.real = real;
        }
        if (effective != unchanged) {
            if (effective != old.*ids.real && effective != old.*ids.effective && effective != old.*ids.saved &&
                !privileged(old))
                return Errno::eperm;
            next.*ids.effective = effective;
        }
        if (real != unchanged || (effective != unchanged && effective != old.*ids.real))
            next.*ids.saved = next.*ids.effective;
        next.*ids.file_system = next.*ids.effective;
        return ok();
    });
}

// setresuid(2), setresgid(2). Unprivileged: each id may become any of the current real,
// effective and saved ids. A call that changes nothing returns at once (Linux's no-op
// check): it leaves even a file-system id that differs from the effective one.
Result<long> set_real_effective_saved(const IdFields& ids, u32 real, u32 effective, u32 saved) {
    return change_credentials([&](const Credentials& old, Credentials& next) -> Result<void> {
        bool no_change = (real == unchanged || real == old.*ids.real) &&
                         (effective == unchanged ||
                          (effective == old.*ids.effective && effective == old.*ids.file_system)) &&
                         (saved == unchanged || saved == old.*ids.saved);
        if (no_change) return ok();
        auto is_new = [&](u32 id) {
            return id != unchanged && id != old.*ids.real && id != old.*ids.effective && id != old.*ids.saved;
        };
        if ((is_new(real) || is_new(effective) || is_new(saved)) && !privileged(old)) return Errno::eperm;
        if (real != unchanged) next.*ids.real = real;
        if (effective != unchanged) next.*ids.effective = effective;
        if (saved != unchanged) next.*ids.saved = saved;
        next.*ids.file_system = next.*ids.effective;
        return ok();
    });
}

// setfsuid(2), setfsgid(2): always the previous file-system id; a refused or invalid id
// changes nothing (so setfsuid(-1) reads it).
Result<long> set_file_system_id(const IdFields& ids, u32 id) {
    u32 previous = 0;
    (void)change_credentials([&](const Credentials& old, Credentials& next) -> Result<void> {
        previous = old.*ids.file_system;
        if (id == unchanged) return ok();
        if (id == old.*ids.real || id == old.*ids.effective || id == old.*ids.saved ||
            id == old.*ids.file_system || privileged(old))
            next.*ids.file_system = id;
        return ok();
    });
    return previous;
}

// getresuid(2), getresgid(2): the three ids in order; the first bad pointer is EFAULT
// (the ids before it are written).
Result<long> get_real_effective_saved(const IdFields& ids, UserPtr<u32> real, UserPtr<u32> effective,
                                      UserPtr<u32> saved) {
    Credentials credentials = current_process().credentials();
    AddressSpace& memory = current_process().memory();
    TRY(copy_to_user(memory, real.address(), &(credentials.*ids.real), sizeof(u32)));
    TRY(copy_to_user(memory, effective.address(), &(credentials.*ids.effective), sizeof(u32)));
    TRY(copy_to_user(memory, saved.address(), &(credentials.*ids.saved), sizeof(u32)));
    return 0;
}

}  // namespace

Result<long> sys_getuid() { return current_process().credentials().uid; }
Result<long> sys_geteuid() { return current_process().credentials().euid; }
Result<long> sys_getgid() { return current_process().credentials().gid; }
Result<long> sys_getegid() { return current_process().credentials().egid; }

Result<long> sys_setuid(u32 uid) { return set_id(user_ids, uid); }
Result<long> sys_setgid(u32 gid) { return set_id(group_ids, gid); }
Result<long> sys_setreuid(u32 real, u32 effective) { return set_real_and_effective(user_ids, real, effective); }
Result<long> sys_setregid(u32 real, u32 effective) { return set_real_and_effective(group_ids, real, effective); }

Result<long> sys_setresuid(u32 real, u32 effective, u32 saved) {
    return set_real_effective_saved(user_ids, real, effective, saved);
}

Result<long> sys_setresgid(u32 real, u32 effective, u32 saved) {
    return set_real_effective_saved(group_ids, real, effective, saved);
}

Result<long> sys_getresuid(UserPtr<u32> real, UserPtr<u32> effective, UserPtr<u32> saved) {
    return get_real_effective_saved(user_ids, real, effective, saved);
}

Result<long> sys_getresgid(UserPtr<u32> real, UserPtr<u32> effective, UserPtr<u32> saved) {
    return get_real_effective_saved(group_ids, real, effective, saved);
}

Result<long> sys_setfsuid(u32 uid) { return set_file_system_id(user_ids, uid); }
Result<long> sys_setfsgid(u32 gid) { return set_file_system_id(group_ids, gid); }

// getgroups(0, ...) counts; a smaller list than the groups is EINVAL.
Result<long> sys_getgroups(int size, UserPtr<u32> list) {
    if (size < 0) return Errno::einval;
    Credentials credentials = current_process().credentials();
    usize count = credentials.group_count;
    if (size == 0) return static_cast<long>(count);
    if (count > static_cast<usize>(size)) return Errno::einval;
    if (count > 0) TRY(copy_to_user(current_process().memory(), list.address(), credentials.groups, count * sizeof(u32)));
    return static_cast<long>(count);
}

// Linux checks the privilege, then the size, then each group; it keeps the list sorted
// (duplicates stay).
Result<long> sys_setgroups(int size, UserPtr<u32> list) {
    if (!privileged(current_process().credentials())) return Errno::eperm;
    if (static_cast<u32>(size) > Credentials::max_groups) return Errno::einval;
    usize count = static_cast<usize>(size);
    u32 groups[Credentials::max_groups];
    for (usize i = 0; i < count; ++i) {  // one by one: a bad group before a bad address is EINVAL
        TRY(copy_from_user(current_process().memory(), &groups[i], list.offset(i).address(), sizeof(u32)));
        if (groups[i] == unchanged) return Errno::einval;
    }
    for (usize i = 1; i < count; ++i) {
        for (usize j = i; j > 0 && groups[j - 1] > groups[j]; --j) {  // insertion sort: at most 32
            u32 swap = groups[j];
            groups[j] = groups[j - 1];
            groups[j - 1] = swap;
        }
    }
    return change_credentials([&](const Credentials&, Credentials& next) -> Result<void> {
        for (usize i = 0; i < count; ++i) next.groups[i] = groups[i];
        next.group_count = count;
        return ok();
    });
}

}  // namespace kernel
