#include "page_cache.h"

#include "../../kernel/hal/physmem.h"
#include "../../kernel/lib/string.h"
#include "../../kernel/mm/kmalloc.h"
#include "../../kernel/mm/page.h"

namespace hosted::hostfs {

u64 page_checksum(const void* page) {
    // Word-wise multiply-rotate mixing (in the manner of xxHash), then a final avalanche:
    // any change of the page's bytes changes the result except with chance ~2^-64.
    const auto* words = static_cast<const u64*>(page);
    u64 hash = 0x9e3779b97f4a7c15ull;
    for (usize i = 0; i < hal::page_size / sizeof(u64); ++i) {
        hash ^= words[i] * 0xc2b2ae3d27d4eb4full;
        hash = ((hash << 31) | (hash >> 33)) * 0x9e3779b185ebca87ull;
    }
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdull;
    hash ^= hash >> 33;
    return hash;
}

bool PageCache::Page::is_dirty() const { return page_checksum(hal::phys_to_virt(frame)) != checksum; }

usize PageCache::position_of(u64 index) const {
    usize low = 0, high = count_;
    while (low < high) {
        usize middle = low + (high - low) / 2;
        if (pages_[middle].index < index) low = middle + 1;
        else high = middle;
    }
    return low;
}

PageCache::Page* PageCache::find(u64 index) {
    usize position = position_of(index);
    return position < count_ && pages_[position].index == index ? &pages_[position] : nullptr;
}

kernel::Result<PageCache::Page*> PageCache::insert(u64 index, PhysAddr frame, u64 checksum) {
    if (count_ == capacity_) {
        usize capacity = capacity_ ? capacity_ * 2 : 16;
        auto* grown = static_cast<Page*>(kernel::kmalloc(capacity * sizeof(Page)));
        if (!grown) return kernel::Errno::enomem;
        if (count_) kstd::memcpy(grown, pages_, count_ * sizeof(Page));
        kernel::kfree(pages_);
        pages_ = grown;
        capacity_ = capacity;
    }
    // Mappings usually fault pages in ascending order: the insertion is mostly at the end.
    usize position = position_of(index);
    if (position < count_) kstd::memmove(&pages_[position + 1], &pages_[position], (count_ - position) * sizeof(Page));
    pages_[position] = {index, frame, checksum};
    ++count_;
    return &pages_[position];
}

void PageCache::for_each(u64 first, u64 end, kernel::FunctionRef<void(Page&)> visitor) {
    for (usize position = position_of(first); position < count_ && pages_[position].index < end; ++position)
        visitor(pages_[position]);
}

void PageCache::drop_at(usize position) {
    kernel::mm::put_page(pages_[position].frame);  // a mapping may still hold the frame
}

usize PageCache::drop_from(u64 first) {
    usize position = position_of(first);
    usize dropped = count_ - position;
    for (usize i = position; i < count_; ++i) drop_at(i);
    count_ = position;
    if (count_ == 0) {
        kernel::kfree(pages_);
        pages_ = nullptr;
        capacity_ = 0;
    }
    return dropped;
}

usize PageCache::drop_clean() {
    usize kept = 0;
    for (usize i = 0; i < count_; ++i) {
        if (pages_[i].is_dirty()) pages_[kept++] = pages_[i];
        else drop_at(i);
    }
    usize dropped = count_ - kept;
    count_ = kept;
    if (count_ == 0) drop_from(0);
    return dropped;
}

}  // namespace hosted::hostfs
