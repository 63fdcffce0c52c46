// The dispatcher driven in-process (no stub, no ring 3): unknown numbers are ENOSYS, bad
// descriptors EBADF, wild pointers EFAULT, and the memory, signal, time and process
// syscalls give Linux's answers for their argument checks.
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include "kernel/abi/fcntl.h"
#include "kernel/fs/vfs.h"
#include "syscall_harness.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;
namespace kabi = kernel::abi;

int open_null(SyscallHarness& harness) {
    VfsContext context = VfsContext::for_kernel();
    auto file = vfs_open(context, nullptr, StringView("/dev/null", 9), kabi::o_rdwr, 0);
    EXPECT_TRUE(file.has_value());
    auto fd = harness.process().files().allocate(file.value(), false);
    EXPECT_TRUE(fd.has_value());
    return fd.value();
}

TEST(Dispatcher, UnknownNumbersAreEnosys) {
    run_in_kernel([] {
        SyscallHarness harness;
        for (u64 number : {u64(400), u64(511), u64(512), u64(9999), ~u64(0), u64(1) << 32})
            EXPECT_EQ(harness.outcome(number), "ENOSYS") << number;
        EXPECT_EQ(harness.outcome(SYS_rseq, {0, 32, 0, 0}), "ENOSYS");   // glibc copes without rseq
        EXPECT_EQ(harness.outcome(SYS_clone3, {0, 88}), "ENOSYS");       // glibc falls back to clone
    });
}

TEST(Dispatcher, BadDescriptorsAreEbadf) {
    run_in_kernel([] {
        SyscallHarness harness;
        uptr buffer = harness.scratch();
        for (u64 fd : {u64(3), u64(1023), u64(1024), u64(-1), u64(0x7fffffff), u64(1) << 40})
            EXPECT_EQ(harness.outcome(SYS_read, {fd, buffer, 1}), "EBADF") << fd;
        EXPECT_EQ(harness.outcome(SYS_write, {7, buffer, 1}), "EBADF");
        EXPECT_EQ(harness.outcome(SYS_close, {7}), "EBADF");
        EXPECT_EQ(harness.outcome(SYS_mmap, {0, 4096, 1, 0x01, 7, 0}), "EBADF");  // MAP_SHARED of fd 7
    });
}

TEST(Dispatcher, WildPointersAreEfault) {
    run_in_kernel([] {
        SyscallHarness harness;
        int fd = open_null(harness);
        for (u64 pointer : {u64(0), wild_pointer, kernel_pointer, ~u64(0) - 10}) {
            EXPECT_EQ(harness.outcome(SYS_write, {u64(fd), pointer, 10}), "EFAULT") << pointer;
            EXPECT_EQ(harness.outcome(SYS_uname, {pointer}), "EFAULT") << pointer;
            EXPECT_EQ(harness.outcome(SYS_clock_gettime, {0, pointer}), "EFAULT") << pointer;
            if (pointer) {  // null means "none" for these two
                EXPECT_EQ(harness.outcome(SYS_rt_sigaction, {u64(kabi::sigusr1), pointer, 0, 8}), "EFAULT") << pointer;
                EXPECT_EQ(harness.outcome(SYS_rt_sigprocmask, {0, pointer, 0, 8}), "EFAULT") << pointer;
            }
            EXPECT_EQ(harness.outcome(SYS_execve, {pointer, 0, 0}), "EFAULT") << pointer;
            EXPECT_EQ(harness.outcome(SYS_nanosleep, {pointer, 0}), "EFAULT") << pointer;
            EXPECT_EQ(harness.outcome(SYS_getrlimit, {0, pointer}), "EFAULT") << pointer;
        }
        // A buffer that starts valid and runs off the end of the mapping.
        uptr last_page = harness.scratch() + harness.scratch_size() - 4096;
        EXPECT_EQ(harness.call(SYS_write, {u64(fd), last_page, 4096}), 4096);
        EXPECT_EQ(harness.call(SYS_write, {u64(fd), last_page + 4000, 4096}), 96);  // the valid prefix
        EXPECT_EQ(harness.outcome(SYS_write, {u64(fd), last_page + 4096, 1}), "EFAULT");
    });
}

TEST(Dispatcher, ReadAndWriteMoveBytesThroughUserMemory) {
    run_in_kernel([] {
        SyscallHarness harness;
        VfsContext context = VfsContext::for_kernel();
        auto file = vfs_open(context, nullptr, StringView("/tmp/dispatcher-io", 18), kabi::o_creat | kabi::o_rdwr | kabi::o_trunc, 0644);
        ASSERT_TRUE(file.has_value());
        int fd = harness.process().files().allocate(file.value(), false).value();
        uptr text = harness.put_string(0, "written through the dispatcher");
        EXPECT_EQ(harness.call(SYS_write, {u64(fd), text, 30}), 30);
        ASSERT_TRUE(file.value()->seek(0, kabi::seek_set).has_value());
        uptr into = harness.scratch() + 8192 - 10;  // straddles a page boundary
        EXPECT_EQ(harness.call(SYS_read, {u64(fd), into, 100}), 30);
        EXPECT_EQ(harness.get(into, 30), "written through the dispatcher");
        EXPECT_EQ(harness.call(SYS_read, {u64(fd), into, 100}), 0);  // end of file
        EXPECT_EQ(harness.outcome(SYS_close, {u64(fd)}), "OK");
        EXPECT_EQ(harness.outcome(SYS_close, {u64(fd)}), "EBADF");
    });
}

TEST(Dispatcher, MemorySyscallsCheckTheirArguments) {
    run_in_kernel([] {
        SyscallHarness harness;
        constexpr u64 prot_rw = 3, map_private_anonymous = 0x22;
        long address = harness.call(SYS_mmap, {0, 3 * 4096, prot_rw, map_private_anonymous, u64(-1), 0});
        ASSERT_GT(address, 0);
        EXPECT_EQ(harness.outcome(SYS_mmap, {0, 0, prot_rw, map_private_anonymous, u64(-1), 0}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_mmap, {0, 4096, prot_rw, 0x20, u64(-1), 0}), "EINVAL");     // neither shared nor private
        EXPECT_EQ(harness.outcome(SYS_mmap, {0, 4096, 8, map_private_anonymous, u64(-1), 0}), "EINVAL");  // bad prot
        EXPECT_EQ(harness.outcome(SYS_mmap, {0, 4096, prot_rw, map_private_anonymous, u64(-1), 100}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_mmap, {0, ~u64(0) - 100, prot_rw, map_private_anonymous, u64(-1), 0}), "ENOMEM");
        EXPECT_EQ(harness.outcome(SYS_mmap, {0x1000, 4096, prot_rw, map_private_anonymous | 0x10, u64(-1), 0}), "EPERM");
        EXPECT_EQ(harness.outcome(SYS_mprotect, {u64(address) + 1, 4096, 1}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_mprotect, {u64(address), 4096, 1}), "OK");
        EXPECT_EQ(harness.outcome(SYS_munmap, {u64(address), 0}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_munmap, {u64(address) + 4096, 4096}), "OK");
        EXPECT_EQ(harness.outcome(SYS_mprotect, {u64(address), 3 * 4096, 1}), "ENOMEM");  // the hole
        EXPECT_EQ(harness.outcome(SYS_madvise, {u64(address), 4096, 4}), "OK");         // MADV_DONTNEED
        EXPECT_EQ(harness.outcome(SYS_madvise, {u64(address), 4096, 999}), "EINVAL");
        // brk: without an exec the break is 0; moving below the start leaves it.
        EXPECT_EQ(harness.call(SYS_brk, {0}), 0);
        // A shared anonymous mapping is shared memory (one page seen by both mappings).
        long shared = harness.call(SYS_mmap, {0, 4096, prot_rw, 0x21, u64(-1), 0});
        ASSERT_GT(shared, 0);
        long moved = harness.call(SYS_mremap, {u64(shared), 4096, 8192, 1, 0});
        EXPECT_GT(moved, 0);
    });
}

TEST(Dispatcher, ProcessSyscallsAnswerLikeLinux) {
    run_in_kernel([] {
        SyscallHarness harness;
        Pid pid = harness.process().pid();
        EXPECT_EQ(harness.call(SYS_getpid), pid);
        EXPECT_EQ(harness.call(SYS_gettid), pid);
        EXPECT_EQ(harness.call(SYS_getppid), 0);
        EXPECT_EQ(harness.call(SYS_getuid), 0);
        EXPECT_EQ(harness.outcome(SYS_wait4, {u64(-1), 0, 0, 0}), "ECHILD");
        EXPECT_EQ(harness.outcome(SYS_wait4, {u64(-1), 0, 0x100, 0}), "EINVAL");  // unknown option
        EXPECT_EQ(harness.outcome(SYS_waitid, {0, 0, 0, 0, 0}), "EINVAL");        // no WEXITED etc.
        EXPECT_EQ(harness.outcome(SYS_waitid, {0, 0, 0, 4, 0}), "ECHILD");
        EXPECT_EQ(harness.outcome(SYS_kill, {u64(pid), 0}), "OK");  // signal 0: may I?
        EXPECT_EQ(harness.outcome(SYS_kill, {u64(pid), 65}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_kill, {30000, 0}), "ESRCH");
        EXPECT_EQ(harness.outcome(SYS_tgkill, {u64(pid), u64(pid) + 1, 0}), "ESRCH");
        EXPECT_EQ(harness.outcome(SYS_arch_prctl, {0x1002, 0xffff800000000000}), "EPERM");  // ARCH_SET_FS
        EXPECT_EQ(harness.outcome(SYS_arch_prctl, {0x1002, 0x7ffffffff000 - 0x1000}), "OK");
        EXPECT_EQ(harness.outcome(SYS_arch_prctl, {0x1002, 0x7ffffffff000}), "EPERM");
        EXPECT_EQ(harness.outcome(SYS_arch_prctl, {0x9999, 0}), "EINVAL");
        EXPECT_EQ(harness.call(SYS_set_tid_address, {harness.scratch()}), pid);
        EXPECT_EQ(harness.outcome(SYS_set_robust_list, {harness.scratch(), 23}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_set_robust_list, {harness.scratch(), 24}), "OK");
        uptr limit = harness.scratch() + 100;
        EXPECT_EQ(harness.outcome(SYS_getrlimit, {3, limit}), "OK");  // RLIMIT_STACK
        EXPECT_EQ(harness.get_value<u64>(limit), 8u << 20);
        EXPECT_EQ(harness.outcome(SYS_getrlimit, {16, limit}), "EINVAL");
        // Non-root may not raise a hard limit.
        SyscallHarness user(Credentials::user(1000, 1000));
        u64 raise[2] = {1 << 20, ~u64(0)};
        uptr request = user.put(0, raise, sizeof raise);
        EXPECT_EQ(user.outcome(SYS_setrlimit, {8, request}), "EPERM");  // RLIMIT_MEMLOCK 8M hard
        EXPECT_EQ(user.outcome(SYS_kill, {u64(pid), 0}), "EPERM");     // root's process
    });
}

TEST(Dispatcher, SignalMasksAndActionsAreStored) {
    run_in_kernel([] {
        SyscallHarness harness;
        u64 action[4] = {1 /* SIG_IGN */, 0, 0, ~u64(0)};
        uptr new_action = harness.put(0, action, sizeof action);
        uptr old_action = harness.scratch() + 64;
        EXPECT_EQ(harness.outcome(SYS_rt_sigaction, {u64(kabi::sigusr1), new_action, 0, 8}), "OK");
        EXPECT_EQ(harness.outcome(SYS_rt_sigaction, {u64(kabi::sigusr1), 0, old_action, 8}), "OK");
        EXPECT_EQ(harness.get_value<u64>(old_action), 1u);
        // The mask never holds SIGKILL or SIGSTOP.
        EXPECT_EQ(harness.get_value<u64>(old_action + 24), ~(kabi::signal_bit(kabi::sigkill) | kabi::signal_bit(kabi::sigstop)));
        EXPECT_EQ(harness.outcome(SYS_rt_sigaction, {u64(kabi::sigkill), new_action, 0, 8}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_rt_sigaction, {0, new_action, 0, 8}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_rt_sigaction, {65, new_action, 0, 8}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_rt_sigaction, {u64(kabi::sigusr1), new_action, 0, 4}), "EINVAL");
        u64 all = ~u64(0);
        uptr set = harness.put(128, &all, sizeof all);
        uptr old_set = harness.scratch() + 256;
        EXPECT_EQ(harness.outcome(SYS_rt_sigprocmask, {kabi::sig_block, set, old_set, 8}), "OK");
        EXPECT_EQ(harness.get_value<u64>(old_set), 0u);
        EXPECT_EQ(harness.thread().blocked_signals(), ~(kabi::signal_bit(kabi::sigkill) | kabi::signal_bit(kabi::sigstop)));
        EXPECT_EQ(harness.outcome(SYS_rt_sigprocmask, {7, set, 0, 8}), "EINVAL");
        EXPECT_EQ(harness.outcome(SYS_rt_sigprocmask, {7, 0, old_set, 8}), "OK");  // how is unused without a set
    });
}

}  // namespace
