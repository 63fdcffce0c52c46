#include "path_resolution.h"

#include "../mm/kmalloc.h"
#include "permission.h"

namespace kernel {
namespace {

// The text still to walk. Following a symlink replaces the consumed part with the target,
// so the buffer holds up to a target plus the rest of the path.
class PendingPath {
public:
    static constexpr usize capacity = 2 * abi::path_max;

    ~PendingPath() { kfree(text_); }
    Result<void> init(StringView path) {
        text_ = static_cast<char*>(kmalloc(capacity));
        if (!text_) return Errno::enomem;
        kstd::memcpy(text_, path.data(), path.length());
        length_ = path.length();
        return ok();
    }
    bool at_end() const { return position_ == length_; }
    bool at_slash() const { return position_ < length_ && text_[position_] == '/'; }
    // Skips slashes; returns whether there were any.
    bool skip_slashes() {
        usize start = position_;
        while (at_slash()) ++position_;
        return position_ != start;
    }
    StringView next_component() {
        usize start = position_;
        while (position_ < length_ && text_[position_] != '/') ++position_;
        return {text_ + start, position_ - start};
    }
    // Replaces everything walked so far with `target` (read by `read_target`), keeping the rest.
    Result<void> splice_symlink(Inode& link) {
        usize rest = length_ - position_;
        char* buffer = static_cast<char*>(kmalloc(capacity));
        if (!buffer) return Errno::enomem;
        IoBuffer io = IoBuffer::kernel(buffer, abi::path_max);
        auto target = link.read_link(io, abi::path_max);
        if (target.is_error()) {
            kfree(buffer);
            return target.error();
        }
        usize target_length = target.value();
        if (target_length == 0) {  // an empty symlink resolves to nothing
            kfree(buffer);
            return Errno::enoent;
        }
        if (target_length + 1 + rest >= capacity) {
            kfree(buffer);
            return Errno::enametoolong;
        }
        buffer[target_length] = '/';  // harmless when the rest is empty or starts with '/'
        kstd::memcpy(buffer + target_length + (rest ? 1 : 0), text_ + position_, rest);
        kfree(text_);
        text_ = buffer;
        length_ = target_length + (rest ? 1 + rest : 0);
        position_ = 0;
        return ok();
    }
    bool starts_absolute() const { return length_ && text_[0] == '/'; }

private:
    char* text_ = nullptr;
    usize length_ = 0;
    usize position_ = 0;
};

bool is_dot(StringView name) { return name == StringView(".", 1); }
bool is_dot_dot(StringView name) { return name == StringView("..", 2); }

Path cross_mounts(Path path) {
    while (RefPtr<Mount> mounted = mount_on(*path.mount, *path.dentry)) path = {mounted, mounted->root()};
    return path;
}

// `..` from `current`: up through mount roots, never above the context's root, and into
// whatever is mounted on the directory it reaches (Linux: step_into -> handle_mounts), as
// when the working directory was below a directory something was mounted on later.
Path parent_of(const VfsContext& context, Path current) {
    for (;;) {
        if (current == context.root) return current;
        if (current.dentry != current.mount->root()) break;
        if (!current.mount->parent()) return current;  // the real root
        current = {current.mount->parent(), current.mount->mount_point()};
    }
    RefPtr<Dentry> parent = current.dentry->parent();
    if (parent) current.dentry = parent;
    return cross_mounts(current);
}

// The walk shared by both entry points. With `parent_out`, stops before the last
// component and describes it there.
Result<Path> walk(const VfsContext& context, const Path* base, StringView path, unsigned flags,
                  ParentAndName* parent_out) {
    if (path.is_empty()) return Errno::enoent;
    if (path.length() >= abi::path_max) return Errno::enametoolong;
    PendingPath pending;
    TRY(pending.init(path));
    Path current = pending.starts_absolute() ? context.root : (base ? *base : context.cwd);
    if (!current.is_valid()) return Errno::enoent;
    unsigned links_followed = 0;
    for (;;) {
        if (pending.skip_slashes() && pending.at_end()) {
            // "/" or a path ending in slashes after a followed symlink: the directory itself.
            if (parent_out) parent_out->parent = current;
            return current;
        }
        if (pending.at_end()) {  // only after a symlink to "" was spliced: cannot happen
            if (parent_out) parent_out->parent = current;
            return current;
        }
        StringView name = pending.next_component();
        bool trailing_slash = pending.skip_slashes();
        bool last = pending.at_end();
        // The directory is checked before the name (Linux finds a long name only when it
        // looks it up).
        if (!current.inode().is_directory()) return Errno::enotdir;
        TRY(check_permission(current.inode(), context.credentials, may_execute));
        if (name.length() > abi::name_max) return Errno::enametoolong;

        if (last && parent_out) {
            parent_out->parent = current;
            kstd::memcpy(parent_out->name, name.data(), name.length());
            parent_out->name[name.length()] = '\0';
            parent_out->name_length = name.length();
            parent_out->trailing_slash = trailing_slash;
            return current;
        }
        Path next;
        if (is_dot(name)) next = current;
        else if (is_dot_dot(name)) next = parent_of(context, current);
        else next = TRY(lookup_child(current, name));

        if (next.inode().is_symlink() && (!last || trailing_slash || (flags & resolve_follow))) {
            if (++links_followed > abi::symlink_max_follow) return Errno::eloop;
            if (next.inode().is_magic_link()) {
                // A jump, not a text to walk: the link's place replaces it.
                next = TRY(next.inode().follow_magic_link());
                if (last) {
                    if ((trailing_slash || (flags & resolve_directory)) && !next.inode().is_directory())
                        return Errno::enotdir;
                    return next;
                }
                current = next;
                continue;
            }
            // The target continues from the directory holding the link (or the root).
            if (trailing_slash && last) {
                // "link/": the rest is empty but the result must be a directory, reached
                // through every further link (Linux: LOOKUP_FOLLOW | LOOKUP_DIRECTORY); the
                // splice appends nothing, so remember it through the flags.
                flags |= resolve_directory | resolve_follow;
            }
            TRY(pending.splice_symlink(next.inode()));
            if (pending.starts_absolute()) current = context.root;
            continue;
        }
        if (last) {
            if ((trailing_slash || (flags & resolve_directory)) && !next.inode().is_directory()) return Errno::enotdir;
            return next;
        }
        current = next;
    }
}

}  // namespace

VfsContext VfsContext::for_kernel() {
    VfsContext context;
    context.root = context.cwd = root_path();
    return context;
}

Result<Path> lookup_child(const Path& directory, StringView name) {
    if (directory.inode().has_volatile_children()) directory.dentry->prune_stale_children();
    for (;;) {
        u64 generation;
        if (RefPtr<Dentry> cached = directory.dentry->find_child(name, &generation)) {
            if (!cached->inode().is_stale()) return cross_mounts({directory.mount, cached});
            // Gone (a process's /proc entry): forget it, unless another lookup already
            // replaced it, and ask the directory afresh.
            directory.dentry->detach_child_if(name, *cached);
            continue;
        }
        RefPtr<Inode> inode = TRY(directory.inode().lookup(name));
        bool stale;
        RefPtr<Dentry> dentry = TRY(directory.dentry->add_child(name, inode, generation, stale));
        // A name went away from the directory while the file system answered: the answer
        // may be an unlinked or renamed file. Ask again rather than cache it.
        if (stale) continue;
        return cross_mounts({directory.mount, dentry});
    }
}

Result<Path> resolve_path(const VfsContext& context, const Path* base, StringView path, unsigned flags) {
    Path result = TRY(walk(context, base, path, flags, nullptr));
    if ((flags & resolve_directory) && !result.inode().is_directory()) return Errno::enotdir;
    return result;
}

Result<ParentAndName> resolve_parent(const VfsContext& context, const Path* base, StringView path) {
    ParentAndName result;
    TRY(walk(context, base, path, 0, &result));
    return result;
}

}  // namespace kernel
