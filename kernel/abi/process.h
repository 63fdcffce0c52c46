// Linux x86-64 values for processes: clone flags, wait options, waitid types, siginfo
// codes for SIGCHLD, resource limits, arch_prctl codes, and struct layouts (rusage,
// rlimit, utsname, the SIGCHLD siginfo). A unit test compares them with the host's.
#pragma once

#include <cstdint>

namespace kernel::abi {

inline constexpr std::uint64_t clone_vm = 0x00000100;
inline constexpr std::uint64_t clone_fs = 0x00000200;
inline constexpr std::uint64_t clone_files = 0x00000400;
inline constexpr std::uint64_t clone_sighand = 0x00000800;
inline constexpr std::uint64_t clone_pidfd = 0x00001000;
inline constexpr std::uint64_t clone_ptrace = 0x00002000;
inline constexpr std::uint64_t clone_vfork = 0x00004000;
inline constexpr std::uint64_t clone_parent = 0x00008000;
inline constexpr std::uint64_t clone_thread = 0x00010000;
inline constexpr std::uint64_t clone_newns = 0x00020000;
inline constexpr std::uint64_t clone_sysvsem = 0x00040000;
inline constexpr std::uint64_t clone_settls = 0x00080000;
inline constexpr std::uint64_t clone_parent_settid = 0x00100000;
inline constexpr std::uint64_t clone_child_cleartid = 0x00200000;
inline constexpr std::uint64_t clone_detached = 0x00400000;
inline constexpr std::uint64_t clone_untraced = 0x00800000;
inline constexpr std::uint64_t clone_child_settid = 0x01000000;
inline constexpr std::uint64_t csignal = 0x000000ff;

inline constexpr int wnohang = 0x00000001;
inline constexpr int wuntraced = 0x00000002;
inline constexpr int wstopped = 0x00000002;
inline constexpr int wexited = 0x00000004;
inline constexpr int wcontinued = 0x00000008;
inline constexpr int wnowait = 0x01000000;
inline constexpr int wnothread = 0x20000000;
inline constexpr int wall = 0x40000000;
inline constexpr int wclone = static_cast<int>(0x80000000u);

inline constexpr int p_all = 0, p_pid = 1, p_pgid = 2, p_pidfd = 3;

inline constexpr int cld_exited = 1, cld_killed = 2, cld_dumped = 3, cld_trapped = 4, cld_stopped = 5,
                     cld_continued = 6;

inline constexpr int rlimit_cpu = 0, rlimit_fsize = 1, rlimit_data = 2, rlimit_stack = 3, rlimit_core = 4,
                     rlimit_rss = 5, rlimit_nproc = 6, rlimit_nofile = 7, rlimit_memlock = 8, rlimit_as = 9,
                     rlimit_locks = 10, rlimit_sigpending = 11, rlimit_msgqueue = 12, rlimit_nice = 13,
                     rlimit_rtprio = 14, rlimit_rttime = 15;
inline constexpr int rlimit_count = 16;
inline constexpr std::uint64_t rlim_infinity = ~std::uint64_t(0);

inline constexpr int arch_set_gs = 0x1001, arch_set_fs = 0x1002, arch_get_fs = 0x1003, arch_get_gs = 0x1004,
                     arch_get_cpuid = 0x1011, arch_set_cpuid = 0x1012;

struct Rlimit {
    std::uint64_t current;
    std::uint64_t maximum;
};

struct Timeval {
    std::int64_t seconds;
    std::int64_t microseconds;
};

struct Rusage {
    Timeval user_time;
    Timeval system_time;
    std::int64_t fields[14];  // maxrss .. nivcsw
};
static_assert(sizeof(Rusage) == 144);

struct Utsname {
    char sysname[65];
    char nodename[65];
    char release[65];
    char version[65];
    char machine[65];
    char domainname[65];
};

// The SIGCHLD fields of siginfo_t as waitid fills them (128 bytes in all).
struct ChildSiginfo {
    std::int32_t signo;
    std::int32_t error;
    std::int32_t code;
    std::int32_t pad;
    std::int32_t pid;
    std::uint32_t uid;
    std::int32_t status;
    std::int32_t pad2;
    std::int64_t user_time;
    std::int64_t system_time;
    std::uint8_t rest[128 - 48];
};
static_assert(sizeof(ChildSiginfo) == 128);

// struct sysinfo of x86-64 (uapi/linux/sysinfo.h).
struct Sysinfo {
    std::int64_t uptime;  // seconds since boot
    std::uint64_t loads[3];  // 1, 5, 15 minute load averages, fixed point << 16
    std::uint64_t totalram;
    std::uint64_t freeram;
    std::uint64_t sharedram;
    std::uint64_t bufferram;
    std::uint64_t totalswap;
    std::uint64_t freeswap;
    std::uint16_t procs;
    std::uint16_t pad;
    std::uint64_t totalhigh;
    std::uint64_t freehigh;
    std::uint32_t mem_unit;  // the unit of the memory fields, in bytes
    char padding[4];
};
static_assert(sizeof(Sysinfo) == 112);
inline constexpr int si_load_shift = 16;

}  // namespace kernel::abi
