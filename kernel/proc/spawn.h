// Starting a program from the kernel: a new process (no parent) running `path`, with the
// given descriptors as 0, 1 and 2. The kernel starts init this way; tests start programs
// this way too. The process runs as soon as this returns.
#pragma once

#include "../fs/open_file.h"
#include "exec.h"
#include "process.h"

namespace kernel {

struct SpawnRequest {
    StringView path;
    ExecArguments arguments;
    VfsContext context;         // root, cwd, umask, credentials
    RefPtr<OpenFile> stdio[3];  // may be null (the descriptor stays closed)
};

Result<RefPtr<Process>> spawn_process(const SpawnRequest& request);

}  // namespace kernel
