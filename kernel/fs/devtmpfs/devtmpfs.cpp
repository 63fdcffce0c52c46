#include "devtmpfs.h"

#include "../../abi/stat.h"
#include "../file_system_type.h"
#include "../inode.h"
#include "../tmpfs/tmpfs.h"

namespace kernel {
namespace {

// Set once at boot, before the type is registered; never cleared.
Spinlock instance_lock;
RefPtr<TmpfsFileSystem> instance;

RefPtr<TmpfsFileSystem> get_instance() {
    SpinlockGuard guard(instance_lock);
    return instance;
}

// mount -t devtmpfs: the one instance, whatever the source and options (Linux ignores
// them for every mount but its internal one).
Result<RefPtr<FileSystem>> mount_devtmpfs(StringView, StringView) {
    RefPtr<TmpfsFileSystem> file_system = get_instance();
    if (!file_system) return Errno::enodev;
    return RefPtr<FileSystem>(file_system.get());
}

}  // namespace

Result<void> init_devtmpfs() {
    if (get_instance()) return ok();
    RefPtr<TmpfsFileSystem> file_system = TRY(TmpfsFileSystem::create(0, "devtmpfs"));
    file_system->root()->set_permissions(0755);
    file_system->keep_tree_when_unmounted();
    {
        SpinlockGuard guard(instance_lock);
        instance = file_system;
    }
    return register_file_system_type("devtmpfs", mount_devtmpfs);
}

RefPtr<FileSystem> devtmpfs_instance() {
    RefPtr<TmpfsFileSystem> file_system = get_instance();
    return RefPtr<FileSystem>(file_system.get());
}

Result<void> devtmpfs_create_node(StringView name, u32 mode, u32 major, u32 minor) {
    u32 type = mode & abi::s_ifmt;
    if (type != abi::s_ifchr && type != abi::s_ifblk) return Errno::einval;
    RefPtr<TmpfsFileSystem> file_system = get_instance();
    if (!file_system) return Errno::enodev;
    TRY(file_system->root()->create(name, type | (mode & 07777), 0, 0, abi::make_device(major, minor)));
    return ok();
}

}  // namespace kernel
