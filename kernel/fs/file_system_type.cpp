#include "file_system_type.h"

#include "../lib/spinlock.h"

namespace kernel {
namespace {

struct Entry {
    const char* name;
    FileSystemFactory factory;
    bool needs_device;
};
constexpr usize max_types = 16;
Entry types[max_types];
usize type_count = 0;
Spinlock types_lock;

}  // namespace

Result<void> register_file_system_type(const char* name, FileSystemFactory factory, bool needs_device) {
    SpinlockGuard guard(types_lock);
    for (usize i = 0; i < type_count; ++i)
        if (StringView(types[i].name) == StringView(name)) return Errno::ebusy;
    if (type_count == max_types) return Errno::enospc;
    types[type_count++] = {name, factory, needs_device};
    return ok();
}

Result<RefPtr<FileSystem>> create_file_system(StringView name, StringView source, StringView options) {
    FileSystemFactory factory = nullptr;
    {
        SpinlockGuard guard(types_lock);
        for (usize i = 0; i < type_count; ++i)
            if (StringView(types[i].name) == name) factory = types[i].factory;
    }
    if (!factory) return Errno::enodev;
    return factory(source, options);
}

void for_each_file_system_type(FunctionRef<void(const char* name, bool needs_device)> visitor) {
    // Entries are only ever appended: a snapshot of the count is enough.
    usize count;
    {
        SpinlockGuard guard(types_lock);
        count = type_count;
    }
    for (usize i = 0; i < count; ++i) visitor(types[i].name, types[i].needs_device);
}

}  // namespace kernel
