#include "permission.h"

namespace kernel {

Result<void> check_permission(const Inode& inode, const Credentials& credentials, int mask) {
    u32 mode = inode.mode();
    if (credentials.is_superuser()) {
        // CAP_DAC_OVERRIDE: everything but executing a file nobody may execute.
        if ((mask & may_execute) && !inode.is_directory() && !(mode & 0111)) return Errno::eacces;
        return ok();
    }
    u32 bits;
    if (credentials.fsuid == inode.uid()) bits = (mode >> 6) & 7;
    else if (credentials.in_group(inode.gid())) bits = (mode >> 3) & 7;
    else bits = mode & 7;
    if (static_cast<u32>(mask) & ~bits & 7) return Errno::eacces;
    return ok();
}

bool is_owner_or_superuser(const Inode& inode, const Credentials& credentials) {
    return credentials.is_superuser() || credentials.fsuid == inode.uid();
}

Result<void> check_may_delete(const Inode& directory, const Inode& victim, const Credentials& credentials) {
    TRY(check_permission(directory, credentials, may_write | may_execute));
    if ((directory.mode() & abi::s_isvtx) && !credentials.is_superuser() && credentials.fsuid != victim.uid() &&
        credentials.fsuid != directory.uid())
        return Errno::eperm;
    return ok();
}

}  // namespace kernel
