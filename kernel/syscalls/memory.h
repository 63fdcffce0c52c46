// Memory syscalls: mmap, munmap, mprotect, mremap, madvise, msync, brk.
#pragma once

#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_mmap(uptr address, usize length, int protection, int flags, int fd, u64 offset);
Result<long> sys_munmap(uptr address, usize length);
Result<long> sys_mprotect(uptr address, usize length, int protection);
Result<long> sys_mremap(uptr old_address, usize old_length, usize new_length, int flags, uptr new_address);
Result<long> sys_madvise(uptr address, usize length, int advice);
Result<long> sys_msync(uptr address, usize length, int flags);
Result<long> sys_brk(uptr address);

}  // namespace kernel
