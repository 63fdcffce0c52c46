// Creating kernel objects on the kernel heap. Never a replaced global operator new: in the
// hosted build that would collide with the host libc, GoogleTest and the sanitizers.
//
//   auto thread = make<Thread>(args...);     // OwnPtr<Thread>, empty on ENOMEM
//   if (!thread) return Errno::enomem;
#pragma once

#include <new>
#include <utility>

#include "../lib/own_ptr.h"
#include "../lib/ref_ptr.h"
#include "../lib/result.h"
#include "kmalloc.h"

namespace kernel {

template <typename T, typename... Args>
OwnPtr<T> make(Args&&... args) {
    void* memory = kmalloc(sizeof(T));
    if (!memory) return nullptr;
    return OwnPtr<T>::adopt(new (memory) T(std::forward<Args>(args)...));
}

// For RefCounted objects: the new object starts with one reference, owned by the result.
template <typename T, typename... Args>
Result<RefPtr<T>> make_ref(Args&&... args) {
    void* memory = kmalloc(sizeof(T));
    if (!memory) return Errno::enomem;
    return RefPtr<T>::adopt(new (memory) T(std::forward<Args>(args)...));
}

}  // namespace kernel
