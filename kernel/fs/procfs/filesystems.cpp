// /proc/filesystems: one line per registered file system type, "nodev\t<name>\n" for types
// that need no block device and "\t<name>\n" for those that do, in registration order.
#include "../file_system_type.h"
#include "proc_files.h"

namespace kernel {

void generate_filesystems(TextBuffer& text) {
    for_each_file_system_type([&](const char* name, bool needs_device) {
        text.appendf("%s\t%s\n", needs_device ? "" : "nodev", name);
    });
}

}  // namespace kernel
