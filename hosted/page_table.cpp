#include "page_table.h"

#include <algorithm>
#include <atomic>
#include <new>

namespace hosted {

namespace {

constexpr unsigned levels = 4;  // level 3 is the root, level 0 holds the page entries
constexpr unsigned slots_per_node = 512;
constexpr std::uint64_t page_mask = 0xfff;
// A leaf slot: the frame's address with the flags in the low bits it never uses.
constexpr std::uint64_t slot_present = 1u << 0;
constexpr unsigned slot_protection_shift = 1;
constexpr std::uint64_t slot_protection_mask = 0x7;

constexpr unsigned shift_of(unsigned level) { return 12 + 9 * level; }
constexpr unsigned index_of(std::uint64_t va, unsigned level) { return (va >> shift_of(level)) & (slots_per_node - 1); }

std::atomic<int> allocations_before_failure {-1};

PageEntry decode(std::uint64_t slot) {
    return {slot & ~page_mask, static_cast<std::uint32_t>((slot >> slot_protection_shift) & slot_protection_mask)};
}

std::uint64_t encode(std::uint64_t pa, std::uint32_t protection) {
    return (pa & ~page_mask) | ((protection & slot_protection_mask) << slot_protection_shift) | slot_present;
}

// The slots of a node at `level` based at `base` that overlap [start, end) (end > start).
struct SlotRange {
    unsigned first;
    unsigned last;  // inclusive
};
SlotRange overlap(unsigned level, std::uint64_t base, std::uint64_t start, std::uint64_t end) {
    unsigned shift = shift_of(level);
    std::uint64_t node_last = base + ((std::uint64_t(slots_per_node) << shift) - 1);
    std::uint64_t first = start > base ? start : base;
    std::uint64_t last = std::min(end - 1, node_last);
    return {static_cast<unsigned>((first - base) >> shift), static_cast<unsigned>((last - base) >> shift)};
}

}  // namespace

struct PageTable::Node {
    // Leaves hold encoded entries; other levels hold child Node pointers.
    std::uint64_t slots[slots_per_node] {};
    unsigned used = 0;

    Node* child(unsigned index) const { return reinterpret_cast<Node*>(slots[index]); }
};

namespace {

using Node = PageTable::Node;

void free_subtree(Node* node, unsigned level, std::uint64_t& nodes) {
    if (level > 0) {
        for (unsigned i = 0; i < slots_per_node; ++i)
            if (Node* child = node->child(i)) free_subtree(child, level - 1, nodes);
    }
    delete node;
    --nodes;
}

void clear_node(Node* node, unsigned level, std::uint64_t base, std::uint64_t start, std::uint64_t end,
                std::uint64_t& pages, std::uint64_t& nodes) {
    SlotRange range = overlap(level, base, start, end);
    for (unsigned i = range.first; i <= range.last; ++i) {
        if (level == 0) {
            if (node->slots[i] & slot_present) {
                node->slots[i] = 0;
                --node->used;
                --pages;
            }
            continue;
        }
        Node* child = node->child(i);
        if (!child) continue;
        clear_node(child, level - 1, base + (std::uint64_t(i) << shift_of(level)), start, end, pages, nodes);
        if (child->used == 0) {
            delete child;
            --nodes;
            node->slots[i] = 0;
            --node->used;
        }
    }
}

void protect_node(Node* node, unsigned level, std::uint64_t base, std::uint64_t start, std::uint64_t end,
                  std::uint32_t protection) {
    SlotRange range = overlap(level, base, start, end);
    for (unsigned i = range.first; i <= range.last; ++i) {
        if (level == 0) {
            if (node->slots[i] & slot_present) node->slots[i] = encode(node->slots[i], protection);
        } else if (Node* child = node->child(i)) {
            protect_node(child, level - 1, base + (std::uint64_t(i) << shift_of(level)), start, end, protection);
        }
    }
}

template <typename RawVisitor>
bool visit_node(const Node* node, unsigned level, std::uint64_t base, std::uint64_t start, std::uint64_t end,
                RawVisitor visitor, void* context) {
    SlotRange range = overlap(level, base, start, end);
    for (unsigned i = range.first; i <= range.last; ++i) {
        std::uint64_t slot_base = base + (std::uint64_t(i) << shift_of(level));
        if (level == 0) {
            if ((node->slots[i] & slot_present) && !visitor(context, slot_base, decode(node->slots[i]))) return false;
        } else if (const Node* child = node->child(i)) {
            if (!visit_node(child, level - 1, slot_base, start, end, visitor, context)) return false;
        }
    }
    return true;
}

constexpr std::uint64_t address_limit = std::uint64_t(1) << shift_of(levels);

}  // namespace

PageTable::~PageTable() {
    if (root_) free_subtree(root_, levels - 1, nodes_);
}

void PageTable::fail_allocation_after(int successes) { allocations_before_failure.store(successes); }

bool PageTable::set(std::uint64_t va, std::uint64_t pa, std::uint32_t protection) {
    auto allocate = [this]() -> Node* {
        int countdown = allocations_before_failure.load();
        while (countdown >= 0 && !allocations_before_failure.compare_exchange_weak(countdown, countdown - 1)) {
        }
        if (countdown == 0) return nullptr;
        Node* node = new (std::nothrow) Node();
        if (node) ++nodes_;
        return node;
    };
    if (!root_ && !(root_ = allocate())) return false;
    Node* node = root_;
    for (unsigned level = levels - 1; level > 0; --level) {
        unsigned index = index_of(va, level);
        Node* child = node->child(index);
        if (!child) {
            child = allocate();
            if (!child) {
                clear(va, va + page_mask + 1);  // frees the empty nodes made on the way down
                return false;
            }
            node->slots[index] = reinterpret_cast<std::uint64_t>(child);
            ++node->used;
        }
        node = child;
    }
    std::uint64_t& slot = node->slots[index_of(va, 0)];
    if (!(slot & slot_present)) {
        ++node->used;
        ++mapped_pages_;
    }
    slot = encode(pa, protection);
    return true;
}

void PageTable::clear(std::uint64_t start, std::uint64_t end) {
    end = std::min(end, address_limit);
    if (!root_ || start >= end) return;
    clear_node(root_, levels - 1, 0, start, end, mapped_pages_, nodes_);
    if (root_->used == 0) {
        delete root_;
        --nodes_;
        root_ = nullptr;
    }
}

void PageTable::protect(std::uint64_t start, std::uint64_t end, std::uint32_t protection) {
    end = std::min(end, address_limit);
    if (!root_ || start >= end) return;
    protect_node(root_, levels - 1, 0, start, end, protection);
}

bool PageTable::lookup(std::uint64_t va, PageEntry& entry) const {
    if (va >= address_limit) return false;
    const Node* node = root_;
    for (unsigned level = levels - 1; node && level > 0; --level) node = node->child(index_of(va, level));
    if (!node) return false;
    std::uint64_t slot = node->slots[index_of(va, 0)];
    if (!(slot & slot_present)) return false;
    entry = decode(slot);
    return true;
}

bool PageTable::visit_raw(std::uint64_t start, std::uint64_t end, RawVisitor visitor, void* context) const {
    end = std::min(end, address_limit);
    if (!root_ || start >= end) return true;
    return visit_node(root_, levels - 1, 0, start, end, visitor, context);
}

}  // namespace hosted
