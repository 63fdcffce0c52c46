// OwnPtr<T>: the single owner of a kernel-heap object (a unique_ptr that frees to kfree).
// Objects come from kernel::make<T>(...) in mm/heap.h.
#pragma once

#include <utility>

namespace kernel {

void kfree(void* pointer);

template <typename T>
void destroy(T* object) {
    if (object) {
        object->~T();
        kfree(object);
    }
}

template <typename T>
class OwnPtr {
public:
    OwnPtr() = default;
    OwnPtr(decltype(nullptr)) {}
    // Adopts an object allocated from the kernel heap.
    static OwnPtr adopt(T* object) { return OwnPtr(object); }

    OwnPtr(OwnPtr&& other) : object_(other.leak()) {}
    template <typename U>
    OwnPtr(OwnPtr<U>&& other) : object_(other.leak()) {}
    OwnPtr& operator=(OwnPtr&& other) {
        if (this != &other) reset(other.leak());
        return *this;
    }
    OwnPtr(const OwnPtr&) = delete;
    OwnPtr& operator=(const OwnPtr&) = delete;
    ~OwnPtr() { reset(); }

    void reset(T* object = nullptr) {
        T* old = object_;
        object_ = object;
        destroy(old);
    }
    [[nodiscard]] T* leak() { return std::exchange(object_, nullptr); }

    T* get() const { return object_; }
    T* operator->() const { return object_; }
    T& operator*() const { return *object_; }
    explicit operator bool() const { return object_ != nullptr; }

private:
    explicit OwnPtr(T* object) : object_(object) {}
    T* object_ = nullptr;
};

}  // namespace kernel
