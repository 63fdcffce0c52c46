#include "page_store.h"

#include "../../hal/physmem.h"
#include "../../lib/string.h"
#include "../../mm/page.h"
#include "../../mm/kmalloc.h"

namespace kernel {
namespace {

constexpr unsigned levels = 4;
constexpr unsigned fanout = 512;

unsigned slot(u64 index, unsigned level) { return static_cast<unsigned>((index >> (9 * level)) & (fanout - 1)); }

void** new_node() { return static_cast<void**>(kzalloc(fanout * sizeof(void*))); }

// Frees pages >= first below `node` (covering `level`, whose first page is `base`); returns
// whether the node is now empty, and counts freed pages.
bool prune(void** node, unsigned level, u64 base, u64 first, usize& freed) {
    bool empty = true;
    u64 span = u64(1) << (9 * level);
    for (unsigned i = 0; i < fanout; ++i) {
        if (!node[i]) continue;
        u64 start = base + i * span;
        if (start + span <= first) {
            empty = false;
            continue;
        }
        if (level == 0) {
            mm::put_page(hal::virt_to_phys(node[i]));  // a mapping may still hold the frame
            node[i] = nullptr;
            ++freed;
        } else {
            auto** child = static_cast<void**>(node[i]);
            if (prune(child, level - 1, start, first, freed)) {
                kfree(child);
                node[i] = nullptr;
            } else {
                empty = false;
            }
        }
    }
    return empty;
}

}  // namespace

u8* PageStore::find(u64 index) const {
    if (index >= max_pages || !root_) return nullptr;
    void** node = root_;
    for (unsigned level = levels - 1; level > 0; --level) {
        node = static_cast<void**>(node[slot(index, level)]);
        if (!node) return nullptr;
    }
    return static_cast<u8*>(node[slot(index, 0)]);
}

Result<u8*> PageStore::find_or_create(u64 index) {
    if (index >= max_pages) return Errno::efbig;
    if (!root_ && !(root_ = new_node())) return Errno::enomem;
    void** node = root_;
    for (unsigned level = levels - 1; level > 0; --level) {
        void*& next = node[slot(index, level)];
        if (!next && !(next = new_node())) return Errno::enomem;
        node = static_cast<void**>(next);
    }
    void*& page = node[slot(index, 0)];
    if (!page) {
        PhysAddr frame = TRY(mm::allocate_page());
        page = hal::phys_to_virt(frame);
        pages_.fetch_add(1, std::memory_order_relaxed);
    }
    return static_cast<u8*>(page);
}

usize PageStore::free_from(u64 first) {
    if (!root_) return 0;
    usize freed = 0;
    if (prune(root_, levels - 1, 0, first, freed)) {
        kfree(root_);
        root_ = nullptr;
    }
    pages_.fetch_sub(freed, std::memory_order_relaxed);
    return freed;
}

}  // namespace kernel
