// Whole processes in a machine booted in the test process: real static programs (built
// into the userland stage) copied into Newt's /tmp and started with spawn_process, their
// exit statuses, and the frames they leave behind (none).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "kernel/abi/fcntl.h"
#include "kernel/core/scheduler.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/frame_allocator.h"
#include "kernel/proc/spawn.h"
#include "tests/unit/kernel/kernel_fixture.h"
#include "tests/unit/kernel/memory_snapshot.h"

namespace {

using namespace kernel;
using newt_test::run_in_kernel;
namespace kabi = kernel::abi;

std::string host_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    EXPECT_TRUE(file.good() || file.eof()) << path;
    return content.str();
}

// Copies a staged user program into Newt's file tree (mode 0755).
void install(const std::string& program, const std::string& guest_path) {
    std::string content = host_file(std::string(NEWT_USERLAND_STAGE) + "/tests/" + program);
    ASSERT_FALSE(content.empty()) << program;
    VfsContext context = VfsContext::for_kernel();
    auto file = vfs_open(context, nullptr, StringView(guest_path.data(), guest_path.size()),
                         kabi::o_creat | kabi::o_wronly | kabi::o_trunc, 0755);
    ASSERT_TRUE(file.has_value());
    IoBuffer buffer = IoBuffer::kernel(content.data(), content.size());
    ASSERT_EQ(file.value()->write(buffer, content.size()).value(), content.size());
}

// Runs the program to its end with stdout and stderr on `output` (a tmpfs file); returns
// its exit status (wait4's encoding).
int run(const std::vector<std::string>& argv, const char* output = "/dev/null") {
    std::vector<StringView> arguments;
    for (const std::string& word : argv) arguments.emplace_back(word.data(), word.size());
    SpawnRequest request;
    request.path = arguments[0];
    request.arguments = {arguments.data(), arguments.size(), nullptr, 0};
    request.context = VfsContext::for_kernel();
    auto out = vfs_open(request.context, nullptr, StringView(output, std::strlen(output)),
                        kabi::o_creat | kabi::o_wronly | kabi::o_trunc, 0644);
    EXPECT_TRUE(out.has_value());
    request.stdio[1] = request.stdio[2] = out.value();
    auto process = spawn_process(request);
    EXPECT_TRUE(process.has_value()) << argv[0];
    if (process.is_error()) return -1;
    for (int waited = 0; process.value()->state() == ProcessState::alive && waited < 60'000; ++waited)
        sleep_ns(1'000'000);
    EXPECT_NE(process.value()->state(), ProcessState::alive) << argv[0] << " did not finish";
    return process.value()->exit_status().wait_status();
}

std::string guest_file(const char* path) {
    VfsContext context = VfsContext::for_kernel();
    auto file = vfs_open(context, nullptr, StringView(path, std::strlen(path)), kabi::o_rdonly, 0);
    if (file.is_error()) return "<" + std::string(errno_name(file.error())) + ">";
    std::string text(4096, '\0');
    IoBuffer buffer = IoBuffer::kernel(text.data(), text.size());
    text.resize(file.value()->read(buffer, text.size()).value());
    return text;
}

TEST(ProcessRun, ExitStatusesAndSignals) {
    run_in_kernel([] {
        install("exit_with", "/tmp/exit_with");
        install("crash", "/tmp/crash");
        EXPECT_EQ(run({"/tmp/exit_with", "42"}), 42 << 8);
        EXPECT_EQ(run({"/tmp/exit_with", "0"}), 0);
        EXPECT_EQ(run({"/tmp/crash", "segv"}), 11 | 0x80);  // SIGSEGV, core
        EXPECT_EQ(run({"/tmp/crash", "ill"}), 4 | 0x80);
        EXPECT_EQ(run({"/tmp/crash", "fpe"}), 8 | 0x80);
    });
}


TEST(ProcessRun, ProcSelfFactsHoldAndDeadProcessesLeaveNoProcEntries) {
    run_in_kernel([] {
        install("procself", "/tmp/procself");
        // What init adds to /dev (the program checks /dev/stdout and /dev/fd).
        VfsContext kernel_context = VfsContext::for_kernel();
        ASSERT_FALSE(vfs_symlink(kernel_context, "/proc/self/fd/1", nullptr, "/dev/stdout").is_error());
        ASSERT_FALSE(vfs_symlink(kernel_context, "/proc/self/fd", nullptr, "/dev/fd").is_error());
        EXPECT_EQ(run({"/tmp/procself"}, "/tmp/procself.out"), 0) << guest_file("/tmp/procself.out");
        EXPECT_NE(guest_file("/tmp/procself.out").find("\n0 failures\n"), std::string::npos);
        // The kernel is no process: /proc/self names nobody.
        EXPECT_EQ(guest_file("/proc/self/status"), "<ENOENT>");
        // /proc/uptime's own dentry is cached by its first lookup: make that before measuring.
        EXPECT_NE(guest_file("/proc/uptime").find('.'), std::string::npos);
        newt_test::MemorySnapshot before = newt_test::memory_snapshot();
        EXPECT_EQ(run({"/tmp/procself"}, "/tmp/procself.out"), 0);
        // The run looked up /proc/<its pid>/... and its children's entries; they are cached
        // until the next lookup in /proc finds their processes gone and drops them.
        EXPECT_NE(guest_file("/proc/uptime").find('.'), std::string::npos);
        EXPECT_TRUE(newt_test::memory_returns_to(before));
    });
}

TEST(ProcessRun, TwoHundredForkExecCyclesLeaveNoFramesBehind) {
    run_in_kernel([] {
        install("fork_exec", "/tmp/fork_exec");
        install("exit_with", "/tmp/exit_with");
        // A warm-up run fills the kernel's caches (slabs, dentries, the page cache of the
        // programs' files); the measured run must then give back every frame it took.
        EXPECT_EQ(run({"/tmp/fork_exec", "5", "/tmp/exit_with"}, "/tmp/fork_exec.out"), 0);
        newt_test::MemorySnapshot before = newt_test::memory_snapshot();
        usize free_before = mm::frame_stats().free_frames;
        EXPECT_EQ(run({"/tmp/fork_exec", "200", "/tmp/exit_with"}, "/tmp/fork_exec.out"), 0);
        EXPECT_EQ(guest_file("/tmp/fork_exec.out"), "fork_exec: 200 of 200 rounds exited 7\n");
        // 200 processes, each with page tables, a stack, copied pages, a kernel thread (its
        // stack freed by the reaper) came and went: nothing more may be in use than before.
        EXPECT_TRUE(newt_test::memory_returns_to(before));
        std::printf("free frames: %zu before, %zu after 200 fork+exec+exit cycles\n", free_before,
                    mm::frame_stats().free_frames);
    });
}

}  // namespace
