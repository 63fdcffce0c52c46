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
    // `address` in the user address space `space` (the calling process's). The user-copy
    // functions are bound here, in the caller, so that file systems and drivers do not
    // depend on them at link time (the bare-metal image has no user memory yet).
    static IoctlArgument user(AddressSpace& space, uptr address) {
        return IoctlArgument(&space, address, &copy_to_user, &copy_from_user);
    }
    // A kernel pointer (nullptr: every copy is EFAULT, as a null user pointer would be).
    static IoctlArgument kernel(void* pointer) {
        return IoctlArgument(nullptr, reinterpret_cast<uptr>(pointer), nullptr, nullptr);
    }

    // The raw argument, for requests that take an integer.
    uptr value() const { return address_; }

    template <typename T>
    Result<void> write(const T& value) const {
        if (space_) return to_user_(*space_, address_, &value, sizeof value);
        if (!address_) return Errno::efault;
        kstd::memcpy(reinterpret_cast<void*>(address_), &value, sizeof value);
        return ok();
    }
    template <typename T>
    Result<T> read() const {
        T value {};
        if (space_) {
            TRY(from_user_(*space_, &value, address_, sizeof value));
        } else {
            if (!address_) return Errno::efault;
            kstd::memcpy(&value, reinterpret_cast<const void*>(address_), sizeof value);
        }
        return value;
    }

private:
    using ToUser = Result<void> (*)(AddressSpace&, uptr, const void*, usize);
    using FromUser = Result<void> (*)(AddressSpace&, void*, uptr, usize);
    IoctlArgument(AddressSpace* space, uptr address, ToUser to_user, FromUser from_user)
        : space_(space), address_(address), to_user_(to_user), from_user_(from_user) {}

    AddressSpace* space_;  // nullptr: a kernel pointer
    uptr address_;
    ToUser to_user_;
    FromUser from_user_;
};

}  // namespace kernel
