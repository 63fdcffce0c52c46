// The hosted page table (hosted/page_table) on its own, against a std::map model.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "hosted/page_table.h"

using hosted::PageEntry;
using hosted::PageTable;

namespace {

constexpr std::uint64_t page = 4096;

std::vector<std::pair<std::uint64_t, PageEntry>> contents(const PageTable& table, std::uint64_t start = 0,
                                                           std::uint64_t end = std::uint64_t(1) << 48) {
    std::vector<std::pair<std::uint64_t, PageEntry>> pages;
    table.visit(start, end, [&](std::uint64_t va, const PageEntry& entry) {
        pages.push_back({va, entry});
        return true;
    });
    return pages;
}

TEST(PageTable, SetLookupReplaceAndClear) {
    PageTable table;
    PageEntry entry {};
    EXPECT_FALSE(table.lookup(0x400000, entry));
    ASSERT_TRUE(table.set(0x400000, 0x123000, 5));
    ASSERT_TRUE(table.lookup(0x400000, entry));
    EXPECT_EQ(entry.pa, 0x123000u);
    EXPECT_EQ(entry.protection, 5u);
    // Any address inside the page finds it; the neighbours are empty.
    ASSERT_TRUE(table.lookup(0x400fff, entry));
    EXPECT_FALSE(table.lookup(0x3ff000, entry));
    EXPECT_FALSE(table.lookup(0x401000, entry));
    ASSERT_TRUE(table.set(0x400000, 0x777000, 0));  // prot_none is still a mapping
    ASSERT_TRUE(table.lookup(0x400000, entry));
    EXPECT_EQ(entry.pa, 0x777000u);
    EXPECT_EQ(entry.protection, 0u);
    EXPECT_EQ(table.mapped_pages(), 1u);
    table.clear(0x400000, 0x401000);
    EXPECT_FALSE(table.lookup(0x400000, entry));
    EXPECT_EQ(table.mapped_pages(), 0u);
    EXPECT_EQ(table.table_nodes(), 0u) << "empty nodes are freed";
}

TEST(PageTable, WalkIsInAddressOrderAndClipped) {
    PageTable table;
    // Pages spread over different leaves, directories and top-level slots.
    std::vector<std::uint64_t> addresses = {0x7effffffe000, 0x10000, 0x200000, 0x1ff000, 0x40000000, 0x8000000000, 0x11000};
    for (std::uint64_t va : addresses) ASSERT_TRUE(table.set(va, va / 2 & ~(page - 1), 1));
    std::sort(addresses.begin(), addresses.end());
    auto pages = contents(table);
    ASSERT_EQ(pages.size(), addresses.size());
    for (size_t i = 0; i < pages.size(); ++i) {
        EXPECT_EQ(pages[i].first, addresses[i]);
        EXPECT_EQ(pages[i].second.pa, addresses[i] / 2 & ~(page - 1));
    }
    auto middle = contents(table, 0x11000, 0x40000000);
    ASSERT_EQ(middle.size(), 3u);
    EXPECT_EQ(middle[0].first, 0x11000u);
    EXPECT_EQ(middle[2].first, 0x200000u);
    // A visitor that stops is not called again.
    int calls = 0;
    EXPECT_FALSE(table.visit(0, std::uint64_t(1) << 48, [&](std::uint64_t, const PageEntry&) { return ++calls < 2; }));
    EXPECT_EQ(calls, 2);
}

TEST(PageTable, ProtectChangesOnlyMappedPagesInRange) {
    PageTable table;
    for (std::uint64_t va = 0x10000; va < 0x20000; va += 2 * page) ASSERT_TRUE(table.set(va, va, 7));
    table.protect(0x14000, 0x18000, 1);
    for (auto& [va, entry] : contents(table)) EXPECT_EQ(entry.protection, va >= 0x14000 && va < 0x18000 ? 1u : 7u) << std::hex << va;
    PageEntry entry {};
    EXPECT_FALSE(table.lookup(0x15000, entry)) << "protect must not create mappings";
}

TEST(PageTable, FailedAllocationLeavesTableUnchanged) {
    PageTable table;
    ASSERT_TRUE(table.set(0x10000, 0x1000, 1));
    std::uint64_t nodes = table.table_nodes();
    // A page in another top-level slot needs three new nodes: let each of them fail in turn.
    for (int successes = 0; successes < 3; ++successes) {
        PageTable::fail_allocation_after(successes);
        EXPECT_FALSE(table.set(0x700000000000, 0x2000, 1));
        PageTable::fail_allocation_after(-1);
        EXPECT_EQ(table.table_nodes(), nodes) << "nodes made before the failure are freed";
        EXPECT_EQ(table.mapped_pages(), 1u);
    }
    EXPECT_TRUE(table.set(0x700000000000, 0x2000, 1));
    EXPECT_EQ(table.table_nodes(), nodes + 3);
}

TEST(PageTable, RandomOperationsMatchAModel) {
    std::mt19937_64 random(42);
    PageTable table;
    std::map<std::uint64_t, PageEntry> model;
    // A few clusters so that ranges hit shared and separate table nodes.
    const std::uint64_t bases[] = {0x10000, 0x3fe00000, 0x7efffff00000, 0x5500000000};
    auto random_va = [&] { return bases[random() % 4] + (random() % 1024) * page; };
    for (int step = 0; step < 20000; ++step) {
        std::uint64_t va = random_va();
        switch (random() % 4) {
        case 0:
        case 1: {
            PageEntry entry {(random() % 100000) * page, static_cast<std::uint32_t>(random() % 8)};
            ASSERT_TRUE(table.set(va, entry.pa, entry.protection));
            model[va] = entry;
            break;
        }
        case 2: {
            std::uint64_t end = va + (random() % 64) * page;
            table.clear(va, end);
            model.erase(model.lower_bound(va), model.lower_bound(end));
            break;
        }
        case 3: {
            std::uint64_t end = va + (random() % 64) * page;
            std::uint32_t protection = random() % 8;
            table.protect(va, end, protection);
            for (auto it = model.lower_bound(va); it != model.lower_bound(end); ++it) it->second.protection = protection;
            break;
        }
        }
        if (step % 1000 == 0 || step == 19999) {
            auto pages = contents(table);
            ASSERT_EQ(pages.size(), model.size());
            ASSERT_EQ(table.mapped_pages(), model.size());
            size_t i = 0;
            for (auto& [model_va, model_entry] : model) {
                ASSERT_EQ(pages[i].first, model_va);
                ASSERT_EQ(pages[i].second.pa, model_entry.pa);
                ASSERT_EQ(pages[i].second.protection, model_entry.protection);
                PageEntry found {};
                ASSERT_TRUE(table.lookup(model_va + 123, found));
                ASSERT_EQ(found.pa, model_entry.pa);
                ++i;
            }
        }
    }
    table.clear(0, std::uint64_t(1) << 48);
    EXPECT_EQ(table.mapped_pages(), 0u);
    EXPECT_EQ(table.table_nodes(), 0u);
}

}  // namespace
