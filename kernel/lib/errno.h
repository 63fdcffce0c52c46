// Linux errno numbers (asm-generic/errno-base.h and errno.h): the kernel's error vocabulary.
// The names are lower case (Errno::enomem) because the host's <errno.h>, which hosted code
// includes beside kernel headers, defines the upper-case ones as macros.
#pragma once

namespace kernel {

enum class Errno : int {
    eperm = 1, enoent = 2, esrch = 3, eintr = 4, eio = 5, enxio = 6, e2big = 7, enoexec = 8,
    ebadf = 9, echild = 10, eagain = 11, enomem = 12, eacces = 13, efault = 14, enotblk = 15,
    ebusy = 16, eexist = 17, exdev = 18, enodev = 19, enotdir = 20, eisdir = 21, einval = 22,
    enfile = 23, emfile = 24, enotty = 25, etxtbsy = 26, efbig = 27, enospc = 28, espipe = 29,
    erofs = 30, emlink = 31, epipe = 32, edom = 33, erange = 34, edeadlk = 35,
    enametoolong = 36, enolck = 37, enosys = 38, enotempty = 39, eloop = 40, enomsg = 42,
    eoverflow = 75, eilseq = 84, enotsock = 88, edestaddrreq = 89, emsgsize = 90,
    eprototype = 91, enoprotoopt = 92, eprotonosupport = 93, eopnotsupp = 95,
    eafnosupport = 97, eaddrinuse = 98, eaddrnotavail = 99, enetdown = 100,
    enetunreach = 101, econnaborted = 103, econnreset = 104, enobufs = 105, eisconn = 106,
    enotconn = 107, etimedout = 110, econnrefused = 111, ehostunreach = 113, ealready = 114,
    einprogress = 115, ecanceled = 125,
};

// The symbolic name ("ENOMEM") of an errno, or "E?" for numbers the table does not know.
const char* errno_name(Errno error);

}  // namespace kernel
