#include <errno.h>
#include <sys/random.h>

#include "../kernel/hal/entropy.h"

namespace hal {

void entropy(void* buffer, kernel::usize length) {
    auto* bytes = static_cast<char*>(buffer);
    while (length) {
        ssize_t got = getrandom(bytes, length, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return;
        }
        bytes += got;
        length -= static_cast<kernel::usize>(got);
    }
}

}  // namespace hal
