// Intrusive doubly linked lists: the node lives inside the element, so linking never
// allocates. Used for run queues, wait queues, timers and caches.
//
//   struct Thread { IntrusiveListNode run_node; ... };
//   IntrusiveList<Thread, &Thread::run_node> queue;
#pragma once

#include <cstddef>

namespace kernel {

class IntrusiveListNode {
public:
    IntrusiveListNode() = default;
    IntrusiveListNode(const IntrusiveListNode&) = delete;
    IntrusiveListNode& operator=(const IntrusiveListNode&) = delete;

    bool is_linked() const { return next_ != nullptr; }

private:
    template <typename T, IntrusiveListNode T::*>
    friend class IntrusiveList;
    IntrusiveListNode* prev_ = nullptr;
    IntrusiveListNode* next_ = nullptr;
};

template <typename T, IntrusiveListNode T::*Member>
class IntrusiveList {
public:
    IntrusiveList() { head_.prev_ = head_.next_ = &head_; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool is_empty() const { return head_.next_ == &head_; }
    std::size_t size() const { return size_; }

    T* first() const { return is_empty() ? nullptr : owner(head_.next_); }
    T* last() const { return is_empty() ? nullptr : owner(head_.prev_); }

    void append(T& element) { insert_before(head_, node(element)); }
    void prepend(T& element) { insert_before(*head_.next_, node(element)); }
    // Inserts `element` before `position` (which must be in this list).
    void insert_before(T& position, T& element) { insert_before(node(position), node(element)); }

    void remove(T& element) {
        IntrusiveListNode& n = node(element);
        n.prev_->next_ = n.next_;
        n.next_->prev_ = n.prev_;
        n.prev_ = n.next_ = nullptr;
        --size_;
    }

    T* take_first() {
        T* element = first();
        if (element) remove(*element);
        return element;
    }

    // The element after `element`, or nullptr at the end.
    T* next(const T& element) const {
        IntrusiveListNode* n = node(const_cast<T&>(element)).next_;
        return n == &head_ ? nullptr : owner(n);
    }

    class Iterator {
    public:
        explicit Iterator(IntrusiveListNode* node) : node_(node) {}
        T& operator*() const { return *owner(node_); }
        T* operator->() const { return owner(node_); }
        Iterator& operator++() {
            node_ = next_of(node_);
            return *this;
        }
        bool operator!=(const Iterator& other) const { return node_ != other.node_; }

    private:
        IntrusiveListNode* node_;
    };
    Iterator begin() const { return Iterator(head_.next_); }
    Iterator end() const { return Iterator(const_cast<IntrusiveListNode*>(&head_)); }

private:
    static IntrusiveListNode* next_of(IntrusiveListNode* n) { return n->next_; }
    static IntrusiveListNode& node(T& element) { return element.*Member; }
    static T* owner(const IntrusiveListNode* n) {
        // offsetof for a pointer-to-member: the node's offset inside a T at a fake, aligned,
        // non-null address (never dereferenced, only offset).
        const T* probe = reinterpret_cast<const T*>(std::size_t(4096));
        auto offset = reinterpret_cast<std::size_t>(&(probe->*Member)) - std::size_t(4096);
        return reinterpret_cast<T*>(reinterpret_cast<std::size_t>(n) - offset);
    }
    void insert_before(IntrusiveListNode& position, IntrusiveListNode& n) {
        n.next_ = &position;
        n.prev_ = position.prev_;
        position.prev_->next_ = &n;
        position.prev_ = &n;
        ++size_;
    }

    IntrusiveListNode head_;
    std::size_t size_ = 0;
};

}  // namespace kernel
