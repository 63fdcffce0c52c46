// /proc/mounts: the mount table as Linux prints it (fs/mount_listing.h), seen from the
// root of the tree. On Linux it is a symlink to self/mounts and shows the reader's mount
// namespace from its root; with processes it will take the reader's root.
#include "../mount_listing.h"
#include "proc_files.h"

namespace kernel {

void generate_mounts(TextBuffer& text) {
    Result<void> listed = for_each_mount_line(root_path(), [&](const char* line, usize length) { text.append(line, length); });
    if (listed.is_error()) text.fail();
}

}  // namespace kernel
