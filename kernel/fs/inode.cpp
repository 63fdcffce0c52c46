#include "inode.h"

#include "../core/wall_clock.h"
#include "../mm/heap.h"
#include "open_file.h"

namespace kernel {
namespace {

Timespec now() { return Timespec::from_ns(realtime_ns()); }

std::atomic<u32> next_anonymous_minor {1};

}  // namespace

FileSystem::FileSystem() : device_(abi::make_device(0, next_anonymous_minor.fetch_add(1, std::memory_order_relaxed))) {}

Inode::Inode(FileSystem& file_system, u32 mode, u32 uid, u32 gid, u64 rdevice)
    : Inode(file_system, file_system.allocate_inode_number(), mode, uid, gid, rdevice) {}

Inode::Inode(FileSystem& file_system, u64 number, u32 mode, u32 uid, u32 gid, u64 rdevice)
    : file_system_(&file_system), number_(number), rdevice_(rdevice), type_(mode & abi::s_ifmt), mode_(mode), uid_(uid),
      gid_(gid) {
    Timespec time = now();
    access_time_ = modify_time_ = change_time_ = birth_time_ = time;
}

void Inode::load_metadata(const FileStat& stat) {
    SpinlockGuard guard(metadata_lock_);
    mode_ = (mode_ & abi::s_ifmt) | (stat.mode & 07777);
    uid_ = stat.uid;
    gid_ = stat.gid;
    link_count_ = stat.link_count;
    size_ = stat.size;
    access_time_ = stat.access_time;
    modify_time_ = stat.modify_time;
    change_time_ = stat.change_time;
    birth_time_ = stat.birth_time;
}

Result<void> Inode::change_metadata(const MetadataChange& change) {
    Timespec time = now();
    SpinlockGuard guard(metadata_lock_);
    if (change.set_mode) mode_ = (mode_ & abi::s_ifmt) | (change.mode & 07777);
    if (change.set_owner) {
        uid_ = change.uid;
        gid_ = change.gid;
    }
    if (change.set_times) {
        for (auto [requested, field] : {std::pair {&change.access, &access_time_}, std::pair {&change.modify, &modify_time_}}) {
            if (requested->nanoseconds == utime_now) *field = time;
            else if (requested->nanoseconds != utime_omit) *field = *requested;
        }
    }
    change_time_ = time;
    return ok();
}

FileStat Inode::stat() const {
    FileStat stat;
    stat.device = file_system_->device();
    stat.inode = number_;
    stat.rdevice = rdevice_;
    stat.blocks = allocated_blocks();
    SpinlockGuard guard(metadata_lock_);
    stat.mode = mode_;
    stat.link_count = link_count_;
    stat.uid = uid_;
    stat.gid = gid_;
    stat.size = size_;
    stat.access_time = access_time_;
    stat.modify_time = modify_time_;
    stat.change_time = change_time_;
    stat.birth_time = birth_time_;
    return stat;
}

u32 Inode::mode() const {
    SpinlockGuard guard(metadata_lock_);
    return mode_;
}
u32 Inode::uid() const {
    SpinlockGuard guard(metadata_lock_);
    return uid_;
}
u32 Inode::gid() const {
    SpinlockGuard guard(metadata_lock_);
    return gid_;
}
u32 Inode::link_count() const {
    SpinlockGuard guard(metadata_lock_);
    return link_count_;
}
u64 Inode::size() const {
    SpinlockGuard guard(metadata_lock_);
    return size_;
}

void Inode::set_permissions(u32 mode) {
    Timespec time = now();
    SpinlockGuard guard(metadata_lock_);
    mode_ = (mode_ & abi::s_ifmt) | (mode & 07777);
    change_time_ = time;
}

void Inode::set_owner(u32 uid, u32 gid) {
    Timespec time = now();
    SpinlockGuard guard(metadata_lock_);
    uid_ = uid;
    gid_ = gid;
    change_time_ = time;
}

void Inode::set_times(const Timespec* access, const Timespec* modify) {
    Timespec time = now();
    SpinlockGuard guard(metadata_lock_);
    if (access) access_time_ = *access;
    if (modify) modify_time_ = *modify;
    change_time_ = time;
}

void Inode::touch_access() {
    Timespec time = now();
    SpinlockGuard guard(metadata_lock_);
    access_time_ = time;
}

void Inode::touch_modify() {
    Timespec time = now();
    SpinlockGuard guard(metadata_lock_);
    modify_time_ = change_time_ = time;
}

void Inode::touch_change() {
    Timespec time = now();
    SpinlockGuard guard(metadata_lock_);
    change_time_ = time;
}

void Inode::set_link_count(u32 count) {
    SpinlockGuard guard(metadata_lock_);
    link_count_ = count;
}
void Inode::increment_link_count() {
    SpinlockGuard guard(metadata_lock_);
    ++link_count_;
}
void Inode::decrement_link_count() {
    SpinlockGuard guard(metadata_lock_);
    if (link_count_) --link_count_;
}
void Inode::set_size(u64 size) {
    SpinlockGuard guard(metadata_lock_);
    size_ = size;
}

Result<RefPtr<Inode>> Inode::lookup(StringView) { return Errno::enotdir; }
Result<RefPtr<Inode>> Inode::create(StringView, u32, u32, u32, u64) { return Errno::enotdir; }
Result<RefPtr<Inode>> Inode::create_symlink(StringView, StringView, u32, u32) { return Errno::enotdir; }
Result<void> Inode::link(StringView, Inode&) { return Errno::enotdir; }
Result<void> Inode::unlink(StringView) { return Errno::enotdir; }
Result<void> Inode::remove_directory(StringView) { return Errno::enotdir; }
Result<void> Inode::rename(StringView, Inode&, StringView) { return Errno::enotdir; }
Result<void> Inode::iterate(u64, DirectoryVisitor) { return Errno::enotdir; }
bool Inode::is_empty_directory() { return false; }
Result<usize> Inode::read_link(IoBuffer&, usize) { return Errno::einval; }
Result<Path> Inode::follow_magic_link() { return Errno::einval; }
Result<usize> Inode::read(u64, IoBuffer&, usize) { return is_directory() ? Errno::eisdir : Errno::einval; }
Result<usize> Inode::write(u64, const IoBuffer&, usize) { return is_directory() ? Errno::eisdir : Errno::einval; }
Result<void> Inode::truncate(u64) { return is_directory() ? Errno::eisdir : Errno::einval; }

Result<usize> Inode::append(const IoBuffer& buffer, usize count, u64& end) {
    u64 offset = size();
    usize done = TRY(write(offset, buffer, count));
    end = offset + done;
    return done;
}

Result<RefPtr<OpenFile>> Inode::open(const Path& path, int flags) {
    return make_ref<OpenFile>(path, RefPtr<Inode>(this), flags);
}

Result<PhysAddr> Inode::page_for_mapping(u64) { return Errno::enodev; }

}  // namespace kernel
