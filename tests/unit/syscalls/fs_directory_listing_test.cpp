// getdents64 and the old getdents: the record layouts (checked byte by byte), the names
// and types against the host's Linux, resuming at any record's d_off, and the errors.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <algorithm>

#include "syscall_differential.h"
#include "tests/unit/kernel/kernel_fixture.h"

namespace {

using namespace syscall_test;
using newt_test::run_in_kernel;

Arg value(long number) { return Arg::value(static_cast<u64>(number)); }

struct Record {
    u64 inode;
    i64 next;
    u16 length;
    u8 type;
    std::string name;
    bool operator<(const Record& other) const { return name < other.name; }
};

template <typename T>
T field(const std::string& bytes, usize offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

// Splits getdents64 output into records, checking each record's layout on the way.
std::vector<Record> parse64(const std::string& bytes, usize length) {
    std::vector<Record> records;
    for (usize at = 0; at < length;) {
        Record record;
        record.inode = field<u64>(bytes, at);
        record.next = field<i64>(bytes, at + 8);
        record.length = field<u16>(bytes, at + 16);
        record.type = field<u8>(bytes, at + 18);
        record.name = std::string(bytes.c_str() + at + 19);
        usize expected = (19 + record.name.size() + 1 + 7) & ~usize(7);
        EXPECT_EQ(record.length, expected) << record.name;
        EXPECT_EQ(record.length % 8, 0u);
        // The name ends with a NUL inside the record (Linux leaves the padding after it as
        // it was; Newt zeroes it).
        EXPECT_LT(19 + record.name.size(), usize(record.length)) << record.name;
        if (record.length == 0) break;
        at += record.length;
        records.push_back(record);
    }
    return records;
}

// The old layout: d_ino, d_off (both 8 bytes), d_reclen, the name, NUL, d_type last.
std::vector<Record> parse_old(const std::string& bytes, usize length) {
    std::vector<Record> records;
    for (usize at = 0; at < length;) {
        Record record;
        record.inode = field<u64>(bytes, at);
        record.next = field<i64>(bytes, at + 8);
        record.length = field<u16>(bytes, at + 16);
        record.name = std::string(bytes.c_str() + at + 18);
        EXPECT_EQ(record.length, (18 + record.name.size() + 2 + 7) & ~usize(7)) << record.name;
        if (record.length == 0) break;
        record.type = static_cast<u8>(bytes[at + record.length - 1]);
        at += record.length;
        records.push_back(record);
    }
    return records;
}

std::vector<std::pair<std::string, u8>> names_and_types(std::vector<Record> records) {
    std::sort(records.begin(), records.end());
    std::vector<std::pair<std::string, u8>> result;
    for (const Record& record : records) result.emplace_back(record.name, record.type);
    return result;
}

void make_tree(SyscallDifferential& both) {
    both.call(SYS_mkdir, {Arg::string("list"), value(0755)});
    both.call(SYS_mkdir, {Arg::string("list/sub"), value(0755)});
    both.open("list/file", O_CREAT | O_WRONLY);
    both.call(SYS_symlink, {Arg::string("file"), Arg::string("list/link")});
    both.call(SYS_mknod, {Arg::string("list/fifo"), value(S_IFIFO | 0644), value(0)});
    for (int i = 0; i < 40; ++i)
        both.open("list/a-rather-long-name-to-fill-buffers-" + std::to_string(i), O_CREAT | O_WRONLY);
}

TEST(Getdents, RecordsNamesAndTypesMatchTheHost) {
    run_in_kernel([] {
        SyscallDifferential both("getdents");
        make_tree(both);
        int directory = both.open("list", O_RDONLY | O_DIRECTORY);
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(directory), Arg::output(32768), value(32768)}, SyscallDifferential::Returns::anything), "OK");
        auto newt = parse64(both.newt_output(1), static_cast<usize>(both.newt_result()));
        auto host = parse64(both.host_output(1), static_cast<usize>(both.host_result()));
        EXPECT_EQ(newt.size(), 46u);  // . .. sub file link fifo and 40 more
        EXPECT_EQ(names_and_types(newt), names_and_types(host));
        EXPECT_EQ(newt[0].name, ".");  // "." and ".." first
        EXPECT_EQ(newt[1].name, "..");
        for (const Record& record : newt) {
            EXPECT_NE(record.inode, 0u);
            u8 expected = record.name == "fifo" ? DT_FIFO
                        : record.name == "link" ? DT_LNK
                        : record.name == "file" || record.name.starts_with("a-") ? DT_REG
                                                                                  : DT_DIR;
            EXPECT_EQ(record.type, expected) << record.name;
        }
        // At the end: 0.
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(directory), Arg::output(4096), value(4096)}), "OK");
        EXPECT_EQ(both.newt_result(), 0);
        // The inode numbers are those stat reports.
        SyscallHarness& harness = both.harness();
        for (const Record& record : newt) {
            if (record.name != "file") continue;
            uptr path = harness.put_string(0, "list/file");
            ASSERT_EQ(harness.outcome(SYS_lstat, {path, harness.scratch() + 64}), "OK");
            EXPECT_EQ(harness.get_value<u64>(harness.scratch() + 64 + 8), record.inode);
        }
        // The old getdents: the same entries, d_type in the record's last byte.
        EXPECT_EQ(both.call(SYS_lseek, {Arg::fd(directory), value(0), value(SEEK_SET)}), "OK");
        EXPECT_EQ(both.call(SYS_getdents, {Arg::fd(directory), Arg::output(32768), value(32768)}, SyscallDifferential::Returns::anything), "OK");
        auto newt_old = parse_old(both.newt_output(1), static_cast<usize>(both.newt_result()));
        auto host_old = parse_old(both.host_output(1), static_cast<usize>(both.host_result()));
        EXPECT_EQ(names_and_types(newt_old), names_and_types(host_old));
        EXPECT_EQ(names_and_types(newt_old), names_and_types(newt));
    });
}

TEST(Getdents, ResumesAtEveryRecordsOffset) {
    run_in_kernel([] {
        SyscallDifferential both("getdents-resume");
        make_tree(both);
        SyscallHarness& newt = both.harness();
        uptr path = newt.put_string(0, "list");
        long fd = newt.call(SYS_open, {path, O_RDONLY | O_DIRECTORY, 0});
        ASSERT_GE(fd, 0);
        uptr buffer = newt.scratch() + 4096;
        long length = newt.call(SYS_getdents64, {u64(fd), buffer, 32768});
        ASSERT_GT(length, 0);
        auto all = parse64(newt.get(buffer, static_cast<usize>(length)), static_cast<usize>(length));
        ASSERT_EQ(all.size(), 46u);
        // lseek to a record's d_off: the next record comes next.
        for (usize i = 0; i + 1 < all.size(); ++i) {
            ASSERT_EQ(newt.call(SYS_lseek, {u64(fd), u64(all[i].next), SEEK_SET}), all[i].next);
            long got = newt.call(SYS_getdents64, {u64(fd), buffer, 4096});
            ASSERT_GT(got, 0);
            auto rest = parse64(newt.get(buffer, static_cast<usize>(got)), static_cast<usize>(got));
            ASSERT_FALSE(rest.empty());
            EXPECT_EQ(rest[0].name, all[i + 1].name);
        }
        // A buffer with room for exactly one record gets one, then the next read the next.
        ASSERT_EQ(newt.call(SYS_lseek, {u64(fd), 0, SEEK_SET}), 0);
        std::vector<std::string> one_by_one;
        for (;;) {
            long got = newt.call(SYS_getdents64, {u64(fd), buffer, 24});  // names of up to 4 bytes fit
            if (got <= 0) {
                EXPECT_EQ(got, -long(Errno::einval));  // the first longer name
                break;
            }
            auto records = parse64(newt.get(buffer, static_cast<usize>(got)), static_cast<usize>(got));
            ASSERT_EQ(records.size(), 1u);
            one_by_one.push_back(records[0].name);
        }
        EXPECT_EQ(one_by_one, (std::vector<std::string> {".", "..", "sub", "file", "link", "fifo"}));
        // Straight after a failed call nothing was consumed: a big buffer continues there.
        long got = newt.call(SYS_getdents64, {u64(fd), buffer, 32768});
        EXPECT_EQ(parse64(newt.get(buffer, static_cast<usize>(got)), static_cast<usize>(got)).size(), 40u);
        // Records never straddle the end of the buffer: a buffer that ends mid-record stops
        // before it.
        ASSERT_EQ(newt.call(SYS_lseek, {u64(fd), 0, SEEK_SET}), 0);
        got = newt.call(SYS_getdents64, {u64(fd), buffer, 24 + 24 + 10});
        EXPECT_EQ(got, 48);
    });
}

TEST(Getdents, ErrorsMatchTheHost) {
    run_in_kernel([] {
        SyscallDifferential both("getdents-errors");
        make_tree(both);
        int directory = both.open("list", O_RDONLY | O_DIRECTORY);
        int file = both.open("list/file", O_RDONLY);
        int path_only = both.open("list", O_PATH);
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(directory), Arg::output(10), value(10)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(directory), Arg::output(0), value(0)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_getdents, {Arg::fd(directory), Arg::output(10), value(10)}), "EINVAL");
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(file), Arg::output(4096), value(4096)}), "ENOTDIR");
        EXPECT_EQ(both.call(SYS_getdents64, {value(900), Arg::output(4096), value(4096)}), "EBADF");
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(path_only), Arg::output(4096), value(4096)}), "EBADF");
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(directory), value(0xffff800000001000), value(4096)}), "EFAULT");
        // A directory removed while open lists nothing.
        both.call(SYS_mkdir, {Arg::string("gone"), value(0755)});
        int gone = both.open("gone", O_RDONLY | O_DIRECTORY);
        both.call(SYS_rmdir, {Arg::string("gone")});
        EXPECT_EQ(both.call(SYS_getdents64, {Arg::fd(gone), Arg::output(4096), value(4096)}), "ENOENT");
    });
}

}  // namespace
