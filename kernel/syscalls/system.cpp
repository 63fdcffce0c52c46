#include "system.h"

#include "../core/boot.h"
#include "../lib/string.h"
#include "../mm/user_memory.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

void copy_field(char (&field)[65], const char* text) {
    usize length = kstd::strlen(text);
    if (length > 64) length = 64;
    kstd::memcpy(field, text, length);
    field[length] = '\0';
}

}  // namespace

// Newt answers as the Linux it imitates (sysname "Linux", a 6.1 release), as gVisor does:
// programs compare these to decide which kernel features exist. The version field says
// what it really is.
Result<long> sys_uname(UserPtr<abi::Utsname> name) {
    abi::Utsname result {};
    copy_field(result.sysname, "Linux");
    copy_field(result.nodename, "newt");
    copy_field(result.release, "6.1.0-newt");
    char version_text[65];
    usize length = 0;
    for (const char* part : {"#1 SMP Newt ", version}) {
        for (const char* c = part; *c && length < 64; ++c) version_text[length++] = *c;
    }
    version_text[length] = '\0';
    copy_field(result.version, version_text);
    copy_field(result.machine, "x86_64");
    copy_field(result.domainname, "(none)");
    TRY(copy_to_user(current_user_thread()->process().memory(), name.address(), &result, sizeof result));
    return 0;
}

}  // namespace kernel
