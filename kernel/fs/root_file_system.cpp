#include "root_file_system.h"

#include "../core/klog.h"
#include "devtmpfs/devtmpfs.h"
#include "procfs/procfs.h"
#include "tmpfs/tmpfs.h"
#include "vfs.h"

namespace kernel {

Result<void> init_root_file_system() {
    TRY(register_tmpfs());
    TRY(init_devtmpfs());
    TRY(register_procfs());
    RefPtr<TmpfsFileSystem> root = TRY(TmpfsFileSystem::create());
    root->root()->set_permissions(0755);
    TRY(mount_root(RefPtr<FileSystem>(root.get()), "rootfs"));
    VfsContext context = VfsContext::for_kernel();
    context.umask = 0;
    struct Directory {
        const char* path;
        u32 mode;
    };
    for (Directory directory : {Directory {"/dev", 0755}, Directory {"/proc", 0555}, Directory {"/tmp", 01777},
                                Directory {"/etc", 0755}, Directory {"/root", 0700}})
        TRY(vfs_mkdir(context, nullptr, directory.path, directory.mode));
    // Drivers add their nodes to devtmpfs as they register (init_memory_devices, ...).
    TRY(vfs_mount(context, "devtmpfs", "devtmpfs", nullptr, "/dev", ""));
    TRY(vfs_mount(context, "proc", "proc", nullptr, "/proc", ""));
    klog_info("vfs: tmpfs mounted on /, devtmpfs on /dev, proc on /proc");
    return ok();
}

}  // namespace kernel
