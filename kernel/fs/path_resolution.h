// Path resolution (Linux's path_lookupat): turns a path string into a Path, following
// mounts and symlinks, with the Linux errors: ENOENT, ENOTDIR, EACCES (search permission on
// every directory walked), ELOOP (more than 40 symlinks), ENAMETOOLONG (a component over
// 255 bytes or a path of 4096 bytes or more).
#pragma once

#include "credentials.h"
#include "mount.h"

namespace kernel {

// The caller's view of the tree: its root (chroot), working directory, umask and
// credentials. Processes own one from step 4 on; kernel code and tests build their own.
struct VfsContext {
    Path root;
    Path cwd;
    u32 umask = 022;
    Credentials credentials;

    // Root and working directory at the tree's root, root credentials.
    static VfsContext for_kernel();
};

// Flags of resolve_path.
inline constexpr unsigned resolve_follow = 1;     // follow a symlink in the last component
inline constexpr unsigned resolve_directory = 2;  // the result must be a directory (ENOTDIR)

// Resolves `path` relative to `base` (nullptr: the working directory; absolute paths start
// at the context's root).
Result<Path> resolve_path(const VfsContext& context, const Path* base, StringView path, unsigned flags);

// For operations that create or remove the last component: resolves everything but it.
struct ParentAndName {
    Path parent;
    char name[abi::name_max + 1] = {};  // "" when the path has no last component ("/")
    usize name_length = 0;
    bool trailing_slash = false;        // "name/": the operation needs a directory

    StringView last() const { return {name, name_length}; }
    bool is_dot() const { return last() == StringView(".", 1); }
    bool is_dot_dot() const { return last() == StringView("..", 2); }
};
Result<ParentAndName> resolve_parent(const VfsContext& context, const Path* base, StringView path);

// Looks up one component in directory `directory` (cached dentry or the file system),
// crossing mounts; no permission check, no symlink following.
Result<Path> lookup_child(const Path& directory, StringView name);

}  // namespace kernel
