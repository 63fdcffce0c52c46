#include <errno.h>
#include <sys/random.h>

#include <atomic>

#include "../kernel/hal/entropy.h"
#include "../kernel/hal/interrupts.h"
#include "machine.h"

namespace {
std::atomic<bool> source_fails {false};
}  // namespace

void hosted::fail_entropy_source(bool fail) { source_fails.store(fail); }

namespace hal {

bool entropy(void* buffer, kernel::usize length) {
    if (source_fails.load()) return false;
    // A host call: with the virtual interrupt flag clear, so the fiber cannot be switched
    // away in the middle of it (errno is the host thread's; docs/hal.md).
    InterruptGuard interrupts;
    auto* bytes = static_cast<char*>(buffer);
    while (length) {
        // GRND_NONBLOCK: the host's pool is initialized long before anything runs Newt;
        // if it is not, fail (the kernel then falls back to timer jitter) rather than block
        // a CPU thread with its interrupts off.
        ssize_t got = getrandom(bytes, length, GRND_NONBLOCK);
        if (got < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes += got;
        length -= static_cast<kernel::usize>(got);
    }
    return true;
}

}  // namespace hal
