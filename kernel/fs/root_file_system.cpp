#include "root_file_system.h"

#include "../core/klog.h"
#include "../hal/physmem.h"
#include "../mm/frame_allocator.h"
#include "devtmpfs/devtmpfs.h"
#include "initramfs.h"
#include "procfs/procfs.h"
#include "tmpfs/tmpfs.h"
#include "vfs.h"

namespace kernel {

Result<void> init_root_file_system(PhysAddr initrd_base, u64 initrd_size) {
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
    klog_info("vfs: tmpfs mounted on /");
    if (initrd_size) {
        InitramfsStats stats = unpack_initramfs(static_cast<const u8*>(hal::phys_to_virt(initrd_base)),
                                                static_cast<usize>(initrd_size));
        klog_info("initramfs: %zu entries unpacked from %llu KiB%s%s", stats.entries,
                  static_cast<unsigned long long>(initrd_size / 1024), stats.failed ? ", some failed" : "",
                  stats.complete ? "" : ", archive damaged");
        auto freed = mm::release_boot_memory(initrd_base, initrd_size);
        if (freed.has_value()) klog_info("initramfs: freed %zu KiB", freed.value() * 4);
    }
    // After the initramfs, so that what it has under /dev and /proc (Linux's default list
    // has /dev/console) stays in the root file system, below the mounts. Drivers add their
    // nodes to devtmpfs as they register (init_memory_devices, ...).
    auto dev = vfs_mount(context, "devtmpfs", "devtmpfs", nullptr, "/dev", "");
    if (dev.is_error()) klog_error("vfs: cannot mount devtmpfs on /dev: %s", errno_name(dev.error()));
    auto proc = vfs_mount(context, "proc", "proc", nullptr, "/proc", "");
    if (proc.is_error()) klog_error("vfs: cannot mount proc on /proc: %s", errno_name(proc.error()));
    if (dev.has_value() && proc.has_value()) klog_info("vfs: devtmpfs mounted on /dev, proc on /proc");
    return ok();
}

}  // namespace kernel
