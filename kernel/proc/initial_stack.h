// The initial stack of a new program (System V x86-64 ABI, section 3.4.1), laid out as
// Linux's execve does (fs/exec.c, create_elf_tables() in fs/binfmt_elf.c). From the top:
//
//   stack_top - 8     8 zero bytes (Linux's end marker)
//                     the executable path (AT_EXECFN), NUL-terminated
//                     the environment strings, envp[0] lowest
//                     the argument strings, argv[0] lowest           <- arg_start
//                     padding down to 16 bytes
//                     "x86_64\0" (AT_PLATFORM)
//                     16 random bytes (AT_RANDOM)
//                     padding so that rsp is 16-byte aligned
//                     auxv: (key, value) pairs ending with AT_NULL
//                     envp[0..envc-1], NULL
//                     argv[0..argc-1], NULL
//   rsp ->            argc
//
// The image is built in a kernel buffer; the exec code copies it to [stack_pointer,
// stack_top) of the new address space and starts the program with rsp = stack_pointer.
#pragma once

#include "../lib/result.h"
#include "../lib/string_view.h"
#include "../lib/types.h"

namespace kernel {

// The longest argument or environment string, its NUL included (Linux's MAX_ARG_STRLEN).
inline constexpr usize max_argument_string_bytes = 32 * 4096;
// Inputs to the limit (Linux: _STK_LIM and ARG_MAX).
inline constexpr u64 default_stack_limit = 8 * MiB;
inline constexpr usize min_argument_space = 32 * 4096;

// The bytes the strings (argv, envp and the executable path, NULs included) and the argv and
// envp pointers may take together, for a stack resource limit (Linux's bprm_stack_limits():
// a quarter of the limit, at most 6 MiB, at least 128 KiB).
usize argument_space_limit(u64 stack_rlimit);

struct InitialStackSpec {
    uptr stack_top = 0;  // one past the highest byte of the stack; 16-byte aligned

    // No string may contain a NUL. An empty argv becomes {""} (Linux since 5.18), so argc
    // is never 0.
    const StringView* arguments = nullptr;
    usize argument_count = 0;
    const StringView* environment = nullptr;
    usize environment_count = 0;
    StringView executable_path;  // the path given to execve (AT_EXECFN)
    usize argument_limit = 0;    // argument_space_limit(RLIMIT_STACK): E2BIG beyond it

    const u8* random_bytes = nullptr;  // 16 bytes for AT_RANDOM (the caller's CSPRNG)

    // The rest of the auxiliary vector.
    uptr program_headers = 0;  // AT_PHDR, AT_PHENT, AT_PHNUM: from the LoadPlan
    u64 program_header_size = 0;
    u64 program_header_count = 0;
    uptr entry = 0;            // AT_ENTRY
    u32 uid = 0, euid = 0, gid = 0, egid = 0;
    bool secure = false;       // AT_SECURE: set-id execution
    u64 hwcap = 0;             // AT_HWCAP: CPUID leaf 1 EDX
    u64 hwcap2 = 0;            // AT_HWCAP2: HWCAP2_* bits the kernel supports
    u64 minimum_signal_stack_size = 0;  // AT_MINSIGSTKSZ: the signal frame's size
};

// Constant auxv values.
inline constexpr u64 auxv_page_size = 4096;
inline constexpr u64 auxv_clock_ticks = 100;  // USER_HZ
inline constexpr char auxv_platform[] = "x86_64";

// Entries in the auxiliary vector Newt builds, AT_NULL included.
inline constexpr usize auxv_entry_count = 20;

struct InitialStack {
    uptr stack_pointer = 0;  // rsp: the address of argc
    usize size = 0;          // bytes in the image: stack_top - stack_pointer
    usize argument_count = 0;  // argc (at least 1)
    // Where things are, for the caller's records (Linux's mm->arg_start.. for
    // /proc/PID/cmdline and environ, saved_auxv for /proc/PID/auxv).
    uptr arguments_start = 0, arguments_end = 0;      // the argv strings
    uptr environment_start = 0, environment_end = 0;  // the envp strings
    uptr auxv = 0;  // the first auxv pair; auxv_entry_count pairs of u64
    uptr executable_path = 0, platform = 0, random_bytes = 0;
};

// The size of the image (E2BIG over the argument limit or a string over
// max_argument_string_bytes, EINVAL for a NUL inside a string, an unaligned stack top or a
// stack top too low for the image).
Result<usize> initial_stack_size(const InitialStackSpec& spec);

// Writes the image into buffer[0, size): buffer[0] is the byte at stack_pointer. E2BIG when
// `capacity` is smaller than the image; the other errors as initial_stack_size.
Result<InitialStack> build_initial_stack(const InitialStackSpec& spec, u8* buffer, usize capacity);

}  // namespace kernel
