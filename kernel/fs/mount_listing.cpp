#include "mount_listing.h"

#include "../lib/format.h"
#include "../mm/kmalloc.h"

namespace kernel {
namespace {

// Whether `mount` is `root`'s mount or below it, and its mount point inside `root`.
bool is_visible(const Mount& mount, const Path& root) {
    Path current {RefPtr<Mount>(const_cast<Mount*>(&mount)), mount.root()};
    for (;;) {
        if (current.mount == root.mount) return current.dentry->is_descendant_of(*root.dentry);
        if (!current.mount->parent()) return false;
        current = {current.mount->parent(), current.mount->mount_point()};
    }
}

// Appends `text` with Linux's escapes for " \t\n\\"; returns the new length (stops at the end).
usize append_escaped(char* line, usize length, usize capacity, StringView text) {
    for (usize i = 0; i < text.length(); ++i) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
            if (length + 4 > capacity) break;
            line[length++] = '\\';
            line[length++] = static_cast<char>('0' + ((c >> 6) & 7));
            line[length++] = static_cast<char>('0' + ((c >> 3) & 7));
            line[length++] = static_cast<char>('0' + (c & 7));
        } else {
            if (length + 1 > capacity) break;
            line[length++] = c;
        }
    }
    return length;
}

usize append(char* line, usize length, usize capacity, StringView text) {
    usize count = text.length() < capacity - length ? text.length() : capacity - length;
    kstd::memcpy(line + length, text.data(), count);
    return length + count;
}

}  // namespace

Result<void> for_each_mount_line(const Path& root, FunctionRef<void(const char* line, usize length)> visit) {
    // A mount point of PATH_MAX bytes and a long source, all escaped, fit in the line.
    constexpr usize line_capacity = 4 * abi::path_max + 1024;
    char* where = static_cast<char*>(kmalloc(abi::path_max));
    char* line = static_cast<char*>(kmalloc(line_capacity));
    if (!where || !line) {
        kfree(where);
        kfree(line);
        return Errno::enomem;
    }
    for_each_mount([&](const Mount& mount) {
        if (!is_visible(mount, root)) return;
        Path mount_root {RefPtr<Mount>(const_cast<Mount*>(&mount)), mount.root()};
        if (absolute_path(mount_root, root, where, abi::path_max).is_error()) kstd::strlcpy(where, "?", abi::path_max);
        usize length = append_escaped(line, 0, line_capacity, mount.source().is_empty() ? StringView("none") : mount.source());
        length = append(line, length, line_capacity, " ");
        length = append_escaped(line, length, line_capacity, StringView(where));
        length = append(line, length, line_capacity, " ");
        length = append(line, length, line_capacity, StringView(mount.file_system().type_name()));
        length = append(line, length, line_capacity, " rw 0 0\n");
        visit(line, length);
    });
    kfree(where);
    kfree(line);
    return ok();
}

}  // namespace kernel
