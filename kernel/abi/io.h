// Linux x86-64 layouts and values for vectored I/O, poll/select, the generic ioctl
// requests and getrandom(2) (uapi/linux/uio.h, uapi/asm-generic/poll.h,
// uapi/linux/posix_types.h, uapi/asm-generic/ioctls.h, uapi/linux/random.h). A unit test
// compares them with the host's headers.
#pragma once

#include <cstdint>

namespace kernel::abi {

struct Iovec {
    std::uint64_t base;
    std::uint64_t length;
};
inline constexpr int uio_maxiov = 1024;  // IOV_MAX

// preadv2/pwritev2 flags (RWF_*).
inline constexpr int rwf_hipri = 0x01;
inline constexpr int rwf_dsync = 0x02;
inline constexpr int rwf_sync = 0x04;
inline constexpr int rwf_nowait = 0x08;
inline constexpr int rwf_append = 0x10;

struct PollFd {
    std::int32_t fd;
    std::int16_t events;
    std::int16_t revents;
};

// select(2)'s descriptor sets: FD_SETSIZE bits in 64-bit words.
inline constexpr int fd_setsize = 1024;

// ioctl(2) requests every file answers (fs/ioctl.c) and the terminal ones callers probe.
inline constexpr std::uint32_t tcgets = 0x5401;
inline constexpr std::uint32_t tiocgwinsz = 0x5413;
inline constexpr std::uint32_t fionread = 0x541B;
inline constexpr std::uint32_t fionbio = 0x5421;
inline constexpr std::uint32_t fionclex = 0x5450;
inline constexpr std::uint32_t fioclex = 0x5451;
inline constexpr std::uint32_t fioasync = 0x5452;

// getrandom(2) flags.
inline constexpr unsigned grnd_nonblock = 0x0001;
inline constexpr unsigned grnd_random = 0x0002;
inline constexpr unsigned grnd_insecure = 0x0004;

}  // namespace kernel::abi
