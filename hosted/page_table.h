// The authoritative record of a hosted address space: va -> {frame, protection} for each
// mapped 4 KiB page, as a four-level radix tree shaped like x86-64 page tables (9 bits per
// level over a 48-bit address). The stub process only mirrors it; mmap requests from the
// stub are checked against it (docs/security.md).
//
// Not thread-safe: hal::AddressSpace guards it with its lock.
#pragma once

#include <cstdint>

namespace hosted {

struct PageEntry {
    std::uint64_t pa;
    std::uint32_t protection;  // hal::Protection bits
};

class PageTable {
public:
    PageTable() = default;
    ~PageTable();
    PageTable(const PageTable&) = delete;
    PageTable& operator=(const PageTable&) = delete;

    // Maps the page at `va` (page-aligned, below 2^48) to `pa`, replacing what was there.
    // False when a table node could not be allocated (nothing changed then).
    bool set(std::uint64_t va, std::uint64_t pa, std::uint32_t protection);
    // Removes every mapping in [start, end); frees table nodes that become empty.
    void clear(std::uint64_t start, std::uint64_t end);
    // Sets the protection of the mapped pages in [start, end).
    void protect(std::uint64_t start, std::uint64_t end, std::uint32_t protection);
    // The mapping of the page holding `va`.
    bool lookup(std::uint64_t va, PageEntry& entry) const;

    // Calls visitor(va, entry) for the mapped pages in [start, end) in address order until
    // it returns false. Returns false when the visitor stopped the walk.
    template <typename Visitor>
    bool visit(std::uint64_t start, std::uint64_t end, Visitor&& visitor) const {
        auto thunk = [](void* context, std::uint64_t va, const PageEntry& entry) {
            return (*static_cast<Visitor*>(context))(va, entry);
        };
        return visit_raw(start, end, thunk, &visitor);
    }

    std::uint64_t mapped_pages() const { return mapped_pages_; }
    std::uint64_t table_nodes() const { return nodes_; }  // for leak checks in tests

    // Tests: the node allocation after the next `successes` ones fails (once); -1 disarms.
    static void fail_allocation_after(int successes);

    struct Node;  // defined in page_table.cpp

private:
    using RawVisitor = bool (*)(void* context, std::uint64_t va, const PageEntry& entry);
    bool visit_raw(std::uint64_t start, std::uint64_t end, RawVisitor visitor, void* context) const;

    Node* root_ = nullptr;
    std::uint64_t mapped_pages_ = 0;
    std::uint64_t nodes_ = 0;
};

}  // namespace hosted
