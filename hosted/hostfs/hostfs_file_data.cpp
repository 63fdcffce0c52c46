// hostfs file contents: read/write/append/truncate go to the host file (pread, pwrite, an
// O_APPEND descriptor, ftruncate); mappings get pages of a per-file cache filled from it,
// whose pages changed through shared mappings are written back (hostfs.h).
#include <fcntl.h>
#include <unistd.h>

#include "../../kernel/fs/character_devices.h"
#include "../../kernel/fs/fifo.h"
#include "../../kernel/fs/open_file.h"
#include "../../kernel/hal/physmem.h"
#include "../../kernel/mm/kmalloc.h"
#include "../../kernel/mm/page.h"
#include "host_calls.h"
#include "hostfs.h"

namespace hosted::hostfs {
namespace {

constexpr usize page_size = hal::page_size;

u64 page_count_for(u64 bytes) { return bytes / page_size + (bytes % page_size != 0); }

// Kernel memory to move data between the host and an IoBuffer (which only copies): up to
// 64 KiB, or one page when the heap has no larger block.
class BounceBuffer {
public:
    explicit BounceBuffer(usize wanted) {
        size_ = wanted < 64 * 1024 ? (wanted ? wanted : 1) : 64 * 1024;
        data_ = static_cast<u8*>(kmalloc(size_));
        if (!data_ && size_ > page_size) data_ = static_cast<u8*>(kmalloc(size_ = page_size));
    }
    ~BounceBuffer() { kfree(data_); }
    BounceBuffer(const BounceBuffer&) = delete;
    BounceBuffer& operator=(const BounceBuffer&) = delete;

    u8* data() const { return data_; }
    usize size() const { return size_; }

private:
    u8* data_;
    usize size_;
};

// Reads `length` bytes at `offset` of host descriptor `fd` into `destination` (fewer at the
// end of the file); returns how many.
Result<usize> read_fully(int fd, u8* destination, usize length, u64 offset) {
    usize done = 0;
    while (done < length) {
        long got = TRY(host_call([&] { return pread(fd, destination + done, length - done, static_cast<off_t>(offset + done)); }));
        if (got == 0) break;
        done += static_cast<usize>(got);
    }
    return done;
}

Result<void> write_fully(int fd, const u8* source, usize length, u64 offset) {
    for (usize done = 0; done < length;) {
        long put = TRY(host_call([&] { return pwrite(fd, source + done, length - done, static_cast<off_t>(offset + done)); }));
        done += static_cast<usize>(put);
    }
    return ok();
}

}  // namespace

// ---- Descriptors ----

Result<int> HostfsInode::reading_fd() {
    int fd = reading_fd_.load(std::memory_order_acquire);
    if (fd >= 0) return fd;
    MutexGuard guard(data_lock_);
    return reading_fd_locked();
}

Result<int> HostfsInode::reading_fd_locked() {
    int fd = reading_fd_.load(std::memory_order_relaxed);
    if (fd >= 0) return fd;
    DescriptorPath path(path_fd_);
    fd = static_cast<int>(TRY(host_call([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); })));
    reading_fd_.store(fd, std::memory_order_release);
    return fd;
}

Result<int> HostfsInode::writing_fd_locked() {
    if (writing_fd_ < 0) {
        DescriptorPath path(path_fd_);
        writing_fd_ = static_cast<int>(TRY(host_call([&] { return ::open(path.c_str(), O_WRONLY | O_CLOEXEC); })));
    }
    return writing_fd_;
}

Result<int> HostfsInode::appending_fd_locked() {
    if (appending_fd_ < 0) {
        DescriptorPath path(path_fd_);
        appending_fd_ =
            static_cast<int>(TRY(host_call([&] { return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC); })));
    }
    return appending_fd_;
}

// ---- The page cache ----

void HostfsInode::revalidate_cache_locked(const FileStat& host) {
    // Someone on the host changed the file since the pages were filled: the clean pages may
    // be stale, so they go (mappings keep the copies they hold); dirty pages stay to be
    // written back over the change, as the guest's latest word.
    if (!pages_.is_empty() && (host.modify_time != cached_modify_time_ || host.change_time != cached_change_time_ ||
                               host.size != cached_size_))
        pages_.drop_clean();
    note_host_state_locked(host);
}

void HostfsInode::note_host_state_locked(const FileStat& host) {
    cached_modify_time_ = host.modify_time;
    cached_change_time_ = host.change_time;
    cached_size_ = host.size;
    has_cached_pages_.store(!pages_.is_empty(), std::memory_order_relaxed);
}

Result<FileStat> HostfsInode::reload_locked() {
    FileStat host = TRY(stat_host_file(path_fd_));
    load_metadata(host);
    return host;
}

Result<void> HostfsInode::write_back_locked(u64 first, u64 end) {
    if (pages_.is_empty()) return ok();
    // Stores past the end of the file stay in memory, as on Linux.
    u64 file_size = TRY(stat_host_file(path_fd_)).size;
    u8* copy = static_cast<u8*>(kmalloc(page_size));
    if (!copy) return Errno::enomem;
    Result<void> result = ok();
    bool wrote = false;
    pages_.for_each(first, end, [&](PageCache::Page& page) {
        u64 start = page.index * page_size;
        if (result.is_error() || start >= file_size) return;
        // A copy, so that a store racing with the write leaves the page dirty.
        kstd::memcpy(copy, hal::phys_to_virt(page.frame), page_size);
        u64 checksum = page_checksum(copy);
        if (checksum == page.checksum) return;
        auto fd = writing_fd_locked();
        if (fd.is_error()) {
            result = fd.error();
            return;
        }
        usize length = file_size - start < page_size ? static_cast<usize>(file_size - start) : page_size;
        result = write_fully(fd.value(), copy, length, start);
        if (result.has_value()) {
            page.checksum = checksum;
            wrote = true;
        }
    });
    kfree(copy);
    if (wrote) {
        // The host file changed by our hand: the cache still matches it.
        if (auto host = reload_locked(); host.has_value()) note_host_state_locked(host.value());
    }
    return result;
}

void HostfsInode::update_cached_pages_locked(u64 offset, const u8* data, usize length) {
    if (pages_.is_empty() || length == 0) return;
    pages_.for_each(offset / page_size, page_count_for(offset + length), [&](PageCache::Page& page) {
        u64 page_start = page.index * page_size;
        u64 from = offset > page_start ? offset : page_start;
        u64 to = offset + length < page_start + page_size ? offset + length : page_start + page_size;
        u8* memory = static_cast<u8*>(hal::phys_to_virt(page.frame));
        kstd::memcpy(memory + (from - page_start), data + (from - offset), static_cast<usize>(to - from));
        page.checksum = page_checksum(memory);
    });
}

// Prepares the cache for a change of the host file by this inode: drops stale pages and
// writes back dirty ones in [first, end) so the change does not lose them.
Result<void> HostfsInode::prepare_cache_for_change_locked(u64 first, u64 end) {
    if (pages_.is_empty()) return ok();
    revalidate_cache_locked(TRY(reload_locked()));
    return write_back_locked(first, end);
}

// After a change by this inode: the new metadata, and the cache still matches the file.
void HostfsInode::finish_change_locked() {
    if (auto host = reload_locked(); host.has_value()) note_host_state_locked(host.value());
}

Result<PhysAddr> HostfsInode::page_for_mapping(u64 index) {
    if (!is_regular()) return Errno::enodev;
    MutexGuard guard(data_lock_);
    FileStat host = TRY(reload_locked());
    revalidate_cache_locked(host);
    if (index >= page_count_for(host.size)) return Errno::efault;  // the mapping's SIGBUS
    if (PageCache::Page* page = pages_.find(index)) {
        mm::get_page(page->frame);
        return page->frame;
    }
    int fd = TRY(reading_fd_locked());
    PhysAddr frame = TRY(mm::allocate_page(false));
    auto* memory = static_cast<u8*>(hal::phys_to_virt(frame));
    auto filled = read_fully(fd, memory, page_size, index * page_size);
    if (filled.is_error()) {
        mm::put_page(frame);
        return filled.error();
    }
    kstd::memset(memory + filled.value(), 0, page_size - filled.value());  // past the end of file
    if (auto inserted = pages_.insert(index, frame, page_checksum(memory)); inserted.is_error()) {
        mm::put_page(frame);
        return inserted.error();
    }
    has_cached_pages_.store(true, std::memory_order_relaxed);
    mm::get_page(frame);  // the mapping's reference; the cache keeps its own
    return frame;
}

usize HostfsInode::cached_pages() {
    MutexGuard guard(data_lock_);
    return pages_.page_count();
}

// ---- Reading and writing ----

Result<usize> HostfsInode::read(u64 offset, IoBuffer& buffer, usize count) {
    if (is_directory()) return Errno::eisdir;
    if (!is_regular()) return Errno::einval;
    if (count == 0) return usize(0);
    if (has_cached_pages_.load(std::memory_order_relaxed)) {
        // Stores through shared mappings are part of the file: the host gets them first.
        MutexGuard guard(data_lock_);
        TRY(prepare_cache_for_change_locked(offset / page_size, page_count_for(offset + count)));
    }
    int fd = TRY(reading_fd());
    BounceBuffer bounce(count);
    if (!bounce.data()) return Errno::enomem;
    usize done = 0;
    while (done < count) {
        usize chunk = count - done < bounce.size() ? count - done : bounce.size();
        auto got = host_call([&] { return pread(fd, bounce.data(), chunk, static_cast<off_t>(offset + done)); });
        if (got.is_error()) {
            if (done) break;
            return got.error();
        }
        if (got.value() == 0) break;
        if (auto copied = buffer.write(done, bounce.data(), static_cast<usize>(got.value())); copied.is_error()) {
            if (done) break;
            return copied.error();
        }
        done += static_cast<usize>(got.value());
        if (static_cast<usize>(got.value()) < chunk) break;  // the end of the file
    }
    return done;
}

Result<usize> HostfsInode::write(u64 offset, const IoBuffer& buffer, usize count) {
    if (is_directory()) return Errno::eisdir;
    if (!is_regular()) return Errno::einval;
    if (count == 0) return usize(0);
    MutexGuard guard(data_lock_);
    int fd = TRY(writing_fd_locked());
    TRY(prepare_cache_for_change_locked(offset / page_size, page_count_for(offset + count)));
    BounceBuffer bounce(count);
    if (!bounce.data()) return Errno::enomem;
    usize done = 0;
    Errno failure {};
    while (done < count) {
        usize chunk = count - done < bounce.size() ? count - done : bounce.size();
        if (auto copied = buffer.read(done, bounce.data(), chunk); copied.is_error()) {
            failure = copied.error();
            break;
        }
        auto put = host_call([&] { return pwrite(fd, bounce.data(), chunk, static_cast<off_t>(offset + done)); });
        if (put.is_error()) {
            failure = put.error();
            break;
        }
        update_cached_pages_locked(offset + done, bounce.data(), static_cast<usize>(put.value()));
        done += static_cast<usize>(put.value());
        if (static_cast<usize>(put.value()) < chunk) break;  // out of space: the next write says so
    }
    finish_change_locked();
    // A short write reports what was written; only a write that wrote nothing fails.
    if (done == 0) return failure;
    return done;
}

Result<usize> HostfsInode::append(const IoBuffer& buffer, usize count, u64& end) {
    if (is_directory()) return Errno::eisdir;
    if (!is_regular()) return Errno::einval;
    // The host's O_APPEND picks the end of file and writes as one step, against writers on
    // the host too; the data lock orders Newt's appenders (and owns the descriptor's offset).
    MutexGuard guard(data_lock_);
    int fd = TRY(appending_fd_locked());
    if (count == 0) {
        end = TRY(reload_locked()).size;
        return usize(0);
    }
    TRY(prepare_cache_for_change_locked(0, ~u64(0)));
    BounceBuffer bounce(count);
    if (!bounce.data()) return Errno::enomem;
    usize done = 0;
    Errno failure {};
    while (done < count) {
        usize chunk = count - done < bounce.size() ? count - done : bounce.size();
        if (auto copied = buffer.read(done, bounce.data(), chunk); copied.is_error()) {
            failure = copied.error();
            break;
        }
        auto put = host_call([&] { return ::write(fd, bounce.data(), chunk); });
        if (put.is_error()) {
            failure = put.error();
            break;
        }
        auto position = host_call([&] { return lseek(fd, 0, SEEK_CUR); });
        if (position.is_error()) {
            failure = position.error();
            break;
        }
        end = static_cast<u64>(position.value());
        update_cached_pages_locked(end - static_cast<u64>(put.value()), bounce.data(), static_cast<usize>(put.value()));
        done += static_cast<usize>(put.value());
        if (static_cast<usize>(put.value()) < chunk) break;
    }
    finish_change_locked();
    if (done == 0) return failure;
    return done;
}

Result<void> HostfsInode::truncate(u64 new_size) {
    if (is_directory()) return Errno::eisdir;
    if (!is_regular()) return Errno::einval;
    MutexGuard guard(data_lock_);
    int fd = TRY(writing_fd_locked());
    // The page holding the new end keeps its dirty bytes below the end; pages after it go,
    // with whatever mappings stored there (as Linux's truncate discards them).
    u64 boundary = new_size / page_size;
    TRY(prepare_cache_for_change_locked(boundary, boundary + 1));
    TRY(host_call([&] { return ftruncate(fd, static_cast<off_t>(new_size)); }));
    pages_.drop_from(page_count_for(new_size));
    if (new_size % page_size) {
        if (PageCache::Page* page = pages_.find(boundary)) {
            // Growing the file again shows zeros there, as the host's file does.
            u8* memory = static_cast<u8*>(hal::phys_to_virt(page->frame));
            kstd::memset(memory + new_size % page_size, 0, page_size - new_size % page_size);
            page->checksum = page_checksum(memory);
        }
    }
    finish_change_locked();
    return ok();
}

Result<void> HostfsInode::sync() {
    if (is_directory()) {
        int fd = static_cast<int>(TRY(host_call([&] { return openat(path_fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); })));
        auto synced = host_call([&] { return fsync(fd); });
        close_host_fd(fd);
        if (synced.is_error()) return synced.error();
        return ok();
    }
    if (!is_regular()) return ok();
    MutexGuard guard(data_lock_);
    TRY(prepare_cache_for_change_locked(0, ~u64(0)));
    int fd = writing_fd_ >= 0 ? writing_fd_ : TRY(reading_fd_locked());
    TRY(host_call([&] { return fsync(fd); }));
    return ok();
}

// ---- Opening ----

Result<RefPtr<OpenFile>> HostfsInode::open(const Path& path, int flags) {
    // Special files are Newt's own, by type and device number, as on any disk (a FIFO is a
    // Newt pipe, not the host's FIFO; /dev/null's numbers open Newt's null device).
    switch (type()) {
    case abi::s_ifchr: return open_character_device(path, *this, flags);
    case abi::s_ififo: return open_fifo(path, *this, flags);
    case abi::s_ifblk:   // no block devices yet
    case abi::s_ifsock:  // sockets are reached by connect(), not open()
        return Errno::enxio;
    default: break;
    }
    if (is_regular()) {
        // The host's answer comes now, as open(2)'s: a file the host will not let Newt write
        // (EACCES, ETXTBSY, EROFS) fails here, not at the first write.
        int access = flags & abi::o_accmode;
        if (access == abi::o_rdonly || access == abi::o_rdwr) TRY(reading_fd());
        if (access == abi::o_wronly || access == abi::o_rdwr) {
            MutexGuard guard(data_lock_);
            TRY(writing_fd_locked());
        }
    }
    refresh_metadata();
    return Inode::open(path, flags);
}

}  // namespace hosted::hostfs
