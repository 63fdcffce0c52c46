// execve: replaces a process's program. Finds and checks the file, follows "#!" scripts
// (up to 4 nested interpreters, then ELOOP), loads the static ELF into a new address space
// (elf_loader.h plans it; the segments become private file mappings, bss anonymous memory),
// builds the initial stack (initial_stack.h), and only then, past the point of no return,
// swaps the address space, closes close-on-exec descriptors, resets signal handlers and
// sets the registers. Any error before that leaves the process untouched.
#pragma once

#include "../fs/path_resolution.h"
#include "../lib/result.h"
#include "../lib/string_view.h"

namespace kernel {

class UserThread;

// Arguments and environment as the caller gathered them (the syscall copies them out of
// user memory; the kernel's own callers pass literals).
struct ExecArguments {
    const StringView* arguments = nullptr;
    usize argument_count = 0;
    const StringView* environment = nullptr;
    usize environment_count = 0;
};

// Flags of execveat.
inline constexpr int exec_empty_path = 0x1000;       // AT_EMPTY_PATH: the file is `base` itself
inline constexpr int exec_symlink_nofollow = 0x100;  // AT_SYMLINK_NOFOLLOW: ELOOP for a link

// Runs `path` (relative to `base`, or the working directory when null) in `thread`'s process.
Result<void> execute(UserThread& thread, const Path* base, StringView path, const ExecArguments& arguments,
                     int flags = 0);

}  // namespace kernel
