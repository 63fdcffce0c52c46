// Host system calls for hostfs, made the way kernel code must make them (docs/hal.md: with
// the virtual interrupt flag clear, so the calling kernel thread cannot be switched away, or
// moved to another CPU's pthread, between the call and its errno).
#pragma once

#include <cerrno>

#include "../../kernel/abi/stat.h"
#include "../../kernel/fs/file_stat.h"
#include "../../kernel/hal/interrupts.h"
#include "../../kernel/lib/result.h"
#include "../../kernel/lib/string_view.h"

namespace hosted::hostfs {

// Runs `call` (a host call returning a negative value and setting errno on failure) with
// interrupts off, again when a signal interrupted it. The host's errno numbers are Linux's,
// as the kernel's Errno values are.
template <typename Call>
kernel::Result<long> host_call(Call call) {
    hal::InterruptGuard interrupts;
    for (;;) {
        long result = static_cast<long>(call());
        if (result >= 0) return result;
        if (errno != EINTR) return static_cast<kernel::Errno>(errno);
    }
}

// A directory entry's name as the host wants it: NUL-terminated. Only single components
// that stay in their directory: EINVAL for "", ".", "..", a '/' or a NUL byte (the VFS
// never passes them; this is the check that a guest name cannot climb out on the host),
// ENAMETOOLONG beyond NAME_MAX.
class EntryName {
public:
    static kernel::Result<EntryName> from(kernel::StringView name);
    const char* c_str() const { return text_; }

private:
    char text_[kernel::abi::name_max + 1];
};

// Closes a host descriptor (not retried: Linux has closed it even when interrupted).
void close_host_fd(int fd);

// "/proc/self/fd/N": the magic link that names exactly the file behind descriptor N, for
// what an O_PATH descriptor cannot do itself (reopen for reading or writing, chmod, link).
class DescriptorPath {
public:
    explicit DescriptorPath(int fd);
    const char* c_str() const { return text_; }

private:
    char text_[32];
};

// The host's metadata of the file behind `fd` (any descriptor, O_PATH included; a symlink
// itself): `device` and `inode` are the host's st_dev and st_ino, the rest as stat(2).
kernel::Result<kernel::FileStat> stat_host_file(int fd);

// Opens `name` (one component) in host directory `directory` as an O_PATH descriptor of
// the entry itself: never a symlink's target, never outside `directory` (openat2 with
// RESOLVE_BENEATH and no symlinks; openat with O_NOFOLLOW on hosts older than Linux 5.6).
kernel::Result<int> open_entry(int directory, const char* name);

}  // namespace hosted::hostfs
