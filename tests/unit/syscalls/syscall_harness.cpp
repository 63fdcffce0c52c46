#include "syscall_harness.h"

#include <gtest/gtest.h>

#include "kernel/core/scheduler.h"
#include "kernel/mm/user_memory.h"
#include "kernel/syscalls/dispatcher.h"

namespace syscall_test {

SyscallHarness::SyscallHarness(const Credentials& credentials, const char* cwd, usize scratch_bytes) {
    auto memory = AddressSpace::create();
    EXPECT_TRUE(memory.has_value());
    VfsContext context = VfsContext::for_kernel();
    context.credentials = credentials;
    if (cwd) {
        auto directory = resolve_path(context, nullptr, StringView(cwd, std::strlen(cwd)), resolve_follow);
        EXPECT_TRUE(directory.has_value()) << cwd;
        if (directory.has_value()) context.cwd = directory.value();
    }
    auto process = Process::create(context, memory.value());
    EXPECT_TRUE(process.has_value());
    process_ = process.value();
    hal::UserContext registers {};
    auto thread = UserThread::create(*process_, registers);
    EXPECT_TRUE(thread.has_value());
    thread_ = thread.value();
    MapRequest request;
    request.length = scratch_bytes;
    request.protection = hal::prot_read | hal::prot_write;
    auto scratch = memory.value()->map(std::move(request));
    EXPECT_TRUE(scratch.has_value());
    scratch_ = scratch.value();
    scratch_size_ = scratch_bytes;
    previous_ = current_thread()->user;
    current_thread()->user = thread_;
}

SyscallHarness::~SyscallHarness() {
    current_thread()->user = previous_;
    // The process never ran: it ends as a process whose thread exited.
    process_->exit({});
}

long SyscallHarness::call(u64 number, std::initializer_list<u64> arguments) {
    u64 registers[6] = {};
    usize index = 0;
    for (u64 argument : arguments) registers[index++] = argument;
    return invoke_syscall(number, registers);
}

std::string SyscallHarness::outcome(u64 number, std::initializer_list<u64> arguments) {
    long result = call(number, arguments);
    if (result >= 0) return "OK";
    return errno_name(static_cast<Errno>(-result));
}

uptr SyscallHarness::put(usize offset, const void* data, usize length) {
    EXPECT_TRUE(copy_to_user(memory(), scratch_ + offset, data, length).has_value());
    return scratch_ + offset;
}

uptr SyscallHarness::put_string(usize offset, const std::string& text) {
    return put(offset, text.c_str(), text.size() + 1);
}

std::string SyscallHarness::get(uptr address, usize length) {
    std::string bytes(length, '\0');
    auto copied = copy_from_user(memory(), bytes.data(), address, length);
    EXPECT_TRUE(copied.has_value());
    return bytes;
}

}  // namespace syscall_test
