// /proc/version: "Newt version <version> (<compiler>) #1 SMP <build date>\n", the shape of
// Linux's "Linux version 6.1.0 (builder@host) (gcc ...) #1 SMP PREEMPT_DYNAMIC <date>".
// The build date is when this file was compiled.
#include "../../core/boot.h"
#include "proc_files.h"

namespace kernel {
namespace {

#define NEWT_STRINGIFY_(x) #x
#define NEWT_STRINGIFY(x) NEWT_STRINGIFY_(x)
#if defined(__clang__)
constexpr const char* compiler = "clang version " NEWT_STRINGIFY(__clang_major__) "." NEWT_STRINGIFY(
    __clang_minor__) "." NEWT_STRINGIFY(__clang_patchlevel__);
#else
constexpr const char* compiler = "gcc version " NEWT_STRINGIFY(__GNUC__) "." NEWT_STRINGIFY(
    __GNUC_MINOR__) "." NEWT_STRINGIFY(__GNUC_PATCHLEVEL__);
#endif

}  // namespace

void generate_version(TextBuffer& text) {
    text.appendf("Newt version %s (%s) #1 SMP %s %s\n", version, compiler, __DATE__, __TIME__);
}

}  // namespace kernel
