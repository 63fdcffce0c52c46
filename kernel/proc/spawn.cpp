#include "spawn.h"

#include "user_thread.h"

namespace kernel {

Result<RefPtr<Process>> spawn_process(const SpawnRequest& request) {
    RefPtr<AddressSpace> memory = TRY(AddressSpace::create());
    RefPtr<Process> process = TRY(Process::create(request.context, memory));
    for (int fd = 0; fd < 3; ++fd)
        if (request.stdio[fd]) TRY(process->files().install_at(fd, request.stdio[fd], false));
    hal::UserContext registers {};
    UserThread* thread = TRY(UserThread::create(*process, registers));
    auto executed = execute(*thread, nullptr, request.path, request.arguments);
    if (executed.is_error()) {
        process->exit({});
        return executed.error();
    }
    (void)thread->took_new_context();
    if (auto started = thread->start(); started.is_error()) {
        process->exit({});
        return started.error();
    }
    return process;
}

}  // namespace kernel
