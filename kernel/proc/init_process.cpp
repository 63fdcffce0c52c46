#include "init_process.h"

#include "../abi/fcntl.h"
#include "../core/command_line.h"
#include "../core/klog.h"
#include "../fs/vfs.h"
#include "../lib/string.h"
#include "../syscalls/dispatcher.h"
#include "spawn.h"

namespace kernel {
namespace {

constexpr usize max_init_arguments = 32;
char init_path[256] = "/sbin/init";

}  // namespace

Result<InitStarted> start_init() {
    InitStarted result;
    command_line_value("init", init_path, sizeof init_path);
    set_syscall_tracing(command_line_int("strace", 0) != 0);
    StringView path(init_path, kstd::strlen(init_path));
    VfsContext context = VfsContext::for_kernel();
    if (auto found = vfs_stat(context, nullptr, path, true); found.is_error()) {
        klog_warn("init: %s: %s; no init process", init_path, errno_name(found.error()));
        return result;
    }
    StringView arguments[max_init_arguments];
    usize count = 0;
    arguments[count++] = path;
    if (const char* words = command_line_init_arguments()) {
        result.with_command = *words != '\0';
        // Words are separated by spaces; "double quotes" keep blanks inside one word.
        for (const char* word = words; *word;) {
            while (*word == ' ') ++word;
            if (!*word) break;
            bool quoted = *word == '"';
            if (quoted) ++word;
            const char* end = word;
            while (*end && (quoted ? *end != '"' : *end != ' ')) ++end;
            if (count == max_init_arguments) return Errno::e2big;
            arguments[count++] = StringView(word, static_cast<usize>(end - word));
            word = quoted && *end ? end + 1 : end;
        }
    }
    static const StringView environment[] = {StringView("HOME=/", 6), StringView("TERM=linux", 10)};
    SpawnRequest request;
    request.path = path;
    request.arguments = {arguments, count, environment, 2};
    request.context = context;
    RefPtr<OpenFile> console = TRY(vfs_open(context, nullptr, StringView("/dev/console", 12), abi::o_rdwr, 0));
    for (auto& fd : request.stdio) fd = console;
    RefPtr<Process> init = TRY(spawn_process(request));
    Process::set_init(init.get());
    klog_info("init: started %s as pid %d", init_path, init->pid());
    result.started = true;
    return result;
}

}  // namespace kernel
