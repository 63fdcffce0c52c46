// hal debugging functions for the hosted backend.
#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "../kernel/hal/debug.h"

namespace hal {

void early_console_write(const char* text, kernel::usize length) {
    while (length) {
        ssize_t written = write(STDOUT_FILENO, text, length);
        if (written <= 0) return;
        text += written;
        length -= static_cast<kernel::usize>(written);
    }
}

kernel::usize backtrace(kernel::uptr* frames, kernel::usize max_frames) {
    void* addresses[64];
    int count = ::backtrace(addresses, 64);
    kernel::usize kept = 0;
    // Skip ourselves.
    for (int i = 1; i < count && kept < max_frames; ++i) frames[kept++] = reinterpret_cast<kernel::uptr>(addresses[i]);
    return kept;
}

kernel::uptr symbolize(kernel::uptr address, char* buffer, kernel::usize buffer_size) {
    Dl_info info {};
    buffer[0] = '\0';
    if (!dladdr(reinterpret_cast<void*>(address), &info)) return 0;
    if (info.dli_sname) {
        int status = 0;
        char* demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
        std::strncpy(buffer, status == 0 && demangled ? demangled : info.dli_sname, buffer_size - 1);
        buffer[buffer_size - 1] = '\0';
        std::free(demangled);
        return address - reinterpret_cast<kernel::uptr>(info.dli_saddr);
    }
    // A local symbol: name the file, and give the offset `addr2line -e FILE` understands.
    const char* file = info.dli_fname ? std::strrchr(info.dli_fname, '/') : nullptr;
    std::strncpy(buffer, file ? file + 1 : (info.dli_fname ? info.dli_fname : "?"), buffer_size - 1);
    buffer[buffer_size - 1] = '\0';
    return address - reinterpret_cast<kernel::uptr>(info.dli_fbase);
}

}  // namespace hal
