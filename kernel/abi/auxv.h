// Auxiliary vector keys (uapi/linux/auxvec.h, arch/x86/include/uapi/asm/auxvec.h): the
// (key, value) pairs after envp on a new process's stack. A unit test compares them with
// the host's <sys/auxv.h> and <asm/hwcap2.h> (tests/unit/proc compares the keys with those
// the host kernel really passes).
#pragma once

#include <cstdint>

namespace kernel::abi {

inline constexpr std::uint64_t at_null = 0;  // end of the vector
inline constexpr std::uint64_t at_ignore = 1;
inline constexpr std::uint64_t at_execfd = 2;
inline constexpr std::uint64_t at_phdr = 3;   // address of the program headers
inline constexpr std::uint64_t at_phent = 4;  // size of one program header
inline constexpr std::uint64_t at_phnum = 5;  // number of program headers
inline constexpr std::uint64_t at_pagesz = 6;
inline constexpr std::uint64_t at_base = 7;  // interpreter's load address (0: none)
inline constexpr std::uint64_t at_flags = 8;
inline constexpr std::uint64_t at_entry = 9;  // the program's entry point
inline constexpr std::uint64_t at_notelf = 10;
inline constexpr std::uint64_t at_uid = 11;
inline constexpr std::uint64_t at_euid = 12;
inline constexpr std::uint64_t at_gid = 13;
inline constexpr std::uint64_t at_egid = 14;
inline constexpr std::uint64_t at_platform = 15;  // address of "x86_64"
inline constexpr std::uint64_t at_hwcap = 16;     // x86: CPUID leaf 1 EDX
inline constexpr std::uint64_t at_clktck = 17;    // times() ticks per second
inline constexpr std::uint64_t at_secure = 23;
inline constexpr std::uint64_t at_base_platform = 24;
inline constexpr std::uint64_t at_random = 25;  // address of 16 random bytes
inline constexpr std::uint64_t at_hwcap2 = 26;
inline constexpr std::uint64_t at_rseq_feature_size = 27;  // Linux 6.3
inline constexpr std::uint64_t at_rseq_align = 28;
inline constexpr std::uint64_t at_execfn = 31;  // address of the executed path
inline constexpr std::uint64_t at_sysinfo = 32;  // i386 only
inline constexpr std::uint64_t at_sysinfo_ehdr = 33;  // the vDSO (Newt has none)
inline constexpr std::uint64_t at_minsigstksz = 51;

// AT_HWCAP2 bits on x86.
inline constexpr std::uint64_t hwcap2_ring3mwait = 1u << 0;
inline constexpr std::uint64_t hwcap2_fsgsbase = 1u << 1;

}  // namespace kernel::abi
