// PageStore: the pages of a tmpfs file, indexed by page number in a four-level radix tree
// of 512-way nodes (files up to 2^48 bytes). Missing pages are holes and read as zeros.
// The pages are reference-counted (mm/page.h): the store holds one reference to each, and
// mappings of the file hold their own, so a page truncated away lives until it is unmapped.
#pragma once

#include <atomic>

#include "../../lib/result.h"
#include "../../lib/types.h"

namespace kernel {

class PageStore {
public:
    static constexpr u64 max_pages = u64(1) << 36;  // 512^4

    PageStore() = default;
    ~PageStore() { free_from(0); }
    PageStore(const PageStore&) = delete;
    PageStore& operator=(const PageStore&) = delete;

    // The page's memory, or nullptr for a hole.
    u8* find(u64 index) const;
    // The page's memory, allocating a zeroed page for a hole (ENOMEM).
    Result<u8*> find_or_create(u64 index);
    // Frees every page at `first` and above; returns how many were freed.
    usize free_from(u64 first);
    // Readable without the file's lock (stat reports it as st_blocks).
    usize page_count() const { return pages_.load(std::memory_order_relaxed); }

private:
    void** root_ = nullptr;
    std::atomic<usize> pages_ {0};  // changed only under the file's lock
};

}  // namespace kernel
