// kernel::Errno must use Linux's numbers (the syscall ABI returns them to user programs) and
// kernel::errno_name must name them like the C library does.
#include "kernel/lib/errno.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

// The host's macros come after the kernel headers: the kernel's enumerators are lower case
// precisely so that they can coexist with these.
#include <cerrno>

namespace {

using kernel::Errno;

// Every enumerator of kernel/lib/errno.h, paired with the host macro of the same name.
#define NEWT_ERRNO_TABLE(X)                                                                                      \
    X(eperm, EPERM) X(enoent, ENOENT) X(esrch, ESRCH) X(eintr, EINTR) X(eio, EIO) X(enxio, ENXIO) X(e2big, E2BIG) \
    X(enoexec, ENOEXEC) X(ebadf, EBADF) X(echild, ECHILD) X(eagain, EAGAIN) X(enomem, ENOMEM) X(eacces, EACCES)  \
    X(efault, EFAULT) X(enotblk, ENOTBLK) X(ebusy, EBUSY) X(eexist, EEXIST) X(exdev, EXDEV) X(enodev, ENODEV)     \
    X(enotdir, ENOTDIR) X(eisdir, EISDIR) X(einval, EINVAL) X(enfile, ENFILE) X(emfile, EMFILE)                   \
    X(enotty, ENOTTY) X(etxtbsy, ETXTBSY) X(efbig, EFBIG) X(enospc, ENOSPC) X(espipe, ESPIPE) X(erofs, EROFS)     \
    X(emlink, EMLINK) X(epipe, EPIPE) X(edom, EDOM) X(erange, ERANGE) X(edeadlk, EDEADLK)                        \
    X(enametoolong, ENAMETOOLONG) X(enolck, ENOLCK) X(enosys, ENOSYS) X(enotempty, ENOTEMPTY) X(eloop, ELOOP)    \
    X(enomsg, ENOMSG) X(eoverflow, EOVERFLOW) X(eilseq, EILSEQ) X(enotsock, ENOTSOCK)                            \
    X(edestaddrreq, EDESTADDRREQ) X(emsgsize, EMSGSIZE) X(eprototype, EPROTOTYPE) X(enoprotoopt, ENOPROTOOPT)    \
    X(eprotonosupport, EPROTONOSUPPORT) X(eopnotsupp, EOPNOTSUPP) X(eafnosupport, EAFNOSUPPORT)                  \
    X(eaddrinuse, EADDRINUSE) X(eaddrnotavail, EADDRNOTAVAIL) X(enetdown, ENETDOWN) X(enetunreach, ENETUNREACH)  \
    X(econnaborted, ECONNABORTED) X(econnreset, ECONNRESET) X(enobufs, ENOBUFS) X(eisconn, EISCONN)              \
    X(enotconn, ENOTCONN) X(etimedout, ETIMEDOUT) X(econnrefused, ECONNREFUSED) X(ehostunreach, EHOSTUNREACH)    \
    X(ealready, EALREADY) X(einprogress, EINPROGRESS) X(ecanceled, ECANCELED)

TEST(Errno, NumbersMatchTheHost) {
#define NEWT_CHECK_NUMBER(lower, upper) \
    EXPECT_EQ(static_cast<int>(Errno::lower), upper) << #upper;
    NEWT_ERRNO_TABLE(NEWT_CHECK_NUMBER)
#undef NEWT_CHECK_NUMBER
}

TEST(Errno, NamesMatchTheEnumerators) {
#define NEWT_CHECK_NAME(lower, upper) EXPECT_STREQ(kernel::errno_name(Errno::lower), #upper);
    NEWT_ERRNO_TABLE(NEWT_CHECK_NAME)
#undef NEWT_CHECK_NAME
}

TEST(Errno, TableCoversEveryNamedNumber) {
    // errno_name's switch must (by -Wswitch) name every enumerator; every number it names
    // must be in the table above, so the table is complete, and must be glibc's name too.
    std::set<int> in_table;
#define NEWT_COLLECT(lower, upper) in_table.insert(static_cast<int>(Errno::lower));
    NEWT_ERRNO_TABLE(NEWT_COLLECT)
#undef NEWT_COLLECT
    int named = 0;
    for (int number = -5; number < 512; ++number) {
        std::string name = kernel::errno_name(static_cast<Errno>(number));
        if (name == "E?") continue;
        ++named;
        EXPECT_TRUE(in_table.count(number)) << name << " = " << number << " is missing from the test's table";
        const char* host = strerrorname_np(number);
        ASSERT_NE(host, nullptr) << number;
        EXPECT_EQ(name, host) << number;
    }
    EXPECT_EQ(named, static_cast<int>(in_table.size()));
}

TEST(Errno, UnknownNumbers) {
    EXPECT_STREQ(kernel::errno_name(static_cast<Errno>(0)), "E?");
    EXPECT_STREQ(kernel::errno_name(static_cast<Errno>(41)), "E?");
    EXPECT_STREQ(kernel::errno_name(static_cast<Errno>(-1)), "E?");
    EXPECT_STREQ(kernel::errno_name(static_cast<Errno>(100000)), "E?");
}

}  // namespace
