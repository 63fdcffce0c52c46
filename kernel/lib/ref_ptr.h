// RefPtr<T>: shared ownership of a kernel-heap object that derives from RefCounted<T>.
// The count is atomic; the object is destroyed (and freed to the kernel heap) when the last
// reference goes.
#pragma once

#include <atomic>
#include <utility>

#include "own_ptr.h"

namespace kernel {

template <typename T>
class RefCounted {
public:
    void ref() const { count_.fetch_add(1, std::memory_order_relaxed); }
    // Returns true when this was the last reference and the object was destroyed.
    bool unref() const {
        if (count_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            destroy(const_cast<T*>(static_cast<const T*>(this)));
            return true;
        }
        return false;
    }
    unsigned ref_count() const { return count_.load(std::memory_order_relaxed); }
    // Takes a reference unless the count already reached zero (the object is being
    // destroyed): for caches that find objects through a pointer that does not own them
    // and that the destructor removes (hostfs's inode table).
    bool try_ref() const {
        unsigned count = count_.load(std::memory_order_relaxed);
        do {
            if (count == 0) return false;
        } while (!count_.compare_exchange_weak(count, count + 1, std::memory_order_relaxed));
        return true;
    }

protected:
    RefCounted() = default;
    ~RefCounted() = default;

private:
    mutable std::atomic<unsigned> count_ {1};
};

template <typename T>
class RefPtr {
public:
    RefPtr() = default;
    RefPtr(decltype(nullptr)) {}
    // Takes a new reference to `object`.
    RefPtr(T* object) : object_(object) {
        if (object_) object_->ref();
    }
    // Adopts the reference a freshly made object starts with.
    static RefPtr adopt(T* object) {
        RefPtr pointer;
        pointer.object_ = object;
        return pointer;
    }
    RefPtr(const RefPtr& other) : RefPtr(other.object_) {}
    RefPtr(RefPtr&& other) : object_(std::exchange(other.object_, nullptr)) {}
    template <typename U>
    RefPtr(const RefPtr<U>& other) : RefPtr(other.get()) {}
    RefPtr& operator=(RefPtr other) {
        std::swap(object_, other.object_);
        return *this;
    }
    ~RefPtr() { clear(); }

    void clear() {
        if (T* old = std::exchange(object_, nullptr)) old->unref();
    }
    T* get() const { return object_; }
    T* operator->() const { return object_; }
    T& operator*() const { return *object_; }
    explicit operator bool() const { return object_ != nullptr; }
    bool operator==(const RefPtr& other) const { return object_ == other.object_; }

private:
    T* object_ = nullptr;
};

}  // namespace kernel
