#include "stub_mapping_check.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "../kernel/hal/physmem.h"
#include "address_space.h"
#include "physmem.h"

namespace hosted {
namespace {

// From <linux/fs.h> of Linux 6.11 (Debian 12's headers predate it).
struct ProcmapQuery {
    std::uint64_t size;
    std::uint64_t query_flags;
    std::uint64_t query_addr;
    std::uint64_t vma_start;
    std::uint64_t vma_end;
    std::uint64_t vma_flags;
    std::uint64_t vma_page_size;
    std::uint64_t vma_offset;
    std::uint64_t inode;
    std::uint32_t dev_major;
    std::uint32_t dev_minor;
    std::uint32_t vma_name_size;
    std::uint32_t build_id_size;
    std::uint64_t vma_name_addr;
    std::uint64_t build_id_addr;
};
static_assert(sizeof(ProcmapQuery) == 104);
constexpr unsigned long procmap_query = _IOWR('f', 17, ProcmapQuery);
constexpr std::uint64_t covering_or_next_vma = 0x10;
constexpr std::uint64_t vma_access_bits = 0x7;  // readable, writable, executable: PROT_* order
constexpr std::uint64_t vma_shared = 0x8;

std::atomic<bool> always_parse {false};

struct Vma {
    std::uint64_t start, end, access, offset, inode;
    bool shared;
};

std::uint64_t ram_inode() {
    static const std::uint64_t inode = [] {
        struct stat status {};
        fstat(physical_memory_fd(), &status);
        return static_cast<std::uint64_t>(status.st_ino);
    }();
    return inode;
}

// The part of `vma` inside [start, end) grants nothing the table does not.
bool vma_within_table(const hal::AddressSpace& space, const Vma& vma, std::uint64_t start, std::uint64_t end) {
    constexpr std::uint64_t page = hal::page_size;
    if (vma.access == 0) return true;  // PROT_NONE: no access at all
    if (!vma.shared || vma.inode != ram_inode()) return false;
    std::uint64_t first = std::max(vma.start, start), last = std::min(vma.end, end);
    std::uint64_t expected = first;
    kernel::SpinlockGuard guard(space.lock);
    bool within = true;
    space.table.visit(first, last, [&](std::uint64_t va, const PageEntry& entry) {
        within = va == expected && entry.pa == vma.offset + (va - vma.start) && (vma.access & ~std::uint64_t(entry.protection)) == 0;
        expected = va + page;
        return within;
    });
    return within && expected == last;
}

// 1: checked and within, 0: not within, -1: the ioctl is not there.
int check_with_query(const hal::AddressSpace& space, int maps_fd, std::uint64_t start, std::uint64_t end) {
    std::uint64_t address = start;
    while (address < end) {
        ProcmapQuery query {};
        query.size = sizeof query;
        query.query_flags = covering_or_next_vma;
        query.query_addr = address;
        if (ioctl(maps_fd, procmap_query, &query) < 0) {
            if (errno == ENOENT) return 1;  // no mapping at or after `address`
            return errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP ? -1 : 0;
        }
        if (query.vma_start >= end) return 1;
        Vma vma {query.vma_start, query.vma_end, query.vma_flags & vma_access_bits, query.vma_offset, query.inode,
                 (query.vma_flags & vma_shared) != 0};
        if (!vma_within_table(space, vma, start, end)) return 0;
        address = query.vma_end;
    }
    return 1;
}

bool check_with_file(const hal::AddressSpace& space, int maps_fd, std::uint64_t start, std::uint64_t end) {
    // The whole file, read from its start each time. On the host heap: kernel stacks are small.
    constexpr std::size_t buffer_size = 16 * 1024;
    std::unique_ptr<char[]> storage(new char[buffer_size]);
    char* buffer = storage.get();
    std::size_t used = 0;
    bool ok = true, eof = false;
    if (lseek(maps_fd, 0, SEEK_SET) != 0) return false;
    while (ok && !eof) {
        ssize_t got = read(maps_fd, buffer + used, buffer_size - 1 - used);
        if (got < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (got == 0) eof = true;
        used += static_cast<std::size_t>(got);
        buffer[used] = '\0';
        char* line = buffer;
        while (char* newline = static_cast<char*>(std::memchr(line, '\n', used - (line - buffer)))) {
            *newline = '\0';
            unsigned long long vma_start, vma_end, vma_offset, inode;
            char perms[5];
            unsigned dev_major, dev_minor;
            if (std::sscanf(line, "%llx-%llx %4s %llx %x:%x %llu", &vma_start, &vma_end, perms, &vma_offset, &dev_major,
                            &dev_minor, &inode) != 7)
                return false;
            if (vma_start < end && vma_end > start) {
                std::uint64_t access = (perms[0] == 'r' ? 1 : 0) | (perms[1] == 'w' ? 2 : 0) | (perms[2] == 'x' ? 4 : 0);
                Vma vma {vma_start, vma_end, access, vma_offset, inode, perms[3] == 's'};
                if (!vma_within_table(space, vma, start, end)) ok = false;
            }
            line = newline + 1;
        }
        // Keep the partial last line for the next read.
        std::size_t rest = used - static_cast<std::size_t>(line - buffer);
        std::memmove(buffer, line, rest);
        used = rest;
        if (used == buffer_size - 1) return false;  // a line longer than the buffer
    }
    return ok;
}

}  // namespace

void parse_stub_maps_file(bool always) { always_parse.store(always); }

bool stub_mappings_within_table(const hal::AddressSpace& space, const UserStub& stub, std::uint64_t start,
                                std::uint64_t end) {
    if (stub.maps_fd < 0) return false;
    if (!always_parse.load()) {
        int result = check_with_query(space, stub.maps_fd, start, end);
        if (result >= 0) return result == 1;
    }
    return check_with_file(space, stub.maps_fd, start, end);
}

}  // namespace hosted
