#include "memory.h"

#include "../abi/fcntl.h"
#include "../fs/tmpfs/shared_memory.h"
#include "../hal/mmu.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

// mmap flags (Linux x86-64).
constexpr int map_shared = 0x01, map_private = 0x02, map_shared_validate = 0x03, map_type = 0x0f;
constexpr int map_fixed = 0x10, map_anonymous = 0x20, map_growsdown = 0x0100, map_denywrite = 0x0800,
              map_executable = 0x1000, map_locked = 0x2000, map_noreserve = 0x4000, map_populate = 0x8000,
              map_nonblock = 0x10000, map_stack = 0x20000, map_hugetlb = 0x40000, map_sync = 0x80000,
              map_fixed_noreplace = 0x100000, map_uninitialized = 0x4000000;
constexpr int known_flags = map_type | map_fixed | map_anonymous | map_growsdown | map_denywrite | map_executable |
                            map_locked | map_noreserve | map_populate | map_nonblock | map_stack | map_hugetlb |
                            map_sync | map_fixed_noreplace | map_uninitialized | (0x3f << 26);
constexpr int prot_known = 0x7;
constexpr int prot_growsdown = 0x01000000, prot_growsup = 0x02000000;

AddressSpace& current_memory() { return current_user_thread()->process().memory(); }

}  // namespace

Result<long> sys_mmap(uptr address, usize length, int protection, int flags, int fd, u64 offset) {
    // The checks in Linux's order (ksys_mmap_pgoff, do_mmap).
    if (offset % hal::page_size) return Errno::einval;
    if (protection & ~prot_known) return Errno::einval;
    int type = flags & map_type;
    if (type != map_shared && type != map_private && type != map_shared_validate) return Errno::einval;
    if (type == map_shared_validate && (flags & ~known_flags)) return Errno::eopnotsupp;
    if (flags & map_hugetlb) return Errno::einval;  // no huge pages
    if (length == 0) return Errno::einval;
    usize pages_length = align_up<usize>(length, hal::page_size);
    if (pages_length < length || pages_length == 0) return Errno::enomem;
    if (!(flags & map_anonymous) && offset + pages_length < offset) return Errno::eoverflow;

    MapRequest request;
    request.address = address;
    request.length = pages_length;
    request.protection = static_cast<u32>(protection);
    request.shared = type != map_private;
    request.fixed = flags & map_fixed;
    request.no_replace = (flags & map_fixed_noreplace) && !(flags & map_fixed);
    request.grows_down = flags & map_growsdown;
    if (flags & map_anonymous) {
        if (request.shared) {
            // Shared anonymous memory is a file nobody can name, so fork's children and
            // the parent see the same pages (Linux's shmem_zero_setup).
            request.file = TRY(create_shared_memory_file(pages_length));
            request.source = TRY(request.file->mmap_source());
        }
    } else {
        Process& process = current_user_thread()->process();
        RefPtr<OpenFile> file = TRY(process.files().get(fd));
        if (file->is_path_only()) return Errno::ebadf;
        MappingSource source = TRY(file->mmap_source());
        if (!file->is_readable() && source.kind == MappingSource::Kind::pages) return Errno::eacces;
        if (request.shared && source.kind == MappingSource::Kind::pages) {
            if ((protection & hal::prot_write) && !file->is_writable()) return Errno::eacces;
            if ((protection & hal::prot_write) && (file->flags() & abi::o_append)) return Errno::eacces;
            request.may_write = file->is_writable();
        }
        if (source.kind == MappingSource::Kind::anonymous && request.shared) {
            // /dev/zero shared: shared anonymous memory, as above.
            request.file = TRY(create_shared_memory_file(pages_length));
            request.source = TRY(request.file->mmap_source());
        } else {
            if (source.kind == MappingSource::Kind::pages) {
                request.offset = offset;
                request.file = std::move(file);
            }
            request.source = std::move(source);
        }
    }
    uptr mapped = TRY(current_memory().map(std::move(request)));
    return static_cast<long>(mapped);
}

Result<long> sys_munmap(uptr address, usize length) {
    TRY(current_memory().unmap(address, length));
    return 0;
}

Result<long> sys_mprotect(uptr address, usize length, int protection) {
    if (protection & (prot_growsdown | prot_growsup)) return Errno::einval;  // not supported
    if (protection & ~prot_known) return Errno::einval;
    TRY(current_memory().protect(address, length, static_cast<u32>(protection)));
    return 0;
}

Result<long> sys_mremap(uptr old_address, usize old_length, usize new_length, int flags, uptr new_address) {
    uptr moved = TRY(current_memory().remap(old_address, old_length, new_length, static_cast<unsigned>(flags), new_address));
    return static_cast<long>(moved);
}

Result<long> sys_madvise(uptr address, usize length, int advice) {
    constexpr int normal = 0, random = 1, sequential = 2, will_need = 3, dont_need = 4, free = 8, remove = 9,
                  dont_fork = 10, do_fork = 11, mergeable = 12, unmergeable = 13, huge_page = 14,
                  no_huge_page = 15, dont_dump = 16, do_dump = 17, wipe_on_fork = 18, keep_on_fork = 19,
                  cold = 20, page_out = 21;
    if (address % hal::page_size) return Errno::einval;
    switch (advice) {
    case dont_need:
    case free:  // freeing now is a valid MADV_FREE: the pages read as zero or as they were
        TRY(current_memory().discard(address, length));
        return 0;
    case normal:
    case random:
    case sequential:
    case will_need:
    case remove:
    case dont_fork:
    case do_fork:
    case mergeable:
    case unmergeable:
    case huge_page:
    case no_huge_page:
    case dont_dump:
    case do_dump:
    case wipe_on_fork:
    case keep_on_fork:
    case cold:
    case page_out: return 0;  // hints Newt does not act on
    default: return Errno::einval;
    }
}

Result<long> sys_msync(uptr address, usize, int flags) {
    constexpr int ms_async = 1, ms_invalidate = 2, ms_sync = 4;
    if (address % hal::page_size) return Errno::einval;
    if (flags & ~(ms_async | ms_invalidate | ms_sync)) return Errno::einval;
    if ((flags & ms_async) && (flags & ms_sync)) return Errno::einval;
    return 0;  // shared mappings write straight to the file's pages
}

Result<long> sys_brk(uptr address) { return static_cast<long>(current_memory().set_brk(address)); }

}  // namespace kernel
