// File syscalls: descriptors, reading and writing, the file tree.
#pragma once

#include "../lib/result.h"
#include "../lib/user_ptr.h"

namespace kernel {

Result<long> sys_read(int fd, UserPtr<u8> buffer, usize count);
Result<long> sys_write(int fd, UserPtr<u8> buffer, usize count);
Result<long> sys_close(int fd);

}  // namespace kernel
