// The monitor's file commands (ls, cat, mounts): a look at the VFS tree before a shell exists.
#pragma once

namespace kernel {

void monitor_ls(const char* arguments);
void monitor_cat(const char* arguments);
void monitor_mounts(const char* arguments);

}  // namespace kernel
