// kernel::IntrusiveList: linking, unlinking, iteration, and a randomized comparison with
// std::list.
#include "kernel/lib/intrusive_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <iterator>
#include <list>
#include <random>
#include <vector>

namespace {

using kernel::IntrusiveList;
using kernel::IntrusiveListNode;

struct Item {
    explicit Item(int v = 0) : value(v) {}
    int value;
    char padding[13] = {};  // puts the second node at an odd offset
    IntrusiveListNode node;
    IntrusiveListNode other_node;
};

using List = IntrusiveList<Item, &Item::node>;
using OtherList = IntrusiveList<Item, &Item::other_node>;

template <typename L>
std::vector<int> values_of(const L& list) {
    std::vector<int> values;
    for (const Item& item : list) values.push_back(item.value);
    return values;
}

// The same order walked with first()/next(), and backwards consistency through last().
template <typename L>
std::vector<int> values_by_next(const L& list) {
    std::vector<int> values;
    for (Item* item = list.first(); item; item = list.next(*item)) values.push_back(item->value);
    return values;
}

TEST(IntrusiveList, StartsEmpty) {
    List list;
    EXPECT_TRUE(list.is_empty());
    EXPECT_EQ(list.size(), 0u);
    EXPECT_EQ(list.first(), nullptr);
    EXPECT_EQ(list.last(), nullptr);
    EXPECT_EQ(list.take_first(), nullptr);
    EXPECT_TRUE(values_of(list).empty());
    EXPECT_FALSE(list.begin() != list.end());
}

TEST(IntrusiveList, AppendPrependInsertBefore) {
    Item a(1), b(2), c(3), d(4), e(5);
    List list;
    list.append(b);
    list.append(d);
    list.prepend(a);
    list.insert_before(d, c);
    list.insert_before(a, e);  // before the first element
    EXPECT_EQ(values_of(list), (std::vector<int> {5, 1, 2, 3, 4}));
    EXPECT_EQ(values_by_next(list), values_of(list));
    EXPECT_EQ(list.size(), 5u);
    EXPECT_EQ(list.first(), &e);
    EXPECT_EQ(list.last(), &d);
    EXPECT_EQ(list.next(d), nullptr);
    EXPECT_EQ(list.next(e), &a);
    for (Item* item : {&a, &b, &c, &d, &e}) EXPECT_TRUE(item->node.is_linked());
    while (list.take_first()) {}
}

TEST(IntrusiveList, PrependToEmptyAndRemoveOnly) {
    Item a(1);
    List list;
    list.prepend(a);
    EXPECT_EQ(list.first(), &a);
    EXPECT_EQ(list.last(), &a);
    list.remove(a);
    EXPECT_TRUE(list.is_empty());
    EXPECT_FALSE(a.node.is_linked());
    EXPECT_EQ(list.first(), nullptr);
}

TEST(IntrusiveList, RemoveFirstMiddleLast) {
    Item a(1), b(2), c(3), d(4);
    List list;
    for (Item* item : {&a, &b, &c, &d}) list.append(*item);
    list.remove(b);
    EXPECT_FALSE(b.node.is_linked());
    EXPECT_EQ(values_of(list), (std::vector<int> {1, 3, 4}));
    list.remove(a);
    EXPECT_EQ(values_of(list), (std::vector<int> {3, 4}));
    EXPECT_EQ(list.first(), &c);
    list.remove(d);
    EXPECT_EQ(values_of(list), (std::vector<int> {3}));
    EXPECT_EQ(list.last(), &c);
    EXPECT_EQ(list.size(), 1u);
    // A removed element can be linked again.
    list.append(a);
    list.prepend(d);
    EXPECT_EQ(values_of(list), (std::vector<int> {4, 3, 1}));
    while (list.take_first()) {}
}

TEST(IntrusiveList, TakeFirstIsFifo) {
    Item items[5] = {Item(0), Item(1), Item(2), Item(3), Item(4)};
    List list;
    for (Item& item : items) list.append(item);
    for (int expected = 0; expected < 5; ++expected) {
        Item* item = list.take_first();
        ASSERT_NE(item, nullptr);
        EXPECT_EQ(item->value, expected);
        EXPECT_FALSE(item->node.is_linked());
        EXPECT_EQ(list.size(), static_cast<std::size_t>(4 - expected));
    }
    EXPECT_EQ(list.take_first(), nullptr);
}

TEST(IntrusiveList, RemovingDuringIterationWithSavedNext) {
    std::deque<Item> items;  // Items can neither be copied nor moved
    for (int i = 0; i < 10; ++i) items.emplace_back(i);
    List list;
    for (Item& item : items) list.append(item);
    for (Item* item = list.first(); item;) {
        Item* next = list.next(*item);  // saved before the element is unlinked
        if (item->value % 3 != 0) list.remove(*item);
        item = next;
    }
    EXPECT_EQ(values_of(list), (std::vector<int> {0, 3, 6, 9}));
    EXPECT_EQ(list.size(), 4u);
    while (list.take_first()) {}
}

TEST(IntrusiveList, OneElementInTwoLists) {
    Item a(1), b(2), c(3);
    List list;
    OtherList other;
    list.append(a);
    list.append(b);
    list.append(c);
    other.append(c);
    other.append(a);
    EXPECT_EQ(values_of(list), (std::vector<int> {1, 2, 3}));
    EXPECT_EQ(values_of(other), (std::vector<int> {3, 1}));
    list.remove(a);
    EXPECT_FALSE(a.node.is_linked());
    EXPECT_TRUE(a.other_node.is_linked());
    EXPECT_EQ(values_of(other), (std::vector<int> {3, 1}));
    EXPECT_EQ(other.last(), &a);  // owner() finds the element from its second node
    EXPECT_EQ(&*other.begin(), &c);
    EXPECT_EQ(other.begin()->value, 3);
    while (list.take_first()) {}
    while (other.take_first()) {}
}

TEST(IntrusiveList, RandomizedAgainstStdList) {
    constexpr int kItems = 64;
    std::deque<Item> items;  // Items can neither be copied nor moved
    for (int i = 0; i < kItems; ++i) items.emplace_back(i);
    List list;
    std::list<int> model;
    std::mt19937 random(20240601);

    auto random_member = [&]() -> int {
        auto it = model.begin();
        std::advance(it, random() % model.size());
        return *it;
    };
    for (int step = 0; step < 20000; ++step) {
        int value = static_cast<int>(random() % kItems);
        Item& item = items[value];
        bool linked = std::find(model.begin(), model.end(), value) != model.end();
        ASSERT_EQ(item.node.is_linked(), linked);
        switch (random() % 5) {
        case 0:
            if (!linked) list.append(item), model.push_back(value);
            break;
        case 1:
            if (!linked) list.prepend(item), model.push_front(value);
            break;
        case 2:
            if (!linked && !model.empty()) {
                int position = random_member();
                list.insert_before(items[position], item);
                model.insert(std::find(model.begin(), model.end(), position), value);
            }
            break;
        case 3:
            if (linked) list.remove(item), model.remove(value);
            break;
        case 4: {
            Item* first = list.take_first();
            if (model.empty()) {
                ASSERT_EQ(first, nullptr);
            } else {
                ASSERT_NE(first, nullptr);
                ASSERT_EQ(first->value, model.front());
                model.pop_front();
            }
            break;
        }
        }
        ASSERT_EQ(list.size(), model.size());
        ASSERT_EQ(list.is_empty(), model.empty());
        if (step % 16 == 0) {
            std::vector<int> expected(model.begin(), model.end());
            ASSERT_EQ(values_of(list), expected) << "step " << step;
            ASSERT_EQ(values_by_next(list), expected) << "step " << step;
            if (!model.empty()) {
                ASSERT_EQ(list.last()->value, model.back());
            }
        }
    }
    while (list.take_first()) {}
}

}  // namespace
