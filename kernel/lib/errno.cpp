#include "errno.h"

namespace kernel {

const char* errno_name(Errno error) {
    switch (error) {
#define NEWT_ERRNO_CASE(name, text) case Errno::name: return text;
        NEWT_ERRNO_CASE(eperm, "EPERM") NEWT_ERRNO_CASE(enoent, "ENOENT") NEWT_ERRNO_CASE(esrch, "ESRCH")
        NEWT_ERRNO_CASE(eintr, "EINTR") NEWT_ERRNO_CASE(eio, "EIO") NEWT_ERRNO_CASE(enxio, "ENXIO")
        NEWT_ERRNO_CASE(e2big, "E2BIG") NEWT_ERRNO_CASE(enoexec, "ENOEXEC") NEWT_ERRNO_CASE(ebadf, "EBADF")
        NEWT_ERRNO_CASE(echild, "ECHILD") NEWT_ERRNO_CASE(eagain, "EAGAIN") NEWT_ERRNO_CASE(enomem, "ENOMEM")
        NEWT_ERRNO_CASE(eacces, "EACCES") NEWT_ERRNO_CASE(efault, "EFAULT") NEWT_ERRNO_CASE(enotblk, "ENOTBLK")
        NEWT_ERRNO_CASE(ebusy, "EBUSY") NEWT_ERRNO_CASE(eexist, "EEXIST") NEWT_ERRNO_CASE(exdev, "EXDEV")
        NEWT_ERRNO_CASE(enodev, "ENODEV") NEWT_ERRNO_CASE(enotdir, "ENOTDIR") NEWT_ERRNO_CASE(eisdir, "EISDIR")
        NEWT_ERRNO_CASE(einval, "EINVAL") NEWT_ERRNO_CASE(enfile, "ENFILE") NEWT_ERRNO_CASE(emfile, "EMFILE")
        NEWT_ERRNO_CASE(enotty, "ENOTTY") NEWT_ERRNO_CASE(etxtbsy, "ETXTBSY") NEWT_ERRNO_CASE(efbig, "EFBIG")
        NEWT_ERRNO_CASE(enospc, "ENOSPC") NEWT_ERRNO_CASE(espipe, "ESPIPE") NEWT_ERRNO_CASE(erofs, "EROFS")
        NEWT_ERRNO_CASE(emlink, "EMLINK") NEWT_ERRNO_CASE(epipe, "EPIPE") NEWT_ERRNO_CASE(edom, "EDOM")
        NEWT_ERRNO_CASE(erange, "ERANGE") NEWT_ERRNO_CASE(edeadlk, "EDEADLK") NEWT_ERRNO_CASE(enametoolong, "ENAMETOOLONG")
        NEWT_ERRNO_CASE(enolck, "ENOLCK") NEWT_ERRNO_CASE(enosys, "ENOSYS") NEWT_ERRNO_CASE(enotempty, "ENOTEMPTY")
        NEWT_ERRNO_CASE(eloop, "ELOOP") NEWT_ERRNO_CASE(enomsg, "ENOMSG") NEWT_ERRNO_CASE(eoverflow, "EOVERFLOW")
        NEWT_ERRNO_CASE(eilseq, "EILSEQ") NEWT_ERRNO_CASE(enotsock, "ENOTSOCK") NEWT_ERRNO_CASE(edestaddrreq, "EDESTADDRREQ")
        NEWT_ERRNO_CASE(emsgsize, "EMSGSIZE") NEWT_ERRNO_CASE(eprototype, "EPROTOTYPE") NEWT_ERRNO_CASE(enoprotoopt, "ENOPROTOOPT")
        NEWT_ERRNO_CASE(eprotonosupport, "EPROTONOSUPPORT") NEWT_ERRNO_CASE(eopnotsupp, "EOPNOTSUPP")
        NEWT_ERRNO_CASE(eafnosupport, "EAFNOSUPPORT") NEWT_ERRNO_CASE(eaddrinuse, "EADDRINUSE")
        NEWT_ERRNO_CASE(eaddrnotavail, "EADDRNOTAVAIL") NEWT_ERRNO_CASE(enetdown, "ENETDOWN") NEWT_ERRNO_CASE(enetunreach, "ENETUNREACH")
        NEWT_ERRNO_CASE(econnaborted, "ECONNABORTED") NEWT_ERRNO_CASE(econnreset, "ECONNRESET") NEWT_ERRNO_CASE(enobufs, "ENOBUFS")
        NEWT_ERRNO_CASE(eisconn, "EISCONN") NEWT_ERRNO_CASE(enotconn, "ENOTCONN") NEWT_ERRNO_CASE(etimedout, "ETIMEDOUT")
        NEWT_ERRNO_CASE(econnrefused, "ECONNREFUSED") NEWT_ERRNO_CASE(ehostunreach, "EHOSTUNREACH") NEWT_ERRNO_CASE(ealready, "EALREADY")
        NEWT_ERRNO_CASE(einprogress, "EINPROGRESS") NEWT_ERRNO_CASE(ecanceled, "ECANCELED")
#undef NEWT_ERRNO_CASE
    }
    return "E?";
}

}  // namespace kernel
