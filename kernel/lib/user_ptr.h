// UserPtr<T>: an address in a process's user memory. It cannot be dereferenced: data
// moves only through the user-copy functions (kernel/mm/user_memory.h), which check it and
// turn a bad address into EFAULT.
#pragma once

#include "types.h"

namespace kernel {

template <typename T>
class UserPtr {
public:
    constexpr UserPtr() = default;
    constexpr explicit UserPtr(uptr address) : address_(address) {}

    constexpr uptr address() const { return address_; }
    constexpr bool is_null() const { return address_ == 0; }
    // The element `index` places on (no overflow check: the copy functions check the range).
    constexpr UserPtr offset(usize index) const { return UserPtr(address_ + index * sizeof(T)); }

private:
    uptr address_ = 0;
};

}  // namespace kernel
