// IoctlArgument: the third argument of ioctl(2). A request reads it as a plain value or as
// the address of its data in the caller's memory, which it copies through here (a bad
// address is EFAULT, never a fault). Kernel callers and tests can point it at kernel memory.
#pragma once

#include "../lib/result.h"
#include "../lib/string.h"

namespace kernel {

// From mm/user_memory.h (which cannot be included here: address spaces know open files).
class AddressSpace;
Result<void> copy_from_user(AddressSpace& space, void* destination, uptr source, usize length);
Result<void> copy_to_user(AddressSpace& space, uptr destination, const void* source, usize length);

class IoctlArgument {
public:
    // `address` in the user address space `space` (the calling process's).
    static IoctlArgument user(AddressSpace& space, uptr address) { return IoctlArgument(&space, address); }
    // A kernel pointer (nullptr: every copy is EFAULT, as a null user pointer would be).
    static IoctlArgument kernel(void* pointer) { return IoctlArgument(nullptr, reinterpret_cast<uptr>(pointer)); }

    // The raw argument, for requests that take an integer.
    uptr value() const { return address_; }

    template <typename T>
    Result<void> write(const T& value) const {
        if (space_) return copy_to_user(*space_, address_, &value, sizeof value);
        if (!address_) return Errno::efault;
        kstd::memcpy(reinterpret_cast<void*>(address_), &value, sizeof value);
        return ok();
    }
    template <typename T>
    Result<T> read() const {
        T value {};
        if (space_) {
            TRY(copy_from_user(*space_, &value, address_, sizeof value));
        } else {
            if (!address_) return Errno::efault;
            kstd::memcpy(&value, reinterpret_cast<const void*>(address_), sizeof value);
        }
        return value;
    }

private:
    IoctlArgument(AddressSpace* space, uptr address) : space_(space), address_(address) {}

    AddressSpace* space_;  // nullptr: a kernel pointer
    uptr address_;
};

}  // namespace kernel
