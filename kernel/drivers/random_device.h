// /dev/random (1,8) and /dev/urandom (1,9): the kernel CSPRNG (core/random.h) as files.
// As on Linux since 5.18 both give the same output and never block (Newt seeds the
// generator before any reader exists); writes are mixed into the generator's key
// (never credited) and succeed in full. The offset never moves (lseek gives 0). The RND*
// ioctls answer ENOTTY until ioctls can copy to user memory (docs/devices-and-proc.md).
#pragma once

#include "../fs/open_file.h"

namespace kernel {

enum class RandomDevice { random, urandom };

Result<RefPtr<OpenFile>> open_random_device(const Path& path, Inode& node, int flags, RandomDevice device);

}  // namespace kernel
