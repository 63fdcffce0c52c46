// libFuzzer target: the initramfs parser (kernel/fs/cpio) on arbitrary bytes. Besides the
// sanitizers' checks it traps when a delivered entry breaks a promise of cpio.h: name and
// data inside the buffer, a clean relative path, data only on files and symlinks, an
// error always described; and when the callback and the reader interfaces disagree.
#include "kernel/fs/cpio.h"

#include <cstddef>
#include <cstdint>

using namespace kernel;

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

struct Check {
    const u8* begin;
    const u8* end;
    usize entries = 0;
    u32 checksum = 0;  // reading every delivered byte lets ASan see any out-of-bounds view

    Result<void> operator()(const CpioEntry& entry) {
        const u8* name = reinterpret_cast<const u8*>(entry.name.data());
        require(!entry.name.is_empty() && name >= begin && name + entry.name.length() <= end);
        require(entry.name[0] != '/');
        usize component = 0;
        for (usize i = 0; i <= entry.name.length(); ++i) {
            if (i == entry.name.length() || entry.name[i] == '/') {
                StringView part = entry.name.substring(component, i - component);
                require(!part.is_empty() && !(part == ".") && !(part == ".."));
                component = i + 1;
            } else {
                require(entry.name[i] != '\0');
                checksum += static_cast<u8>(entry.name[i]);
            }
        }
        if (entry.data) {
            require(entry.is_regular() || entry.is_symlink());
            require(entry.data >= begin && entry.data + entry.size <= end);
            for (u32 i = 0; i < entry.size; ++i) checksum += entry.data[i];
        } else {
            require(entry.size == 0 && !entry.is_regular() && !entry.is_symlink());
        }
        if (entry.is_symlink()) require(entry.size > 0);
        ++entries;
        return ok();
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Check check {data, data + size};
    CpioError error;
    auto result = parse_cpio(data, size, check, &error);
    if (result.is_error()) {
        require(result.error() == Errno::einval && error.what != nullptr && error.offset <= size);
    } else {
        require(result.value().entries == check.entries && result.value().archives >= 1);
    }

    // The reader gives the same entries and the same outcome.
    CpioReader reader(data, size);
    CpioEntry entry;
    usize count = 0;
    for (;;) {
        auto more = reader.next(entry);
        if (more.is_error()) {
            require(result.is_error() && reader.error().what == error.what && reader.error().offset == error.offset);
            require(reader.next(entry).is_error());  // stays failed
            break;
        }
        if (!more.value()) {
            require(!result.is_error());
            break;
        }
        ++count;
    }
    require(count == check.entries);
    return 0;
}
