#include "initramfs.h"

#include "../abi/fcntl.h"
#include "../core/klog.h"
#include "../mm/kmalloc.h"
#include "cpio.h"
#include "vfs.h"

namespace kernel {
namespace {

// Names already created for each multiply-linked file of the archive, so that later names
// become hard links (see "Hard links" in cpio.h).
class HardLinkTable {
public:
    ~HardLinkTable() {
        clear();
        kfree(entries_);
    }
    void clear() {
        for (usize i = 0; i < count_; ++i) kfree(entries_[i].path);
        count_ = 0;
    }
    const char* find(const CpioInodeKey& key) const {
        for (usize i = 0; i < count_; ++i)
            if (entries_[i].key == key) return entries_[i].path;
        return nullptr;
    }
    Result<void> add(const CpioInodeKey& key, StringView path) {
        if (count_ == capacity_) {
            usize capacity = capacity_ ? capacity_ * 2 : 16;
            auto* grown = static_cast<Entry*>(kmalloc(capacity * sizeof(Entry)));
            if (!grown) return Errno::enomem;
            if (count_) kstd::memcpy(grown, entries_, count_ * sizeof(Entry));
            kfree(entries_);
            entries_ = grown;
            capacity_ = capacity;
        }
        auto* copy = static_cast<char*>(kmalloc(path.length() + 1));
        if (!copy) return Errno::enomem;
        kstd::memcpy(copy, path.data(), path.length());
        copy[path.length()] = '\0';
        entries_[count_++] = {key, copy};
        return ok();
    }

private:
    struct Entry {
        CpioInodeKey key;
        char* path;
    };
    Entry* entries_ = nullptr;
    usize count_ = 0, capacity_ = 0;
};

// "/" + the archive's relative name, NUL-terminated.
struct AbsoluteName {
    char text[abi::path_max];
    usize length = 0;
    bool set(StringView name) {
        if (name.length() + 2 > sizeof text) return false;
        text[0] = '/';
        kstd::memcpy(text + 1, name.data(), name.length());
        length = name.length() + 1;
        text[length] = '\0';
        return true;
    }
    StringView view() const { return {text, length}; }
};

Result<void> write_all(OpenFile& file, const u8* data, usize size) {
    for (usize done = 0; done < size;) {
        IoBuffer buffer = IoBuffer::kernel(data + done, size - done);
        usize written = TRY(file.write(buffer, size - done));
        if (written == 0) return Errno::eio;
        done += written;
    }
    return ok();
}

// Replaces whatever non-directory is at `path` (initramfs "clobbers" files, keeps dirs).
void remove_existing(const VfsContext& context, StringView path) {
    auto stat = vfs_stat(context, nullptr, path, false);
    if (stat.has_value() && !abi::s_isdir(stat->mode)) (void)vfs_unlink(context, nullptr, path);
}

Result<void> create_entry(const VfsContext& context, const CpioEntry& entry, StringView path, HardLinkTable& links) {
    switch (entry.type()) {
    case abi::s_ifdir: {
        auto made = vfs_mkdir(context, nullptr, path, entry.permissions());
        if (made.is_error() && made.error() != Errno::eexist) return made.error();
        TRY(vfs_chmod(context, nullptr, path, entry.permissions(), false));
        break;
    }
    case abi::s_ifreg: {
        if (entry.may_be_hard_link()) {
            if (const char* first = links.find(entry.inode_key())) {
                remove_existing(context, path);
                TRY(vfs_link(context, nullptr, first, nullptr, path, false));
                if (entry.size) {  // GNU cpio puts the data on the last name
                    RefPtr<OpenFile> file = TRY(vfs_open(context, nullptr, path, abi::o_wronly | abi::o_trunc, 0));
                    TRY(write_all(*file, entry.data, entry.size));
                }
                break;
            }
        }
        remove_existing(context, path);
        RefPtr<OpenFile> file =
            TRY(vfs_open(context, nullptr, path, abi::o_wronly | abi::o_creat | abi::o_excl, entry.permissions()));
        TRY(write_all(*file, entry.data, entry.size));
        if (entry.may_be_hard_link()) TRY(links.add(entry.inode_key(), path));
        // The mode again: the setuid/setgid bits survive no umask but chmod says so explicitly.
        TRY(vfs_chmod(context, nullptr, path, entry.permissions(), false));
        break;
    }
    case abi::s_iflnk:
        remove_existing(context, path);
        TRY(vfs_symlink(context, entry.symlink_target(), nullptr, path));
        break;
    case abi::s_ifchr:
    case abi::s_ifblk:
    case abi::s_ififo:
    case abi::s_ifsock:
        remove_existing(context, path);
        TRY(vfs_mknod(context, nullptr, path, entry.mode, abi::make_device(entry.rdev_major, entry.rdev_minor)));
        break;
    default: return Errno::einval;
    }
    TRY(vfs_chown(context, nullptr, path, entry.uid, entry.gid, false));
    Timespec times[2] = {{entry.mtime, 0}, {entry.mtime, 0}};
    // Symlinks keep their own times (no lutimes through a link is fine either way).
    if (entry.type() != abi::s_iflnk) TRY(vfs_utimens(context, nullptr, path, times, false));
    return ok();
}

}  // namespace

InitramfsStats unpack_initramfs(const u8* data, usize size) {
    InitramfsStats stats;
    VfsContext context = VfsContext::for_kernel();
    context.umask = 0;
    HardLinkTable links;
    u32 archive = 0;
    CpioError error;
    auto* path = static_cast<AbsoluteName*>(kmalloc(sizeof(AbsoluteName)));
    if (!path) {
        klog_error("initramfs: no memory to unpack it");
        stats.complete = false;
        return stats;
    }
    auto parsed = parse_cpio(data, size, [&](const CpioEntry& entry) -> Result<void> {
        if (entry.archive_index != archive) {  // inode numbers are per archive
            links.clear();
            archive = entry.archive_index;
        }
        if (!path->set(entry.name)) {
            klog_warn("initramfs: name too long at byte %zu", entry.offset);
            ++stats.failed;
            return ok();
        }
        if (auto created = create_entry(context, entry, path->view(), links); created.is_error()) {
            klog_warn("initramfs: %s: %s", path->text, errno_name(created.error()));
            ++stats.failed;
        } else {
            ++stats.entries;
        }
        return ok();
    }, &error);
    kfree(path);
    if (parsed.is_error()) {
        stats.complete = false;
        klog_error("initramfs: %s at byte %zu; kept the %zu entries before it", error.what ? error.what : "?",
                   error.offset, stats.entries);
    }
    return stats;
}

}  // namespace kernel
