#include "memory_devices.h"

#include "../abi/fcntl.h"
#include "../core/klog.h"
#include "../fs/character_devices.h"
#include "../fs/devtmpfs/devtmpfs.h"
#include "../mm/heap.h"
#include "kmsg_device.h"
#include "random_device.h"

namespace kernel {
namespace {

enum class MemoryDevice { null, zero, full };

// null: reads end at once, writes vanish. zero: reads give zeros, writes vanish. full:
// reads give zeros, writes fail with ENOSPC. The file offset never moves.
class MemoryDeviceFile final : public OpenFile {
public:
    MemoryDeviceFile(const Path& path, RefPtr<Inode> inode, int flags, MemoryDevice device)
        : OpenFile(path, std::move(inode), flags), device_(device) {}

    Result<usize> read(IoBuffer& buffer, usize count) override {
        if (!is_readable()) return Errno::ebadf;
        if (device_ == MemoryDevice::null) return usize(0);
        TRY(buffer.fill_zero(0, count));
        return count;
    }
    Result<usize> write(const IoBuffer&, usize count) override {
        if (!is_writable()) return Errno::ebadf;
        if (device_ == MemoryDevice::full) return Errno::enospc;
        return count;
    }
    Result<usize> read_at(u64, IoBuffer& buffer, usize count) override { return read(buffer, count); }
    Result<usize> write_at(u64, const IoBuffer& buffer, usize count) override { return write(buffer, count); }
    Result<u64> seek(i64, int whence) override { return seek_without_position(whence); }
    u32 poll_events() override { return poll_in | poll_out; }
    // Mapping /dev/zero gives anonymous memory (Linux's mmap_zero); the others have no mmap.
    Result<MappingSource> mmap_source() override {
        if (device_ != MemoryDevice::zero) return Errno::enodev;
        return MappingSource {MappingSource::Kind::anonymous, nullptr};
    }

private:
    const MemoryDevice device_;
};

Result<RefPtr<OpenFile>> open_memory_file(const Path& path, Inode& node, int flags, MemoryDevice device) {
    RefPtr<MemoryDeviceFile> file = TRY(make_ref<MemoryDeviceFile>(path, RefPtr<Inode>(&node), flags, device));
    return RefPtr<OpenFile>(file.get());
}

Result<RefPtr<OpenFile>> open_memory_device(const Path& path, Inode& node, int flags) {
    switch (abi::device_minor(node.rdevice())) {
    case 3: return open_memory_file(path, node, flags, MemoryDevice::null);
    case 5: return open_memory_file(path, node, flags, MemoryDevice::zero);
    case 7: return open_memory_file(path, node, flags, MemoryDevice::full);
    case 8: return open_random_device(path, node, flags, RandomDevice::random);
    case 9: return open_random_device(path, node, flags, RandomDevice::urandom);
    case 11: return open_kmsg_device(path, node, flags);
    default: return Errno::enxio;
    }
}

struct Node {
    const char* name;
    u32 minor;
    u32 mode;
};
// Linux's modes (drivers/char/mem.c devlist).
constexpr Node nodes[] = {
    {"null", 3, 0666}, {"zero", 5, 0666}, {"full", 7, 0666}, {"random", 8, 0666}, {"urandom", 9, 0666}, {"kmsg", 11, 0644},
};

}  // namespace

Result<u64> seek_without_position(int whence) {
    if (whence < abi::seek_set || whence > abi::seek_hole) return Errno::einval;
    return u64(0);
}

Result<void> init_memory_devices() {
    TRY(register_character_device(memory_devices_major, 0, 256, open_memory_device));
    for (const Node& node : nodes)
        TRY(devtmpfs_create_node(node.name, abi::s_ifchr | node.mode, memory_devices_major, node.minor));
    return ok();
}

}  // namespace kernel
