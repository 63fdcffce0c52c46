// Drives the syscall dispatcher in-process: a Process with a real AddressSpace (the hosted
// backend's page tables) and a UserThread that never enters user mode, attached to the
// test's kernel thread, so that invoke_syscall runs exactly what a trapped syscall runs.
// Tests place data in the process's memory and read results back through the user-copy
// functions. Use inside newt_test::run_in_kernel.
#pragma once

#include <cstring>
#include <initializer_list>
#include <string>

#include "kernel/fs/path_resolution.h"
#include "kernel/lib/errno.h"
#include "kernel/proc/process.h"
#include "kernel/proc/user_thread.h"

namespace syscall_test {

using namespace kernel;

class SyscallHarness {
public:
    // A process with root credentials (or `credentials`), cwd `cwd`, and `scratch_bytes` of
    // read/write anonymous memory at scratch().
    explicit SyscallHarness(const Credentials& credentials = Credentials::root(), const char* cwd = "/tmp",
                            usize scratch_bytes = 64 * 4096);
    ~SyscallHarness();
    SyscallHarness(const SyscallHarness&) = delete;
    SyscallHarness& operator=(const SyscallHarness&) = delete;

    Process& process() { return *process_; }
    UserThread& thread() { return *thread_; }
    AddressSpace& memory() { return process_->memory(); }
    uptr scratch() const { return scratch_; }
    usize scratch_size() const { return scratch_size_; }

    // The raw return value (rax): a result, or -errno.
    long call(u64 number, std::initializer_list<u64> arguments = {});
    // "OK" for a non-negative result, else the errno's name ("EFAULT").
    std::string outcome(u64 number, std::initializer_list<u64> arguments = {});

    // Scratch memory helpers: put bytes or a C string at scratch() + offset, return the
    // user address.
    uptr put(usize offset, const void* data, usize length);
    uptr put_string(usize offset, const std::string& text);
    std::string get(uptr address, usize length);
    template <typename T>
    T get_value(uptr address) {
        T value {};
        std::string bytes = get(address, sizeof value);
        std::memcpy(&value, bytes.data(), sizeof value);
        return value;
    }

private:
    RefPtr<Process> process_;
    UserThread* thread_ = nullptr;
    UserThread* previous_ = nullptr;
    uptr scratch_ = 0;
    usize scratch_size_ = 0;
};

// An address no process maps (EFAULT for every syscall that dereferences it).
inline constexpr u64 wild_pointer = 0x1234000;
inline constexpr u64 kernel_pointer = 0xffff800000001000;

}  // namespace syscall_test
