#include "tmpfs.h"

#include "../../mm/page.h"

#include "../../hal/physmem.h"
#include "../../mm/frame_allocator.h"
#include "../../mm/heap.h"
#include "../../mm/page.h"
#include "../character_devices.h"
#include "../fifo.h"
#include "../file_system_type.h"
#include "../open_file.h"

namespace kernel {

// ---- TmpfsFileSystem ----

namespace {

std::atomic<usize> all_instances_pages {0};

}  // namespace

usize tmpfs_total_pages() { return all_instances_pages.load(std::memory_order_relaxed); }

Result<RefPtr<TmpfsFileSystem>> TmpfsFileSystem::create(usize max_pages, const char* type_name) {
    if (max_pages == 0) max_pages = mm::frame_stats().total_frames / 2;
    RefPtr<TmpfsFileSystem> file_system = TRY(make_ref<TmpfsFileSystem>(max_pages, type_name));
    file_system->root_ = TRY(make_ref<TmpfsInode>(*file_system, abi::s_ifdir | 01777, 0u, 0u, u64(0)));
    file_system->root_->set_link_count(2);
    file_system->root_->set_size(40);
    return file_system;
}

namespace {

// "1048576", "64k", "16m", "1g" -> bytes; false when malformed.
bool parse_size(StringView text, u64& bytes) {
    if (text.is_empty()) return false;
    u64 value = 0;
    usize i = 0;
    for (; i < text.length() && text[i] >= '0' && text[i] <= '9'; ++i) {
        if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, u64(text[i] - '0'), &value))
            return false;
    }
    if (i == 0) return false;
    unsigned shift = 0;
    if (i + 1 == text.length()) {
        char unit = text[i];
        shift = unit == 'k' || unit == 'K' ? 10 : unit == 'm' || unit == 'M' ? 20 : unit == 'g' || unit == 'G' ? 30 : 64;
        if (shift == 64) return false;
    } else if (i != text.length()) {
        return false;
    }
    if (shift && value > (~u64(0) >> shift)) return false;
    bytes = value << shift;
    return true;
}

bool parse_octal(StringView text, u32& value) {
    if (text.is_empty() || text.length() > 4) return false;
    value = 0;
    for (usize i = 0; i < text.length(); ++i) {
        if (text[i] < '0' || text[i] > '7') return false;
        value = value * 8 + static_cast<u32>(text[i] - '0');
    }
    return true;
}

}  // namespace

Result<RefPtr<FileSystem>> TmpfsFileSystem::create_from_options(StringView, StringView options) {
    usize max_pages = 0;
    u32 mode = 01777;
    // Comma-separated key=value options.
    for (usize start = 0; start < options.length();) {
        usize end = start;
        while (end < options.length() && options[end] != ',') ++end;
        StringView option = options.substring(start, end - start);
        start = end + 1;
        if (option.is_empty()) continue;
        if (option.starts_with("size=")) {
            u64 bytes;
            if (!parse_size(option.substring(5), bytes)) return Errno::einval;
            max_pages = static_cast<usize>((bytes + hal::page_size - 1) / hal::page_size);
            if (max_pages == 0) max_pages = 1;
        } else if (option.starts_with("mode=")) {
            if (!parse_octal(option.substring(5), mode)) return Errno::einval;
        } else {
            return Errno::einval;
        }
    }
    RefPtr<TmpfsFileSystem> file_system = TRY(create(max_pages));
    file_system->root_->set_permissions(mode);
    return RefPtr<FileSystem>(file_system.get());
}

RefPtr<Inode> TmpfsFileSystem::root() { return RefPtr<Inode>(root_.get()); }

void TmpfsFileSystem::unmounted() {
    // Entries hold their inodes and directories hold entries: break the tree so that every
    // inode nobody else uses is freed now. The root inode references this file system:
    // let go of it too (after the lock), or neither would ever be freed. A kernel-owned
    // instance (devtmpfs) keeps everything.
    if (keep_tree_) return;
    RefPtr<TmpfsInode> root;
    {
        MutexGuard guard(namespace_lock_);
        if (root_) root_->release_tree();
        root = std::move(root_);
    }
}

FileSystemStatistics TmpfsFileSystem::statistics() const {
    FileSystemStatistics statistics;
    statistics.magic = abi::tmpfs_magic;
    statistics.block_size = hal::page_size;
    statistics.blocks = max_pages_;
    usize used = used_pages();
    statistics.free_blocks = statistics.available_blocks = used < max_pages_ ? max_pages_ - used : 0;
    return statistics;
}

Result<void> TmpfsFileSystem::charge_page() {
    usize used = used_pages_.load(std::memory_order_relaxed);
    do {
        if (used >= max_pages_) return Errno::enospc;
    } while (!used_pages_.compare_exchange_weak(used, used + 1, std::memory_order_relaxed));
    all_instances_pages.fetch_add(1, std::memory_order_relaxed);
    return ok();
}

void TmpfsFileSystem::uncharge_pages(usize count) {
    used_pages_.fetch_sub(count, std::memory_order_relaxed);
    all_instances_pages.fetch_sub(count, std::memory_order_relaxed);
}

// ---- TmpfsInode ----

TmpfsInode::TmpfsInode(TmpfsFileSystem& file_system, u32 mode, u32 uid, u32 gid, u64 rdevice)
    : Inode(file_system, mode, uid, gid, rdevice) {}

TmpfsInode::~TmpfsInode() {
    tmpfs().uncharge_pages(pages_.free_from(0));
    while (Entry* entry = entries_.take_first()) {
        entry->inode->parent_ = nullptr;
        entry->~Entry();
        kfree(entry);
    }
}

void TmpfsInode::release_tree() {
    while (Entry* entry = entries_.take_first()) {
        if (entry->inode->is_directory()) entry->inode->release_tree();
        entry->inode->parent_ = nullptr;
        entry->~Entry();
        kfree(entry);
    }
}

TmpfsInode::Entry* TmpfsInode::find_entry(StringView name) const {
    for (Entry& entry : entries_)
        if (entry.name.view() == name) return &entry;
    return nullptr;
}

Result<void> TmpfsInode::add_entry(StringView name, RefPtr<TmpfsInode> inode) {
    KString copy = TRY(KString::copy(name));
    void* memory = kmalloc(sizeof(Entry));
    if (!memory) return Errno::enomem;
    auto* entry = new (memory) Entry {std::move(copy), std::move(inode), next_cookie_++, {}};
    entries_.append(*entry);
    set_size((entries_.size() + 2) * 20);  // Linux tmpfs: 20 bytes per entry, "." and ".." included
    return ok();
}

void TmpfsInode::remove_entry(Entry& entry) {
    entries_.remove(entry);
    entry.~Entry();
    kfree(&entry);
    set_size((entries_.size() + 2) * 20);
}

void TmpfsInode::set_parent(TmpfsInode& directory, TmpfsInode* parent) { directory.parent_ = parent; }

Result<RefPtr<Inode>> TmpfsInode::lookup(StringView name) {
    if (!is_directory()) return Errno::enotdir;
    MutexGuard guard(tmpfs().namespace_lock());
    Entry* entry = find_entry(name);
    if (!entry) return Errno::enoent;
    return RefPtr<Inode>(entry->inode.get());
}

Result<RefPtr<Inode>> TmpfsInode::create(StringView name, u32 mode, u32 uid, u32 gid, u64 rdevice) {
    if (!is_directory()) return Errno::enotdir;
    MutexGuard guard(tmpfs().namespace_lock());
    if (link_count() == 0) return Errno::enoent;  // removed meanwhile
    if (find_entry(name)) return Errno::eexist;
    RefPtr<TmpfsInode> inode = TRY(make_ref<TmpfsInode>(tmpfs(), mode, uid, gid, rdevice));
    if (inode->is_directory()) {
        inode->set_link_count(2);
        inode->set_size(40);
        inode->parent_ = this;
    }
    TRY(add_entry(name, inode));
    if (inode->is_directory()) increment_link_count();
    return RefPtr<Inode>(inode.get());
}

Result<RefPtr<Inode>> TmpfsInode::create_symlink(StringView name, StringView target, u32 uid, u32 gid) {
    if (!is_directory()) return Errno::enotdir;
    KString text = TRY(KString::copy(target));
    MutexGuard guard(tmpfs().namespace_lock());
    if (link_count() == 0) return Errno::enoent;
    if (find_entry(name)) return Errno::eexist;
    RefPtr<TmpfsInode> inode = TRY(make_ref<TmpfsInode>(tmpfs(), abi::s_iflnk | 0777, uid, gid, u64(0)));
    inode->target_ = std::move(text);
    inode->set_size(target.length());
    TRY(add_entry(name, inode));
    return RefPtr<Inode>(inode.get());
}

Result<void> TmpfsInode::link(StringView name, Inode& target) {
    if (!is_directory()) return Errno::enotdir;
    if (&target.file_system() != &file_system()) return Errno::exdev;
    MutexGuard guard(tmpfs().namespace_lock());
    if (link_count() == 0) return Errno::enoent;
    if (find_entry(name)) return Errno::eexist;
    if (target.link_count() == 0) return Errno::enoent;
    TRY(add_entry(name, RefPtr<TmpfsInode>(static_cast<TmpfsInode*>(&target))));
    target.increment_link_count();
    return ok();
}

Result<void> TmpfsInode::unlink(StringView name) {
    if (!is_directory()) return Errno::enotdir;
    MutexGuard guard(tmpfs().namespace_lock());
    Entry* entry = find_entry(name);
    if (!entry) return Errno::enoent;
    if (entry->inode->is_directory()) return Errno::eisdir;
    entry->inode->decrement_link_count();
    remove_entry(*entry);
    return ok();
}

Result<void> TmpfsInode::remove_directory(StringView name) {
    if (!is_directory()) return Errno::enotdir;
    MutexGuard guard(tmpfs().namespace_lock());
    Entry* entry = find_entry(name);
    if (!entry) return Errno::enoent;
    TmpfsInode& victim = *entry->inode;
    if (!victim.is_directory()) return Errno::enotdir;
    if (!victim.entries_.is_empty()) return Errno::enotempty;
    victim.set_link_count(0);
    victim.parent_ = nullptr;
    decrement_link_count();
    remove_entry(*entry);
    return ok();
}

bool TmpfsInode::is_empty_directory() {
    MutexGuard guard(tmpfs().namespace_lock());
    return is_directory() && entries_.is_empty();
}

Result<void> TmpfsInode::rename(StringView old_name, Inode& new_directory_inode, StringView new_name) {
    if (!is_directory() || !new_directory_inode.is_directory()) return Errno::enotdir;
    if (&new_directory_inode.file_system() != &file_system()) return Errno::exdev;
    auto& new_directory = static_cast<TmpfsInode&>(new_directory_inode);
    KString name = TRY(KString::copy(new_name));
    MutexGuard guard(tmpfs().namespace_lock());
    Entry* source = find_entry(old_name);
    if (!source) return Errno::enoent;
    if (new_directory.link_count() == 0) return Errno::enoent;
    RefPtr<TmpfsInode> moving = source->inode;
    Entry* replaced = new_directory.find_entry(new_name);
    if (replaced == source) return ok();
    if (replaced) {
        TmpfsInode& victim = *replaced->inode;
        if (moving->is_directory()) {
            if (!victim.is_directory()) return Errno::enotdir;
            if (!victim.entries_.is_empty()) return Errno::enotempty;
            victim.set_link_count(0);
            victim.parent_ = nullptr;
            new_directory.decrement_link_count();
        } else {
            if (victim.is_directory()) return Errno::eisdir;
            victim.decrement_link_count();
        }
        // Replace in place: the new name is never missing, as rename(2) promises.
        replaced->inode = moving;
        remove_entry(*source);
    } else {
        // Allocate the new entry before removing the old one: a failure leaves things as they were.
        void* memory = kmalloc(sizeof(Entry));
        if (!memory) return Errno::enomem;
        auto* entry = new (memory) Entry {std::move(name), moving, new_directory.next_cookie_++, {}};
        new_directory.entries_.append(*entry);
        new_directory.set_size((new_directory.entries_.size() + 2) * 20);
        remove_entry(*source);
    }
    if (moving->is_directory() && &new_directory != this) {
        decrement_link_count();
        new_directory.increment_link_count();
        moving->parent_ = &new_directory;
    }
    return ok();
}

Result<void> TmpfsInode::iterate(u64 cookie, DirectoryVisitor visitor) {
    if (!is_directory()) return Errno::enotdir;
    MutexGuard guard(tmpfs().namespace_lock());
    if (cookie == 0 && !visitor({StringView(".", 1), number(), abi::dt_dir, 1})) return ok();
    if (cookie <= 1) {
        u64 parent = parent_ ? parent_->number() : number();
        if (!visitor({StringView("..", 2), parent, abi::dt_dir, 2})) return ok();
    }
    for (Entry& entry : entries_) {
        if (entry.cookie < cookie) continue;
        if (!visitor({entry.name.view(), entry.inode->number(), abi::dirent_type(entry.inode->type()), entry.cookie + 1}))
            break;
    }
    return ok();
}

Result<usize> TmpfsInode::read_link(IoBuffer& buffer, usize size) {
    if (!is_symlink()) return Errno::einval;
    usize length = target_.length() < size ? target_.length() : size;
    TRY(buffer.write(0, target_.c_str(), length));
    return length;
}

Result<usize> TmpfsInode::read(u64 offset, IoBuffer& buffer, usize count) {
    if (is_directory()) return Errno::eisdir;
    if (!is_regular()) return Errno::einval;
    MutexGuard guard(data_lock_);
    u64 file_size = size();
    if (offset >= file_size) return usize(0);
    if (count > file_size - offset) count = static_cast<usize>(file_size - offset);
    usize done = 0;
    while (done < count) {
        u64 position = offset + done;
        usize in_page = static_cast<usize>(position % hal::page_size);
        usize chunk = hal::page_size - in_page;
        if (chunk > count - done) chunk = count - done;
        const u8* page = pages_.find(position / hal::page_size);
        Result<void> copied = page ? buffer.write(done, page + in_page, chunk) : buffer.fill_zero(done, chunk);
        if (copied.is_error()) {
            if (done) break;
            return copied.error();
        }
        done += chunk;
    }
    touch_access();
    return done;
}

Result<usize> TmpfsInode::write(u64 offset, const IoBuffer& buffer, usize count) {
    if (is_directory()) return Errno::eisdir;
    if (!is_regular()) return Errno::einval;
    MutexGuard guard(data_lock_);
    return write_locked(offset, buffer, count);
}

Result<usize> TmpfsInode::append(const IoBuffer& buffer, usize count, u64& end) {
    if (is_directory()) return Errno::eisdir;
    if (!is_regular()) return Errno::einval;
    MutexGuard guard(data_lock_);
    u64 offset = size();
    usize done = TRY(write_locked(offset, buffer, count));
    end = offset + done;
    return done;
}

Result<usize> TmpfsInode::write_locked(u64 offset, const IoBuffer& buffer, usize count) {
    if (count == 0) return usize(0);
    constexpr u64 max_size = PageStore::max_pages * hal::page_size;
    if (offset >= max_size) return Errno::efbig;
    if (count > max_size - offset) count = static_cast<usize>(max_size - offset);
    usize done = 0;
    Errno failure {};
    while (done < count) {
        u64 position = offset + done;
        usize in_page = static_cast<usize>(position % hal::page_size);
        usize chunk = hal::page_size - in_page;
        if (chunk > count - done) chunk = count - done;
        u64 index = position / hal::page_size;
        auto page_or_error = page_locked(index);
        if (page_or_error.is_error()) {
            failure = page_or_error.error();
            break;
        }
        u8* page = page_or_error.value();
        if (auto copied = buffer.read(done, page + in_page, chunk); copied.is_error()) {
            failure = copied.error();
            break;
        }
        done += chunk;
    }
    // A short write reports what was written; only a write that wrote nothing fails.
    if (done == 0) return failure;
    if (offset + done > size()) set_size(offset + done);
    touch_modify();
    return done;
}

Result<u8*> TmpfsInode::page_locked(u64 index) {
    if (u8* page = pages_.find(index)) return page;
    TRY(tmpfs().charge_page());
    auto created = pages_.find_or_create(index);
    if (created.is_error()) tmpfs().uncharge_pages(1);
    return created;
}

Result<PhysAddr> TmpfsInode::page_for_mapping(u64 index) {
    if (!is_regular()) return Errno::enodev;
    MutexGuard guard(data_lock_);
    if (index >= (size() + hal::page_size - 1) / hal::page_size) return Errno::efault;  // SIGBUS
    PhysAddr frame = hal::virt_to_phys(TRY(page_locked(index)));
    mm::get_page(frame);
    return frame;
}

Result<void> TmpfsInode::truncate(u64 new_size) {
    if (is_directory()) return Errno::eisdir;
    if (!is_regular()) return Errno::einval;
    if (new_size > PageStore::max_pages * hal::page_size) return Errno::efbig;
    MutexGuard guard(data_lock_);
    u64 old_size = size();
    if (new_size < old_size) {
        // Free whole pages past the end and zero the tail of the last one, so that growing
        // the file again shows zeros.
        u64 first_free = (new_size + hal::page_size - 1) / hal::page_size;
        tmpfs().uncharge_pages(pages_.free_from(first_free));
        if (new_size % hal::page_size)
            if (u8* page = pages_.find(new_size / hal::page_size))
                kstd::memset(page + new_size % hal::page_size, 0, hal::page_size - new_size % hal::page_size);
    }
    set_size(new_size);
    touch_modify();
    return ok();
}

Result<RefPtr<OpenFile>> TmpfsInode::open(const Path& path, int flags) {
    if (type() == abi::s_ifchr) return open_character_device(path, *this, flags);
    if (type() == abi::s_ifblk) return Errno::enxio;  // no block devices yet
    if (type() == abi::s_ififo) return open_fifo(path, *this, flags);
    if (type() == abi::s_ifsock) return Errno::enxio;
    return Inode::open(path, flags);
}

Result<void> register_tmpfs() { return register_file_system_type("tmpfs", TmpfsFileSystem::create_from_options); }

}  // namespace kernel
