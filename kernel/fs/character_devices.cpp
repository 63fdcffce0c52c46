#include "character_devices.h"

namespace kernel {
namespace {

struct Registration {
    u32 major, first_minor, count;
    CharacterDeviceOpener opener;
};
constexpr usize max_registrations = 64;
Registration registrations[max_registrations];
usize registration_count = 0;
Spinlock registrations_lock;

}  // namespace

Result<void> register_character_device(u32 major, u32 first_minor, u32 count, CharacterDeviceOpener opener) {
    SpinlockGuard guard(registrations_lock);
    for (usize i = 0; i < registration_count; ++i) {
        const Registration& other = registrations[i];
        if (other.major == major && first_minor < other.first_minor + other.count &&
            other.first_minor < first_minor + count)
            return Errno::ebusy;
    }
    if (registration_count == max_registrations) return Errno::enospc;
    registrations[registration_count++] = {major, first_minor, count, opener};
    return ok();
}

Result<RefPtr<OpenFile>> open_character_device(const Path& path, Inode& node, int flags) {
    u32 major = abi::device_major(node.rdevice()), minor = abi::device_minor(node.rdevice());
    CharacterDeviceOpener opener = nullptr;
    {
        SpinlockGuard guard(registrations_lock);
        for (usize i = 0; i < registration_count; ++i) {
            const Registration& registration = registrations[i];
            if (registration.major == major && minor >= registration.first_minor &&
                minor - registration.first_minor < registration.count)
                opener = registration.opener;
        }
    }
    if (!opener) return Errno::enxio;
    return opener(path, node, flags);
}

}  // namespace kernel
