// PageCache: the pages of a hostfs file that mappings use (Inode::page_for_mapping). Each
// page was filled from the host file and holds one reference for the cache (mm/page.h);
// mappings hold their own. Beside each page the cache keeps a checksum of the contents the
// host file had there when the page was last read from or written to it: a page whose
// checksum no longer matches was changed through a shared mapping and is dirty.
//
// Not locked: the owning inode's data lock guards it.
#pragma once

#include "../../kernel/lib/function_ref.h"
#include "../../kernel/lib/result.h"
#include "../../kernel/lib/types.h"

namespace hosted::hostfs {

using kernel::PhysAddr;
using kernel::u64;
using kernel::usize;

// A 64-bit checksum of one page's bytes.
u64 page_checksum(const void* page);

class PageCache {
public:
    struct Page {
        u64 index;
        PhysAddr frame;
        u64 checksum;  // of the contents the host file has for this page

        bool is_dirty() const;
    };

    PageCache() = default;
    ~PageCache() { drop_from(0); }
    PageCache(const PageCache&) = delete;
    PageCache& operator=(const PageCache&) = delete;

    bool is_empty() const { return count_ == 0; }
    usize page_count() const { return count_; }
    Page* find(u64 index);
    // Adds page `index` (not cached yet), taking over the caller's reference to `frame`;
    // ENOMEM (the reference stays the caller's).
    kernel::Result<Page*> insert(u64 index, PhysAddr frame, u64 checksum);
    // Visits the cached pages with first <= index < end, in index order.
    void for_each(u64 first, u64 end, kernel::FunctionRef<void(Page&)> visitor);
    // Drops the pages at `first` and above (mappings keep theirs); returns how many.
    usize drop_from(u64 first);
    // Drops the clean pages (the host file changed under them); returns how many.
    usize drop_clean();

private:
    // The position where page `index` is or would be inserted.
    usize position_of(u64 index) const;
    void drop_at(usize position);

    Page* pages_ = nullptr;  // sorted by index
    usize count_ = 0;
    usize capacity_ = 0;
};

}  // namespace hosted::hostfs
