// Reading, writing and positions through the syscalls, against the host's Linux: read,
// write, pread64, pwrite64, lseek, the vectored forms and their iovec checks, sendfile,
// truncate, ftruncate, fallocate and the syncs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "syscall_differential.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;
using Returns = SyscallDifferential::Returns;

Arg value(long number) { return Arg::value(static_cast<u64>(number)); }

// The file's contents on both sides (pread from 0), which must agree.
std::string contents(SyscallDifferential& both, int handle, usize size = 256) {
    EXPECT_EQ(both.call(SYS_pread64, {Arg::fd(handle), Arg::output(size), value(static_cast<long>(size)), value(0)}), "OK");
    std::string newt = both.newt_output(1).substr(0, static_cast<usize>(both.newt_result() > 0 ? both.newt_result() : 0));
    std::string host = both.host_output(1).substr(0, static_cast<usize>(both.host_result() > 0 ? both.host_result() : 0));
    EXPECT_EQ(newt, host);
    return newt;
}

TEST(ReadWriteSyscalls, OffsetsModesAndErrors) {
    run_in_kernel([] {
        SyscallDifferential both("readwrite");
        int file = both.open("f", O_CREAT | O_RDWR);
        int read_only = both.open("f", O_RDONLY);
        int write_only = both.open("f", O_WRONLY);
        both.call(SYS_mkdir, {Arg::string("d"), value(0755)});
        int directory = both.open("d", O_RDONLY);
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(file), Arg::input("0123456789"), value(10)}), "OK");
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(read_only), Arg::input("x"), value(1)}), "EBADF");
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(read_only), Arg::bad_pointer(), value(1)}), "EBADF");  // before EFAULT
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(write_only), Arg::output(4), value(4)}), "EBADF");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(write_only), Arg::output(4), value(0)}), "EBADF");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(directory), Arg::output(4), value(4)}), "EISDIR");
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(directory), Arg::input("x"), value(1)}), "EBADF");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_only), Arg::output(4), value(4)}), "OK");
        both.expect_same_output(1);
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_only), Arg::output(0), value(0)}), "OK");
        // lseek: every whence, and its errors.
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(0), value(SEEK_CUR)}), "OK");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(-3), value(SEEK_END)}), "OK");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_only), Arg::output(10), value(10)}), "OK");
        both.expect_same_output(1, 3);
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(100), value(SEEK_SET)}), "OK");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_only), Arg::output(10), value(10)}), "OK");  // 0: past the end
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(-1), value(SEEK_SET)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(-200), value(SEEK_CUR)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(0), value(5)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(0), value(-1)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(4), value(SEEK_DATA)}), "OK");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(4), value(SEEK_HOLE)}), "OK");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(10), value(SEEK_DATA)}), "ENXIO");
        EXPECT_EQ(both.call(SYS_lseek, {value(900), value(0), value(SEEK_SET)}), "EBADF");
        int path_only = both.open("f", O_PATH);
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(path_only), value(0), value(SEEK_SET)}), "EBADF");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(path_only), Arg::output(1), value(1)}), "EBADF");
        // Positional I/O leaves the offset alone; a negative offset is EINVAL even before
        // the descriptor is looked at.
        EXPECT_EQ(both.call(SYS_pwrite64, {Arg::fd(write_only), Arg::input("AB"), value(2), value(4)}), "OK");
        EXPECT_EQ(both.call(SYS_pread64, {Arg::fd(read_only), Arg::output(4), value(4), value(3)}), "OK");
        both.expect_same_output(1);
        EXPECT_EQ(both.call(SYS_pread64, {value(900), Arg::output(4), value(4), value(-1)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_pwrite64, {value(900), Arg::input("x"), value(1), value(-5)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_pread64, {Arg::fd(write_only), Arg::output(4), value(4), value(0)}), "EBADF");
        EXPECT_EQ(both.call(SYS_pwrite64, {Arg::fd(write_only), Arg::input("z"), value(1), value(20)}), "OK");
        EXPECT_EQ(contents(both, file).size(), 21u);  // the hole reads as zeros
        // O_APPEND: every write goes to the end, pwrite too (a Linux quirk).
        int appending = both.open("f", O_WRONLY | O_APPEND);
        EXPECT_EQ(both.call(SYS_pwrite64, {Arg::fd(appending), Arg::input("END"), value(3), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_write, {Arg::fd(appending), Arg::input("!"), value(1)}), "OK");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(appending), value(0), value(SEEK_CUR)}), "OK");
        contents(both, file);
        // A buffer that runs into unmapped memory: the valid prefix is transferred.
        SyscallHarness& newt = both.harness();
        uptr last = newt.scratch() + newt.scratch_size() - 4;
        newt.put(newt.scratch_size() - 4, "tail", 4);
        EXPECT_EQ(newt.call(SYS_write, {u64(both.newt_fd(write_only)), last, 100}), 4);
        EXPECT_EQ(newt.call(SYS_pread64, {u64(both.newt_fd(read_only)), last, 100, 0}), 4);
    });
}

TEST(VectoredSyscalls, IovecChecksAndTransfers) {
    run_in_kernel([] {
        SyscallDifferential both("vectored");
        int file = both.open("f", O_CREAT | O_RDWR);
        int read_only = both.open("f", O_RDONLY);
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(file), Arg::input_vector({"one ", "", "two ", "three"}), value(4)}), "OK");
        EXPECT_EQ(both.call(SYS_readv, {Arg::fd(read_only), Arg::output_vector({2, 0, 5, 100}), value(4)}), "OK");
        both.expect_same_output(1);
        EXPECT_EQ(both.call(SYS_preadv, {Arg::fd(read_only), Arg::output_vector({3, 3}), value(2), value(4), value(0)}), "OK");
        both.expect_same_output(1);
        EXPECT_EQ(both.call(SYS_pwritev, {Arg::fd(file), Arg::input_vector({"TW", "O"}), value(2), value(4), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_preadv, {Arg::fd(read_only), Arg::output_vector({4}), value(1), value(-1), value(0)}), "EINVAL");
        // preadv2/pwritev2: offset -1 means the file offset.
        both.call(SYS_lseek, {Arg::fd(read_only), value(8), value(SEEK_SET)});
        EXPECT_EQ(both.call(SYS_preadv2, {Arg::fd(read_only), Arg::output_vector({5}), value(1), value(-1), value(0), value(0)}), "OK");
        both.expect_same_output(1);
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(read_only), value(0), value(SEEK_CUR)}), "OK");  // moved to 13
        EXPECT_EQ(both.call(SYS_preadv2, {Arg::fd(read_only), Arg::output_vector({5}), value(1), value(0), value(0), value(RWF_HIPRI)}), "OK");
        EXPECT_EQ(both.call(SYS_preadv2, {Arg::fd(read_only), Arg::output_vector({5}), value(1), value(0), value(0), value(0x10000)}), "EOPNOTSUPP");
        EXPECT_EQ(both.call(SYS_pwritev2, {Arg::fd(file), Arg::input_vector({"x"}), value(1), value(-2), value(0), value(0)}), "EINVAL");
        contents(both, file);
        // The count: 0 is a no-op (even with a bad array), above IOV_MAX or negative EINVAL.
        EXPECT_EQ(both.call(SYS_readv, {Arg::fd(read_only), Arg::bad_pointer(), value(0)}), "OK");
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(file), Arg::input_vector(std::vector<std::string>(1025, "x")), value(1025)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(file), Arg::input_vector(std::vector<std::string>(1024, "x")), value(1024)}), "OK");
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(file), Arg::input_vector({"x"}), value(-1)}), "EINVAL");
        // The access mode before the vector; the vector before the data.
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(read_only), Arg::bad_pointer(), value(1)}), "EBADF");
        EXPECT_EQ(both.call(SYS_readv, {value(900), Arg::bad_pointer(), value(1)}), "EBADF");
        // An iov_len negative as ssize_t is EINVAL; so is any entry with one, even after a
        // bad base.
        iovec entries[2] = {{nullptr, 1}, {nullptr, static_cast<size_t>(-1)}};
        std::string raw(reinterpret_cast<char*>(entries), sizeof entries);
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(file), Arg::input(raw), value(2)}), "EINVAL");
        // Lengths whose sum overflows ssize_t: the ranges cannot be valid user memory.
        iovec huge[2] = {{nullptr, static_cast<size_t>(1) << 62}, {nullptr, static_cast<size_t>(1) << 62}};
        raw.assign(reinterpret_cast<char*>(huge), sizeof huge);
        EXPECT_EQ(both.call(SYS_writev, {Arg::fd(file), Arg::input(raw), value(2)}), "EFAULT");
        iovec kernel_base[1] = {{reinterpret_cast<void*>(0xffff800000001000), 4}};
        raw.assign(reinterpret_cast<char*>(kernel_base), sizeof kernel_base);
        EXPECT_EQ(both.call(SYS_readv, {Arg::fd(read_only), Arg::input(raw), value(1)}), "EFAULT");
        // A bad segment after a good one: what was moved before it counts.
        SyscallHarness& newt = both.harness();
        uptr text = newt.put_string(0, "good");
        u64 mixed[4] = {text, 4, wild_pointer, 4};
        uptr vector = newt.put(64, mixed, sizeof mixed);
        EXPECT_EQ(newt.call(SYS_writev, {u64(both.newt_fd(file)), vector, 2}), 4);
        u64 bad_first[4] = {wild_pointer, 4, text, 4};
        vector = newt.put(64, bad_first, sizeof bad_first);
        EXPECT_EQ(newt.outcome(SYS_writev, {u64(both.newt_fd(file)), vector, 2}), "EFAULT");
    });
}

TEST(SendfileSyscall, CopiesFromRegularFiles) {
    run_in_kernel([] {
        SyscallDifferential both("sendfile");
        int source = both.open("source", O_CREAT | O_RDWR);
        both.call(SYS_write, {Arg::fd(source), Arg::input("0123456789abcdef"), value(16)});
        both.call(SYS_lseek, {Arg::fd(source), value(2), value(SEEK_SET)});
        int target = both.open("target", O_CREAT | O_WRONLY);
        // Without an offset: from the file offset, which moves.
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(target), Arg::fd(source), value(0), value(5)}), "OK");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(source), value(0), value(SEEK_CUR)}), "OK");
        // With one: from there, written back, the file offset untouched.
        i64 offset = 10;
        std::string offset_bytes(reinterpret_cast<char*>(&offset), sizeof offset);
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(target), Arg::fd(source), Arg::input(offset_bytes), value(100)}), "OK");
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(source), value(0), value(SEEK_CUR)}), "OK");
        int reader = both.open("target", O_RDONLY);
        contents(both, reader);
        SyscallHarness& newt = both.harness();
        uptr at = newt.put(0, &offset, sizeof offset);
        EXPECT_EQ(newt.call(SYS_sendfile, {u64(both.newt_fd(target)), u64(both.newt_fd(source)), at, 3}), 3);
        EXPECT_EQ(newt.get_value<i64>(at), 13);
        // Into a pipe, and its errors.
        auto [read_end, write_end] = both.pipe();
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(write_end), Arg::fd(source), value(0), value(4)}), "OK");
        EXPECT_EQ(both.call(SYS_read, {Arg::fd(read_end), Arg::output(10), value(10)}), "OK");
        both.expect_same_output(1, 4);
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(target), Arg::fd(read_end), value(0), value(4)}), "EINVAL");  // from a pipe
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(source), Arg::fd(target), value(0), value(4)}), "EBADF");    // target is write-only
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(reader), Arg::fd(source), value(0), value(4)}), "EBADF");   // reader is read-only
        EXPECT_EQ(both.call(SYS_sendfile, {value(900), Arg::fd(source), value(0), value(4)}), "EBADF");
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(target), value(900), value(0), value(4)}), "EBADF");
        int appending = both.open("target", O_WRONLY | O_APPEND);
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(appending), Arg::fd(source), value(0), value(4)}), "EINVAL");
        i64 negative = -1;
        std::string negative_bytes(reinterpret_cast<char*>(&negative), sizeof negative);
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(target), Arg::fd(source), Arg::input(negative_bytes), value(4)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_sendfile, {Arg::fd(target), Arg::fd(source), value(0), value(0)}), "OK");
    });
}

TEST(TruncateSyscalls, LengthsTypesAndModes) {
    run_in_kernel([] {
        SyscallDifferential both("truncate");
        int file = both.open("f", O_CREAT | O_RDWR);
        both.call(SYS_write, {Arg::fd(file), Arg::input("0123456789"), value(10)});
        int read_only = both.open("f", O_RDONLY);
        both.call(SYS_mkdir, {Arg::string("d"), value(0755)});
        int directory = both.open("d", O_RDONLY);
        EXPECT_EQ(both.call(SYS_truncate, {Arg::string("f"), value(4)}), "OK");
        EXPECT_EQ(both.call(SYS_truncate, {Arg::string("f"), value(-1)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_truncate, {Arg::bad_pointer(), value(-1)}), "EINVAL");  // length before path
        EXPECT_EQ(both.call(SYS_truncate, {Arg::string("d"), value(0)}), "EISDIR");
        EXPECT_EQ(both.call(SYS_truncate, {Arg::string("missing"), value(0)}), "ENOENT");
        EXPECT_EQ(both.call(SYS_ftruncate, {Arg::fd(file), value(8)}), "OK");
        EXPECT_EQ(contents(both, file), std::string("0123\0\0\0\0", 8));
        EXPECT_EQ(both.call(SYS_ftruncate, {Arg::fd(read_only), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_ftruncate, {Arg::fd(directory), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_ftruncate, {Arg::fd(file), value(-1)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_ftruncate, {value(900), value(-1)}), "EINVAL");  // length before descriptor
        EXPECT_EQ(both.call(SYS_ftruncate, {value(900), value(0)}), "EBADF");
        auto [read_end, write_end] = both.pipe();
        EXPECT_EQ(both.call(SYS_ftruncate, {Arg::fd(write_end), value(0)}), "EINVAL");
        // fallocate: mode 0 extends, KEEP_SIZE does not; its argument checks.
        EXPECT_EQ(both.call(SYS_fallocate, {Arg::fd(file), value(0), value(0), value(20)}), "OK");
        EXPECT_EQ(contents(both, file).size(), 20u);
        EXPECT_EQ(both.call(SYS_fallocate, {Arg::fd(file), value(FALLOC_FL_KEEP_SIZE), value(0), value(100)}), "OK");
        EXPECT_EQ(contents(both, file).size(), 20u);
        EXPECT_EQ(both.call(SYS_fallocate, {Arg::fd(file), value(0), value(0), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_fallocate, {Arg::fd(file), value(0), value(-1), value(10)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_fallocate, {Arg::fd(file), value(0x10000), value(0), value(10)}), "EOPNOTSUPP");
        EXPECT_EQ(both.call(SYS_fallocate, {Arg::fd(read_only), value(0), value(0), value(10)}), "EBADF");
        EXPECT_EQ(both.call(SYS_fallocate, {Arg::fd(write_end), value(0), value(0), value(10)}), "ESPIPE");
        EXPECT_EQ(both.call(SYS_fallocate, {Arg::fd(file), value(0), value(1L << 62), value(1L << 62)}), "EFBIG");
        EXPECT_EQ(both.call(SYS_fallocate, {value(900), value(0), value(0), value(10)}), "EBADF");
        // Newt does not punch holes (Linux's tmpfs does): EOPNOTSUPP, the file unchanged.
        SyscallHarness& newt = both.harness();
        EXPECT_EQ(newt.outcome(SYS_fallocate, {u64(both.newt_fd(file)), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4}),
                  "EOPNOTSUPP");
        // The syncs have nothing to do but check the descriptor.
        EXPECT_EQ(both.call(SYS_fsync, {Arg::fd(file)}), "OK");
        EXPECT_EQ(both.call(SYS_fdatasync, {Arg::fd(directory)}), "OK");
        EXPECT_EQ(both.call(SYS_fsync, {value(900)}), "EBADF");
        EXPECT_EQ(both.call(SYS_syncfs, {Arg::fd(file)}), "OK");
        EXPECT_EQ(both.call(SYS_syncfs, {value(900)}), "EBADF");
        EXPECT_EQ(newt.outcome(SYS_sync), "OK");
        int path_only = both.open("f", O_PATH);
        EXPECT_EQ(both.call(SYS_fsync, {Arg::fd(path_only)}), "EBADF");
        EXPECT_EQ(both.call(SYS_ftruncate, {Arg::fd(path_only), value(0)}), "EBADF");
    });
}

}  // namespace
