// kernel/mm AddressSpace and the user-copy functions, on the hosted backend's page tables
// (no stub process: the kernel reaches user memory only through the frames it maps, so
// everything here is what user code would see). Linux semantics from mmap(2), munmap(2),
// mprotect(2), mremap(2), madvise(2), brk(2) and fork(2).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "kernel/abi/fcntl.h"
#include "kernel/fs/vfs.h"
#include "kernel/hal/usermode.h"
#include "kernel/lib/errno.h"
#include "kernel/mm/address_space.h"
#include "kernel/mm/frame_allocator.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/user_memory.h"
#include "tests/unit/kernel/kernel_fixture.h"
#include "tests/unit/kernel/memory_snapshot.h"

namespace {

using namespace kernel;
using newt_test::run_in_kernel;
namespace kabi = kernel::abi;

constexpr uptr page = hal::page_size;
constexpr u32 rw = hal::prot_read | hal::prot_write;
constexpr u32 ro = hal::prot_read;

std::string outcome(Errno error) { return errno_name(error); }
template <typename T>
std::string outcome(const Result<T>& result) {
    return result.is_error() ? std::string(errno_name(result.error())) : std::string("OK");
}
#define EXPECT_OK(expression) EXPECT_EQ(outcome(expression), "OK") << #expression
#define ASSERT_OK(expression) ASSERT_EQ(outcome(expression), "OK") << #expression
#define EXPECT_ERRNO(expression, error) EXPECT_EQ(outcome(expression), outcome(Errno::error)) << #expression

RefPtr<AddressSpace> new_space() {
    auto space = AddressSpace::create();
    EXPECT_OK(space);
    return space.is_error() ? RefPtr<AddressSpace>() : space.value();
}

uptr map_anonymous(AddressSpace& space, usize length, u32 protection = rw, uptr fixed_at = 0) {
    MapRequest request;
    request.length = length;
    request.protection = protection;
    request.address = fixed_at;
    request.fixed = fixed_at != 0;
    auto address = space.map(std::move(request));
    EXPECT_OK(address);
    return address.is_error() ? 0 : address.value();
}

void put(AddressSpace& space, uptr address, const std::string& text) {
    EXPECT_OK(copy_to_user(space, address, text.data(), text.size()));
}

std::string get(AddressSpace& space, uptr address, usize length) {
    std::string text(length, '?');
    auto copied = copy_from_user(space, text.data(), address, length);
    return copied.is_error() ? "<" + outcome(copied) + ">" : text;
}

// Free frames, with ASan's kmalloc quarantine emptied first (freed blocks wait there, and
// large ones hold whole frames).
usize free_frames() {
    kmalloc_drain_quarantine();
    return mm::frame_stats().free_frames;
}

// A tmpfs file with `content`, opened read/write.
RefPtr<OpenFile> make_file(const char* path, const std::string& content, int flags = kabi::o_rdwr) {
    VfsContext context = VfsContext::for_kernel();
    (void)vfs_unlink(context, nullptr, StringView(path, std::strlen(path)));
    auto file = vfs_open(context, nullptr, StringView(path, std::strlen(path)), kabi::o_creat | kabi::o_rdwr, 0644);
    EXPECT_OK(file);
    if (file.is_error()) return {};
    IoBuffer buffer = IoBuffer::kernel(content.data(), content.size());
    EXPECT_OK(file.value()->write(buffer, content.size()));
    if (flags == kabi::o_rdwr) return file.value();
    auto reopened = vfs_open(context, nullptr, StringView(path, std::strlen(path)), flags, 0);
    EXPECT_OK(reopened);
    return reopened.is_error() ? RefPtr<OpenFile>() : reopened.value();
}

std::string file_text(OpenFile& file, usize length) {
    std::string text(length, '?');
    IoBuffer buffer = IoBuffer::kernel(text.data(), length);
    auto count = file.read_at(0, buffer, length);
    text.resize(count.is_error() ? 0 : count.value());
    return text;
}

uptr map_file(AddressSpace& space, RefPtr<OpenFile> file, usize length, u32 protection, bool shared, u64 offset = 0) {
    MapRequest request;
    request.length = length;
    request.protection = protection;
    request.shared = shared;
    request.offset = offset;
    request.may_write = file->is_writable();
    auto source = file->mmap_source();
    EXPECT_OK(source);
    request.source = source.value();
    request.file = std::move(file);
    auto address = space.map(std::move(request));
    EXPECT_OK(address);
    return address.is_error() ? 0 : address.value();
}

usize vma_count(AddressSpace& space) { return space.stats().vma_count; }

TEST(AddressSpace, AnonymousMemoryArrivesZeroedOnFirstTouchAndLeavesWithUnmap) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        usize free_before = free_frames();
        uptr address = map_anonymous(*space, 16 * page);
        ASSERT_NE(address, 0u);
        EXPECT_EQ(address % page, 0u);
        EXPECT_EQ(space->stats().resident_pages, 0u);  // nothing until touched
        EXPECT_EQ(get(*space, address + 5 * page, 8), std::string(8, '\0'));
        put(*space, address + 3 * page - 2, "straddle");  // two pages
        EXPECT_EQ(get(*space, address + 3 * page - 2, 8), "straddle");
        EXPECT_EQ(space->stats().resident_pages, 3u);
        EXPECT_EQ(space->stats().mapped_bytes, 16 * page);
        EXPECT_OK(space->unmap(address, 16 * page));
        EXPECT_EQ(space->stats().resident_pages, 0u);
        EXPECT_EQ(get(*space, address, 1), "<EFAULT>");
        space = nullptr;
        EXPECT_EQ(free_frames(), free_before);
    });
}

TEST(AddressSpace, FaultsSayWhyTheyCannotBeHandled) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr readable = map_anonymous(*space, page, ro);
        uptr none = map_anonymous(*space, page, hal::prot_none);
        EXPECT_EQ(space->handle_fault(readable, hal::access_read), FaultOutcome::handled);
        EXPECT_EQ(space->handle_fault(readable, hal::access_write), FaultOutcome::access_denied);
        EXPECT_EQ(space->handle_fault(readable, hal::access_execute), FaultOutcome::access_denied);
        EXPECT_EQ(space->handle_fault(none, hal::access_read), FaultOutcome::access_denied);
        EXPECT_EQ(space->handle_fault(hal::user_space_start, hal::access_read), FaultOutcome::no_mapping);
        EXPECT_ERRNO(copy_to_user(*space, readable, "x", 1), efault);
        EXPECT_EQ(get(*space, none, 1), "<EFAULT>");
    });
}

TEST(AddressSpace, MmapPlacementFollowsLinuxRules) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr a = map_anonymous(*space, 4 * page);
        uptr b = map_anonymous(*space, 4 * page);
        // Top-down: the second mapping goes below the first, without overlap.
        EXPECT_LE(b + 4 * page, a);
        EXPECT_LT(a + 4 * page, hal::user_space_end);

        MapRequest request;
        request.length = page;
        request.protection = rw;
        request.address = 0x10000000;  // a free hint is taken
        EXPECT_EQ(space->map(request).value(), 0x10000000u);
        request.address = 0x10000000;  // taken now: placed elsewhere
        auto elsewhere = space->map(request);
        ASSERT_OK(elsewhere);
        EXPECT_NE(elsewhere.value(), 0x10000000u);
        request.no_replace = true;  // MAP_FIXED_NOREPLACE
        EXPECT_ERRNO(space->map(request), eexist);
        request.no_replace = false;

        request.fixed = true;
        request.address = 0x10000001;
        EXPECT_ERRNO(space->map(request), einval);  // unaligned
        request.address = 0x1000;                   // below mmap_min_addr
        EXPECT_ERRNO(space->map(request), eperm);
        request.address = hal::user_space_end;
        EXPECT_ERRNO(space->map(request), enomem);
        request.address = 0x10000000;
        request.length = 0;
        EXPECT_ERRNO(space->map(request), einval);
        request.length = ~usize(0) - 100;
        EXPECT_ERRNO(space->map(request), enomem);

        // MAP_FIXED replaces what was there, pages included.
        put(*space, 0x10000000, "old");
        request.length = page;
        EXPECT_EQ(space->map(request).value(), 0x10000000u);
        EXPECT_EQ(get(*space, 0x10000000, 3), std::string(3, '\0'));
    });
}

TEST(AddressSpace, MunmapSplitsAndKeepsTheRest) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr base = map_anonymous(*space, 3 * page);
        put(*space, base, "first");
        put(*space, base + page, "middle");
        put(*space, base + 2 * page, "last");
        EXPECT_EQ(vma_count(*space), 1u);
        EXPECT_OK(space->unmap(base + page, page));
        EXPECT_EQ(vma_count(*space), 2u);
        EXPECT_EQ(get(*space, base, 5), "first");
        EXPECT_EQ(get(*space, base + page, 1), "<EFAULT>");
        EXPECT_EQ(get(*space, base + 2 * page, 4), "last");
        EXPECT_OK(space->unmap(base + page, page));  // nothing there: fine
        EXPECT_ERRNO(space->unmap(base + 1, page), einval);
        EXPECT_ERRNO(space->unmap(base, 0), einval);
        EXPECT_ERRNO(space->unmap(hal::user_space_end - page, 2 * page), einval);
        // A partial page length unmaps the whole page.
        EXPECT_OK(space->unmap(base + 2 * page, 1));
        EXPECT_EQ(get(*space, base + 2 * page, 1), "<EFAULT>");
    });
}

TEST(AddressSpace, MprotectChangesAccessSplitsAndMergesBack) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr base = map_anonymous(*space, 4 * page);
        put(*space, base + page, "data");
        EXPECT_OK(space->protect(base + page, page, ro));
        EXPECT_EQ(vma_count(*space), 3u);
        EXPECT_EQ(get(*space, base + page, 4), "data");
        EXPECT_ERRNO(copy_to_user(*space, base + page, "x", 1), efault);
        EXPECT_EQ(space->handle_fault(base + page, hal::access_write), FaultOutcome::access_denied);
        EXPECT_OK(space->protect(base + page, page, rw));
        EXPECT_EQ(vma_count(*space), 1u);  // merged again
        put(*space, base + page, "DATA");
        EXPECT_EQ(get(*space, base + page, 4), "DATA");

        EXPECT_ERRNO(space->protect(base + 1, page, ro), einval);
        EXPECT_ERRNO(space->protect(base, page, 8), einval);  // unknown bit
        EXPECT_OK(space->protect(base, 0, ro));
        EXPECT_OK(space->unmap(base + 2 * page, page));
        EXPECT_ERRNO(space->protect(base, 4 * page, ro), enomem);  // a hole
        EXPECT_EQ(get(*space, base + page, 4), "DATA");
    });
}

TEST(AddressSpace, ForkSharesPrivatePagesCopyOnWrite) {
    run_in_kernel([] {
        // Frames and heap objects, not raw free frames: the heap's slabs come and go with
        // the objects in them.
        newt_test::MemorySnapshot before = newt_test::memory_snapshot();
        {
            RefPtr<AddressSpace> parent = new_space();
            uptr base = map_anonymous(*parent, 2 * page);
            put(*parent, base, "parent data");
            put(*parent, base + page, "second page");
            auto forked = parent->fork();
            ASSERT_OK(forked);
            RefPtr<AddressSpace> child = forked.value();
            EXPECT_EQ(child->stats().resident_pages, 2u);
            EXPECT_EQ(get(*child, base, 11), "parent data");
            // Shared until someone writes: one frame, two references.
            auto pinned = parent->pin_page(base, hal::access_read);
            ASSERT_OK(pinned);
            EXPECT_EQ(mm::page_references(pinned.value()), 3u);  // parent, child, our pin
            mm::put_page(pinned.value());

            put(*child, base, "child wrote");
            EXPECT_EQ(get(*parent, base, 11), "parent data");
            EXPECT_EQ(get(*child, base, 11), "child wrote");
            put(*parent, base + page, "parent 2nd!");
            EXPECT_EQ(get(*child, base + page, 11), "second page");
            // A page the child never touched stays shared; after the parent's copy the
            // child's is its own and is written in place.
            put(*child, base + page, "child 2nd!!");
            EXPECT_EQ(get(*parent, base + page, 11), "parent 2nd!");
        }
        EXPECT_TRUE(newt_test::memory_returns_to(before));
    });
}

TEST(AddressSpace, SharedFileMappingsWriteTheFileAndPrivateOnesDoNot) {
    run_in_kernel([] {
        RefPtr<OpenFile> file = make_file("/tmp/as-shared", std::string("0123456789") + std::string(page, 'z'));
        RefPtr<AddressSpace> space = new_space();
        uptr shared = map_file(*space, file, 2 * page, rw, true);
        uptr private_copy = map_file(*space, file, 2 * page, rw, false);
        EXPECT_EQ(get(*space, shared, 10), "0123456789");
        EXPECT_EQ(get(*space, private_copy, 10), "0123456789");
        put(*space, shared + 2, "ab");
        EXPECT_EQ(file_text(*file, 10), "01ab456789");
        // A private mapping sees the file until it writes, then only its copy.
        EXPECT_EQ(get(*space, private_copy, 10), "01ab456789");
        put(*space, private_copy, "PRIVATE");
        EXPECT_EQ(file_text(*file, 10), "01ab456789");
        EXPECT_EQ(get(*space, private_copy, 10), "PRIVATE789");
        // An offset into the file.
        uptr second = map_file(*space, file, page, ro, true, page);
        EXPECT_EQ(get(*space, second, 3), "zzz");
        // Past the end of the file: SIGBUS, not a zero page.
        uptr beyond = map_file(*space, file, 4 * page, ro, true);
        EXPECT_EQ(space->handle_fault(beyond + 3 * page, hal::access_read), FaultOutcome::bus_error);
        EXPECT_EQ(get(*space, beyond + 3 * page, 1), "<EFAULT>");
    });
}

TEST(AddressSpace, MprotectRefusesWriteOnASharedMappingOfAReadOnlyFile) {
    run_in_kernel([] {
        RefPtr<OpenFile> file = make_file("/tmp/as-readonly", "read only", kabi::o_rdonly);
        RefPtr<AddressSpace> space = new_space();
        uptr shared = map_file(*space, file, page, ro, true);
        EXPECT_ERRNO(space->protect(shared, page, rw), eacces);
        uptr private_copy = map_file(*space, file, page, ro, false);
        EXPECT_OK(space->protect(private_copy, page, rw));  // private: a copy is written
        put(*space, private_copy, "READ");
        EXPECT_EQ(file_text(*file, 9), "read only");
    });
}

TEST(AddressSpace, BrkGrowsAndShrinksTheHeap) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr start = 0x600000;
        space->set_brk_start(start);
        EXPECT_EQ(space->set_brk(0), start);          // brk(0) reports the break
        EXPECT_EQ(space->set_brk(start - 1), start);  // below the start: unchanged
        EXPECT_EQ(space->set_brk(start + 10000), start + 10000);
        put(*space, start + 9999, "x");
        EXPECT_EQ(get(*space, start + 3 * page, 1), "<EFAULT>");  // past the rounded break
        EXPECT_EQ(space->set_brk(start + 10), start + 10);
        EXPECT_EQ(get(*space, start + 9999, 1), "<EFAULT>");
        EXPECT_EQ(space->set_brk(start + 10000), start + 10000);
        EXPECT_EQ(get(*space, start + 9999, 1), std::string(1, '\0'));  // new memory is zero
        // The heap cannot grow into another mapping (nor to a page before it).
        map_anonymous(*space, page, rw, start + 8 * page);
        EXPECT_EQ(space->set_brk(start + 8 * page), start + 10000);
        EXPECT_EQ(space->set_brk(start + 7 * page), start + 7 * page);
        EXPECT_EQ(vma_count(*space), 2u);  // one heap VMA, grown in place
    });
}

TEST(AddressSpace, TheStackGrowsDownToItsLimitAndKeepsAGuardGap) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr top = 0x7000000000;
        space->set_layout(0, top, 64 * page);
        MapRequest request;
        request.address = top - 4 * page;
        request.length = 4 * page;
        request.protection = rw;
        request.fixed = true;
        request.grows_down = true;
        request.role = VmaRole::stack;
        ASSERT_OK(space->map(request));
        put(*space, top - 10 * page, "deeper");  // below the VMA: it grows
        EXPECT_EQ(get(*space, top - 10 * page, 6), "deeper");
        EXPECT_EQ(space->handle_fault(top - 64 * page, hal::access_write), FaultOutcome::handled);
        EXPECT_EQ(space->handle_fault(top - 65 * page, hal::access_write), FaultOutcome::no_mapping);  // limit
        // A mapping just below: the stack stops a guard gap (256 pages) above it.
        RefPtr<AddressSpace> other = new_space();
        other->set_layout(0, top, 1024 * page);
        ASSERT_OK(other->map(request));
        map_anonymous(*other, page, rw, top - 4 * page - 300 * page);
        EXPECT_EQ(other->handle_fault(top - 4 * page - 40 * page, hal::access_write), FaultOutcome::handled);
        EXPECT_EQ(other->handle_fault(top - 4 * page - 60 * page, hal::access_write), FaultOutcome::no_mapping);
    });
}

TEST(AddressSpace, MremapShrinksGrowsAndMovesWithTheData) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr base = map_anonymous(*space, 4 * page);
        put(*space, base, "keep me");
        put(*space, base + 3 * page, "tail");
        EXPECT_EQ(space->remap(base, 4 * page, 2 * page, 0, 0).value(), base);  // shrink
        EXPECT_EQ(get(*space, base + 3 * page, 1), "<EFAULT>");
        EXPECT_EQ(space->remap(base, 2 * page, 3 * page, 0, 0).value(), base);  // grow in place
        EXPECT_EQ(get(*space, base + 2 * page, 1), std::string(1, '\0'));
        // Blocked right after: without MREMAP_MAYMOVE, ENOMEM; with it, the data moves.
        map_anonymous(*space, page, rw, base + 3 * page);
        EXPECT_ERRNO(space->remap(base, 3 * page, 8 * page, 0, 0), enomem);
        auto moved = space->remap(base, 3 * page, 8 * page, 1, 0);
        ASSERT_OK(moved);
        EXPECT_NE(moved.value(), base);
        EXPECT_EQ(get(*space, moved.value(), 7), "keep me");
        EXPECT_EQ(get(*space, base, 1), "<EFAULT>");
        // MREMAP_FIXED to a chosen place.
        uptr target = 0x20000000;
        EXPECT_EQ(space->remap(moved.value(), 8 * page, page, 3, target).value(), target);
        EXPECT_EQ(get(*space, target, 7), "keep me");
        EXPECT_ERRNO(space->remap(target, page, page, 2, target + page), einval);  // FIXED without MAYMOVE
        EXPECT_ERRNO(space->remap(0x30000000, page, page, 0, 0), efault);       // nothing there
        EXPECT_ERRNO(space->remap(target, page, 0, 0, 0), einval);
        EXPECT_ERRNO(space->remap(target + 1, page, page, 0, 0), einval);
    });
}

TEST(AddressSpace, MadviseDontneedDropsPages) {
    run_in_kernel([] {
        RefPtr<OpenFile> file = make_file("/tmp/as-dontneed", "file text");
        RefPtr<AddressSpace> space = new_space();
        uptr anonymous = map_anonymous(*space, 2 * page);
        put(*space, anonymous, "scribble");
        EXPECT_OK(space->discard(anonymous, 2 * page));
        EXPECT_EQ(get(*space, anonymous, 8), std::string(8, '\0'));
        uptr private_copy = map_file(*space, file, page, rw, false);
        put(*space, private_copy, "FILE");
        EXPECT_EQ(get(*space, private_copy, 9), "FILE text");
        EXPECT_OK(space->discard(private_copy, page));
        EXPECT_EQ(get(*space, private_copy, 9), "file text");  // back to the file's page
        EXPECT_ERRNO(space->discard(anonymous + 1, page), einval);
        EXPECT_OK(space->unmap(anonymous + page, page));
        EXPECT_ERRNO(space->discard(anonymous, 2 * page), enomem);  // a hole
    });
}

TEST(AddressSpace, WildPointersAreEfault) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr base = map_anonymous(*space, page);
        char buffer[16];
        EXPECT_ERRNO(copy_from_user(*space, buffer, 0, 1), efault);
        EXPECT_ERRNO(copy_from_user(*space, buffer, hal::user_space_end, 1), efault);
        EXPECT_ERRNO(copy_from_user(*space, buffer, ~uptr(0) - 4, 8), efault);  // wraps
        EXPECT_ERRNO(copy_to_user(*space, 0xffff800000000000, "x", 1), efault);  // the kernel's half
        EXPECT_ERRNO(copy_from_user(*space, buffer, base + page - 4, 8), efault);  // runs off the end
        EXPECT_OK(copy_from_user(*space, buffer, base, 0));
        EXPECT_ERRNO(clear_user(*space, base + page, 1), efault);
        EXPECT_OK(clear_user(*space, base, page));
    });
}

TEST(AddressSpace, StringsFromUserMemory) {
    run_in_kernel([] {
        RefPtr<AddressSpace> space = new_space();
        uptr base = map_anonymous(*space, page);
        char buffer[64];
        put(*space, base, std::string("hello") + '\0');
        EXPECT_EQ(copy_string_from_user(*space, buffer, base, sizeof buffer).value(), 5u);
        EXPECT_STREQ(buffer, "hello");
        EXPECT_ERRNO(copy_string_from_user(*space, buffer, base, 5), enametoolong);  // no room for the NUL
        // A string running into an unmapped page is EFAULT; one ending exactly there is fine.
        put(*space, base + page - 3, "ab");
        put(*space, base + page - 1, std::string(1, '\0'));
        EXPECT_EQ(copy_string_from_user(*space, buffer, base + page - 3, sizeof buffer).value(), 2u);
        put(*space, base + page - 3, "abc");
        EXPECT_ERRNO(copy_string_from_user(*space, buffer, base + page - 3, sizeof buffer), efault);
    });
}

// read() into a private mapping of the very file being read: the user pages are pinned
// before the file's lock is taken, so the page faults happen outside it.
TEST(AddressSpace, ReadIntoAMappingOfTheSameFileThroughPinnedPages) {
    run_in_kernel([] {
        std::string content(3 * page, 'a');
        content.replace(page, 5, "HELLO");
        RefPtr<OpenFile> file = make_file("/tmp/as-pinned", content);
        RefPtr<AddressSpace> space = new_space();
        uptr mapping = map_file(*space, file, 3 * page, rw, true);
        PinnedUserRange pinned;
        ASSERT_OK(pinned.pin(*space, mapping + 2 * page, page, hal::access_write));
        IoBuffer buffer = pinned.buffer();
        EXPECT_EQ(file->read_at(page, buffer, page).value(), page);  // page 1 into page 2
        pinned.release();
        EXPECT_EQ(file_text(*file, 3 * page).substr(2 * page, 5), "HELLO");
        // A range that runs into unmapped memory pins its valid prefix.
        uptr anonymous = map_anonymous(*space, 2 * page);
        EXPECT_OK(space->unmap(anonymous + page, page));
        ASSERT_OK(pinned.pin(*space, anonymous + 100, 2 * page, hal::access_read));
        EXPECT_EQ(pinned.length(), page - 100);
        EXPECT_ERRNO(pinned.pin(*space, anonymous + page, 10, hal::access_read), efault);
    });
}

TEST(AddressSpace, ForkAndTeardownCyclesReturnEveryFrame) {
    run_in_kernel([] {
        RefPtr<AddressSpace> parent = new_space();
        uptr base = map_anonymous(*parent, 8 * page);
        for (int i = 0; i < 8; ++i) put(*parent, base + i * page, "page");
        // Warm-up: the kernel heap's caches fill on first use.
        { auto child = parent->fork(); }
        newt_test::MemorySnapshot before = newt_test::memory_snapshot();
        for (int cycle = 0; cycle < 200; ++cycle) {
            auto child = parent->fork();
            ASSERT_OK(child);
            put(*child.value(), base + (cycle % 8) * page, "mine");
            uptr more = map_anonymous(*child.value(), 4 * page);
            put(*child.value(), more, "more");
        }
        EXPECT_TRUE(newt_test::memory_returns_to(before));
    });
}

}  // namespace
