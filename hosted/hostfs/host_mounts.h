// `newt --mount-host HOSTDIR:GUESTDIR`: host directories that hostfs mounts at boot.
#pragma once

#include <string>
#include <vector>

namespace hosted {

struct HostMount {
    std::string host_directory;
    std::string guest_directory;  // absolute
};

// Parses "HOSTDIR:GUESTDIR" (split at the last ':': a host path may hold one, a guest
// mount point rarely does) and checks that HOSTDIR is a directory Newt can open. Returns ""
// or what is wrong.
std::string parse_host_mount(const std::string& text, HostMount& mount);

// Adds the boot step that registers hostfs (in every hosted machine, for mount -t hostfs)
// and mounts `mounts` in order, each on a directory made as by mkdir -p. A mount that
// fails is logged and powers the machine off with status 1. Called by start_machine; also
// raises the process's limit of open descriptors to its hard limit (hostfs holds one per
// inode in memory).
void add_hostfs_boot_step(const std::vector<HostMount>& mounts);

}  // namespace hosted
