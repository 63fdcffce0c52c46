// kernel/fs/cpio: the newc parser against archives written by the host's GNU cpio from a
// directory tree the test builds, compared entry by entry with what lstat/readlink say about
// that tree; every prefix of an archive; random corruption; concatenation; and hand-made
// malformed headers, each of which must give a clean EINVAL after the valid entries before it.
#include "kernel/fs/cpio.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

using kernel::CpioEntry;
using kernel::CpioError;
using kernel::CpioReader;
using kernel::CpioSummary;
using kernel::Errno;
using kernel::Result;
using kernel::u8;
namespace fs = std::filesystem;

using Bytes = std::vector<u8>;

// An entry copied out of the buffer, so it outlives it.
struct Parsed {
    std::string name;
    kernel::abi::mode_t mode;
    kernel::u32 uid, gid, nlink, mtime, dev_major, dev_minor, ino, rdev_major, rdev_minor, archive_index;
    bool has_data;
    std::string data;
    kernel::usize offset;
    kernel::CpioInodeKey key;
    bool may_be_hard_link;
};

Parsed copy_entry(const CpioEntry& entry) {
    return {std::string(entry.name.data(), entry.name.length()),
            entry.mode,
            entry.uid,
            entry.gid,
            entry.nlink,
            entry.mtime,
            entry.dev_major,
            entry.dev_minor,
            entry.ino,
            entry.rdev_major,
            entry.rdev_minor,
            entry.archive_index,
            entry.data != nullptr,
            std::string(reinterpret_cast<const char*>(entry.data), entry.data ? entry.size : 0),
            entry.offset,
            entry.inode_key(),
            entry.may_be_hard_link()};
}

struct Outcome {
    Result<CpioSummary> result = Errno::eio;
    CpioError error;
    std::vector<Parsed> entries;
};

// Parses a copy of `bytes` in a heap block of exactly its size, so ASan sees any read past it.
Outcome parse(const Bytes& bytes) {
    std::unique_ptr<u8[]> copy(new u8[bytes.size()]);
    if (!bytes.empty()) std::memcpy(copy.get(), bytes.data(), bytes.size());
    Outcome outcome;
    outcome.result = kernel::parse_cpio(
        copy.get(), bytes.size(),
        [&](const CpioEntry& entry) -> Result<void> {
            // Whatever the parser delivers lies inside the buffer and is a clean relative path.
            EXPECT_GE(reinterpret_cast<const u8*>(entry.name.data()), copy.get());
            EXPECT_LE(reinterpret_cast<const u8*>(entry.name.data()) + entry.name.length(), copy.get() + bytes.size());
            if (entry.data) {
                EXPECT_GE(entry.data, copy.get());
                EXPECT_LE(entry.data + entry.size, copy.get() + bytes.size());
            }
            std::string name(entry.name.data(), entry.name.length());
            EXPECT_FALSE(name.empty());
            EXPECT_NE(name.front(), '/');
            EXPECT_EQ(("/" + name + "/").find("/../"), std::string::npos) << name;
            EXPECT_EQ(("/" + name + "/").find("/./"), std::string::npos) << name;
            EXPECT_EQ(("/" + name + "/").find("//"), std::string::npos) << name;
            outcome.entries.push_back(copy_entry(entry));
            return kernel::ok();
        },
        &outcome.error);
    if (outcome.result.is_error() && outcome.result.error() == Errno::einval) {
        EXPECT_NE(outcome.error.what, nullptr);
        EXPECT_LE(outcome.error.offset, bytes.size());
    }
    return outcome;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& path, const std::string& contents, mode_t mode = 0644) {
    std::ofstream(path, std::ios::binary) << contents;
    ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

// Output of a shell command (binary-safe); fails the test when it exits non-zero.
Bytes run(const std::string& command) {
    Bytes output;
    FILE* pipe = ::popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr) << command;
    if (!pipe) return output;
    u8 buffer[65536];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.insert(output.end(), buffer, buffer + n);
    int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << command;
    return output;
}

// A temporary directory, removed with everything in it at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "newt_cpio_test.XXXXXX").string();
        EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// Archive of the tree at `root` made by GNU cpio: `find . | cpio -o -H format`.
Bytes cpio_archive(const fs::path& root, const std::string& format, const std::string& list_filter = "LC_ALL=C sort") {
    return run("cd '" + root.string() + "' && find . | " + list_filter + " | cpio -o -H " + format + " --quiet");
}

std::string pseudo_random_bytes(size_t count, unsigned seed) {
    std::mt19937 generator(seed);
    std::string bytes(count, '\0');
    for (auto& byte : bytes) byte = static_cast<char>(generator());
    return bytes;
}

class CpioTree : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_EQ(std::system("cpio --version >/dev/null 2>&1"), 0) << "GNU cpio is missing: run tools/install-deps";
    }

    // Files of every kind cpio stores, with sizes and name lengths that exercise each padding.
    void SetUp() override {
        const fs::path& root = tree_.path();
        write_file(root / "empty", "");
        write_file(root / "hello.txt", "hello, newt\n");
        for (int size = 1; size <= 8; ++size)
            write_file(root / ("size" + std::to_string(size) + std::string(size, 'x')), std::string(size, char('a' + size)));
        write_file(root / "large.bin", pseudo_random_bytes(1024 * 1024 + 3, 42));
        write_file(root / "secret", "only for the group\n", 0750);
        write_file(root / "setuid", "#!/bin/sh\n", 04755);
        fs::create_directories(root / "dir/sub/deeper");
        write_file(root / "dir/sub/deeper/file", "deep\n");
        fs::create_directory(root / "emptydir");
        ASSERT_EQ(::chmod((root / "emptydir").c_str(), 0700), 0);
        fs::create_directory(root / "sticky");
        ASSERT_EQ(::chmod((root / "sticky").c_str(), 01777), 0);
        fs::create_symlink("hello.txt", root / "link");
        fs::create_symlink("/etc/motd", root / "dir/absolute_link");
        fs::create_symlink("../../nowhere", root / "dir/sub/dangling");
        write_file(root / "hard1", "one file, three names\n");
        fs::create_hard_link(root / "hard1", root / "dir/hard2");
        fs::create_hard_link(root / "hard1", root / "hard3");
        write_file(root / "linked_out", "my other name is outside the archive\n");
        fs::create_hard_link(root / "linked_out", outside_.path() / "other_name");
        ASSERT_EQ(::mkfifo((root / "pipe").c_str(), 0640), 0);
        make_socket(root / "socket");
        // Device nodes need CAP_MKNOD, which a container may not grant even to root.
        has_device_ = ::mknod((root / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0 &&
                      ::mknod((root / "block").c_str(), S_IFBLK | 0660, makedev(7, 300)) == 0;
    }

    void make_socket(const fs::path& path) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        ASSERT_GE(fd, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        ASSERT_LT(path.string().size(), sizeof address.sun_path);
        std::strcpy(address.sun_path, path.c_str());
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        ::close(fd);
    }

    // Every delivered entry equals what lstat/readlink say about the file it came from, every
    // file of the tree is delivered once, and hard-link groups carry their data once.
    void check_against_tree(const std::vector<Parsed>& entries) {
        const fs::path& root = tree_.path();
        std::set<std::string> expected;
        for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it)
            expected.insert(it->path().lexically_relative(root).string());
        std::set<std::string> seen;
        std::map<std::string, std::vector<const Parsed*>> groups;  // hard links by "dev:ino"
        for (const Parsed& entry : entries) {
            SCOPED_TRACE(entry.name);
            EXPECT_TRUE(seen.insert(entry.name).second) << "delivered twice";
            fs::path path = root / entry.name;
            struct stat st {};
            ASSERT_EQ(::lstat(path.c_str(), &st), 0);
            EXPECT_EQ(entry.mode, st.st_mode);
            EXPECT_EQ(entry.uid, st.st_uid);
            EXPECT_EQ(entry.gid, st.st_gid);
            EXPECT_EQ(entry.nlink, st.st_nlink);
            EXPECT_EQ(entry.mtime, static_cast<kernel::u32>(st.st_mtime));
            EXPECT_EQ(entry.ino, static_cast<kernel::u32>(st.st_ino));
            EXPECT_EQ(entry.dev_major, major(st.st_dev));
            EXPECT_EQ(entry.dev_minor, minor(st.st_dev));
            EXPECT_EQ(entry.archive_index, 0u);
            if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
                EXPECT_EQ(entry.rdev_major, major(st.st_rdev));
                EXPECT_EQ(entry.rdev_minor, minor(st.st_rdev));
            }
            if (S_ISLNK(st.st_mode)) {
                EXPECT_TRUE(entry.has_data);
                EXPECT_EQ(entry.data, fs::read_symlink(path).string());
                EXPECT_FALSE(entry.may_be_hard_link);
            } else if (S_ISREG(st.st_mode)) {
                EXPECT_TRUE(entry.has_data);
                if (st.st_nlink >= 2) {
                    EXPECT_TRUE(entry.may_be_hard_link);
                    groups[std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)].push_back(&entry);
                } else {
                    EXPECT_EQ(entry.data, read_file(path));
                }
            } else {
                EXPECT_FALSE(entry.has_data);
            }
        }
        EXPECT_EQ(seen, expected);

        // Hard links: one key per group; the last name carries the data, the others nothing.
        ASSERT_EQ(groups.size(), 2u);  // hard1 and linked_out
        for (auto& [inode, names] : groups) {
            SCOPED_TRACE(inode);
            std::string contents = read_file(root / names.front()->name);
            for (size_t i = 0; i < names.size(); ++i) {
                EXPECT_EQ(names[i]->key, names.front()->key);
                EXPECT_EQ(names[i]->data, i + 1 == names.size() ? contents : "");
            }
        }
        EXPECT_EQ(groups.begin()->second.size() + std::next(groups.begin())->second.size(), 4u);
    }

    // Unpacks entries the way cpio.h tells a consumer to (a table of inode keys) into a
    // model file system, and checks every regular file reads back as in the tree.
    void check_unpacked_like_the_kernel(const std::vector<Parsed>& entries) {
        std::vector<std::string> inodes;                   // contents by inode number
        std::map<std::string, size_t> names;               // name -> inode number
        std::map<kernel::CpioInodeKey, size_t, KeyLess> links;  // the consumer's hard-link table
        for (const Parsed& entry : entries) {
            if (!kernel::abi::s_isreg(entry.mode)) continue;
            size_t inode;
            auto found = entry.may_be_hard_link ? links.find(entry.key) : links.end();
            if (found != links.end()) {
                inode = found->second;  // a new name for an existing file
                if (!entry.data.empty()) inodes[inode] = entry.data;
            } else {
                inode = inodes.size();
                inodes.push_back(entry.data);
                if (entry.may_be_hard_link) links[entry.key] = inode;
            }
            names[entry.name] = inode;
        }
        EXPECT_EQ(names["hard1"], names["dir/hard2"]);
        EXPECT_EQ(names["hard1"], names["hard3"]);
        for (auto& [name, inode] : names) EXPECT_EQ(inodes[inode], read_file(tree_.path() / name)) << name;
    }

    struct KeyLess {
        bool operator()(const kernel::CpioInodeKey& a, const kernel::CpioInodeKey& b) const {
            return std::tie(a.archive_index, a.dev_major, a.dev_minor, a.ino) <
                   std::tie(b.archive_index, b.dev_major, b.dev_minor, b.ino);
        }
    };

    TempDir tree_;
    TempDir outside_;
    bool has_device_ = false;
};

TEST_F(CpioTree, NewcEntriesMatchTheTree) {
    Bytes archive = cpio_archive(tree_.path(), "newc");
    Outcome outcome = parse(archive);
    ASSERT_TRUE(outcome.result.has_value()) << outcome.error.what << " at " << outcome.error.offset;
    EXPECT_EQ(outcome.result->entries, outcome.entries.size());
    EXPECT_EQ(outcome.result->skipped, 1u);  // "."
    EXPECT_EQ(outcome.result->archives, 1u);
    check_against_tree(outcome.entries);
    check_unpacked_like_the_kernel(outcome.entries);
    if (!has_device_) std::printf("note: no device nodes in the tree (mknod not permitted)\n");
}

TEST_F(CpioTree, CrcEntriesMatchTheTree) {
    Bytes archive = cpio_archive(tree_.path(), "crc");
    ASSERT_EQ(std::memcmp(archive.data(), "070702", 6), 0);
    Outcome outcome = parse(archive);
    ASSERT_TRUE(outcome.result.has_value()) << outcome.error.what << " at " << outcome.error.offset;
    check_against_tree(outcome.entries);
}

TEST_F(CpioTree, UnsortedFindOrderAndOwnerOverride) {
    // The order of `find` itself, and root ownership as the initramfs build writes it.
    Bytes archive = cpio_archive(tree_.path(), "newc --owner=0:0", "cat");
    Outcome outcome = parse(archive);
    ASSERT_TRUE(outcome.result.has_value()) << outcome.error.what;
    EXPECT_GT(outcome.entries.size(), 20u);
    for (const Parsed& entry : outcome.entries) {
        EXPECT_EQ(entry.uid, 0u);
        EXPECT_EQ(entry.gid, 0u);
    }
}

TEST_F(CpioTree, ReaderGivesTheSameEntriesAsTheCallback) {
    Bytes archive = cpio_archive(tree_.path(), "newc");
    Outcome outcome = parse(archive);
    ASSERT_TRUE(outcome.result.has_value());
    CpioReader reader(archive.data(), archive.size());
    CpioEntry entry;
    size_t index = 0;
    for (;;) {
        auto more = reader.next(entry);
        ASSERT_TRUE(more.has_value());
        if (!more.value()) break;
        ASSERT_LT(index, outcome.entries.size());
        EXPECT_EQ(std::string(entry.name.data(), entry.name.length()), outcome.entries[index].name);
        ++index;
    }
    EXPECT_EQ(index, outcome.entries.size());
    EXPECT_EQ(reader.position(), archive.size());
    EXPECT_FALSE(reader.next(entry).value());  // stays at the end
}

// An archive written by cpio from inside a subdirectory, naming "../hello.txt".
TEST_F(CpioTree, RealArchiveEscapingTheRootIsRejected) {
    Bytes archive = run("cd '" + (tree_.path() / "dir").string() +
                        "' && printf 'sub/deeper/file\\n../hello.txt\\nsub\\n' | cpio -o -H newc --quiet");
    Outcome outcome = parse(archive);
    ASSERT_TRUE(outcome.result.is_error());
    EXPECT_EQ(outcome.result.error(), Errno::einval);
    EXPECT_STREQ(outcome.error.what, "'..' path component");
    ASSERT_EQ(outcome.entries.size(), 1u);  // the entry before it
    EXPECT_EQ(outcome.entries[0].name, "sub/deeper/file");
}

// ---------------------------------------------------------------------------------------
// A small archive: every prefix, random corruption, concatenation.

class CpioSmall : public ::testing::Test {
protected:
    void SetUp() override {
        const fs::path& root = tree_.path();
        write_file(root / "a", "alpha\n");
        write_file(root / "empty", "");
        fs::create_directory(root / "d");
        write_file(root / "d/bb", "12345");
        fs::create_symlink("a", root / "d/ln");
        write_file(root / "h1", "linked");
        fs::create_hard_link(root / "h1", root / "d/h2");
        newc_ = cpio_archive(root, "newc");
        crc_ = cpio_archive(root, "crc");
    }

    TempDir tree_;
    Bytes newc_;
    Bytes crc_;
};

// Offset just past the trailer record of the first archive in `bytes`.
size_t trailer_end(const Bytes& bytes) {
    const std::string trailer = "TRAILER!!!";
    auto it = std::search(bytes.begin(), bytes.end(), trailer.begin(), trailer.end());
    EXPECT_NE(it, bytes.end());
    size_t header = static_cast<size_t>(it - bytes.begin()) - 110;
    return (header + 110 + trailer.size() + 1 + 3) & ~size_t(3);
}

TEST_F(CpioSmall, EveryPrefixDeliversExactlyTheWholeEntries) {
    for (const Bytes* archive : {&newc_, &crc_}) {
        // Where each delivered entry's record ends (its data padding included).
        std::vector<size_t> record_ends;
        CpioReader reader(archive->data(), archive->size());
        CpioEntry entry;
        std::vector<std::string> names;
        for (;;) {
            auto more = reader.next(entry);
            ASSERT_TRUE(more.has_value());
            if (!more.value()) break;
            record_ends.push_back(reader.position());
            names.emplace_back(entry.name.data(), entry.name.length());
        }
        ASSERT_EQ(names.size(), 7u);
        size_t complete = trailer_end(*archive);

        for (size_t length = 0; length <= archive->size(); ++length) {
            SCOPED_TRACE("prefix length " + std::to_string(length));
            Outcome outcome = parse(Bytes(archive->begin(), archive->begin() + length));
            size_t expected = std::count_if(record_ends.begin(), record_ends.end(), [&](size_t end) { return end <= length; });
            ASSERT_EQ(outcome.entries.size(), expected);
            for (size_t i = 0; i < expected; ++i) EXPECT_EQ(outcome.entries[i].name, names[i]);
            if (length >= complete) {
                EXPECT_TRUE(outcome.result.has_value());
            } else {
                ASSERT_TRUE(outcome.result.is_error());
                EXPECT_EQ(outcome.result.error(), Errno::einval);
                ASSERT_NE(outcome.error.what, nullptr);
                EXPECT_LE(outcome.error.offset, length);
            }
        }
    }
}

TEST_F(CpioSmall, RandomCorruptionGivesOnlyCleanErrors) {
    std::mt19937 generator(20240601);
    size_t errors = 0, successes = 0;
    for (const Bytes* archive : {&newc_, &crc_}) {
        size_t used = trailer_end(*archive);  // flip bytes where they matter, not in the padding
        for (int round = 0; round < 3000; ++round) {
            Bytes corrupted(*archive);
            int flips = 1 + static_cast<int>(generator() % 4);
            for (int i = 0; i < flips; ++i) {
                size_t at = generator() % used;
                if (generator() % 2) corrupted[at] ^= static_cast<u8>(1u << (generator() % 8));
                else corrupted[at] = static_cast<u8>(generator());
            }
            if (generator() % 4 == 0) corrupted.resize(generator() % corrupted.size());
            Outcome outcome = parse(corrupted);
            if (outcome.result.has_value()) {
                ++successes;
            } else {
                ++errors;
                EXPECT_EQ(outcome.result.error(), Errno::einval);
            }
        }
    }
    std::printf("corruption: %zu clean errors, %zu still-valid archives\n", errors, successes);
    EXPECT_GT(errors, 1000u);
}

TEST_F(CpioSmall, CrcMismatchIsAnError) {
    Bytes archive = crc_;
    const std::string content = "alpha\n";
    auto it = std::search(archive.begin(), archive.end(), content.begin(), content.end());
    ASSERT_NE(it, archive.end());
    *it = 'A';
    Outcome outcome = parse(archive);
    ASSERT_TRUE(outcome.result.is_error());
    EXPECT_STREQ(outcome.error.what, "checksum mismatch (070702)");
    EXPECT_EQ(outcome.error.offset, static_cast<size_t>(it - archive.begin()));
    for (const Parsed& entry : outcome.entries) EXPECT_NE(entry.name, "a");
    // The same change in a plain newc archive is just different data.
    Bytes plain = newc_;
    auto at = std::search(plain.begin(), plain.end(), content.begin(), content.end());
    *at = 'A';
    EXPECT_TRUE(parse(plain).result.has_value());
}

TEST_F(CpioSmall, ConcatenatedArchives) {
    // As cpio writes them (each padded to 512 bytes), trimmed to the trailer, and with extra
    // zero padding between them; newc followed by crc.
    Bytes trimmed(newc_.begin(), newc_.begin() + trailer_end(newc_));
    for (const Bytes& first : {newc_, trimmed, [&] { Bytes padded(trimmed); padded.resize(padded.size() + 4096 + 8); return padded; }()}) {
        Bytes both(first);
        both.insert(both.end(), crc_.begin(), crc_.end());
        Outcome outcome = parse(both);
        ASSERT_TRUE(outcome.result.has_value()) << outcome.error.what << " at " << outcome.error.offset;
        EXPECT_EQ(outcome.result->archives, 2u);
        ASSERT_EQ(outcome.entries.size(), 14u);
        for (size_t i = 0; i < 7; ++i) {
            EXPECT_EQ(outcome.entries[i].name, outcome.entries[i + 7].name);
            EXPECT_EQ(outcome.entries[i].archive_index, 0u);
            EXPECT_EQ(outcome.entries[i + 7].archive_index, 1u);
            EXPECT_EQ(outcome.entries[i].ino, outcome.entries[i + 7].ino);
            EXPECT_FALSE(outcome.entries[i].key == outcome.entries[i + 7].key);  // scoped per archive
        }
    }
}

TEST_F(CpioSmall, JunkAfterAnArchive) {
    Bytes trimmed(newc_.begin(), newc_.begin() + trailer_end(newc_));
    struct Case {
        Bytes tail;
        const char* what;
        size_t offset;  // relative to the end of the first archive
    };
    const Case cases[] = {
        {{0, 0, '0', '7', '0', '7', '0', '1'}, "archive does not start on a 4-byte boundary", 2},
        {{0, 0, 0, 0, 'j', 'u', 'n', 'k', '!', '!', '!', '!'}, "bad magic (not a newc cpio header)", 4},
        {{0, 0, 0, 0, 0x1f, 0x8b, 8, 0}, "compressed initramfs not supported (gzip)", 4},
        {{'0', '7', '0', '7'}, "truncated header", 0},
    };
    for (const Case& c : cases) {
        Bytes bytes(trimmed);
        bytes.insert(bytes.end(), c.tail.begin(), c.tail.end());
        Outcome outcome = parse(bytes);
        ASSERT_TRUE(outcome.result.is_error());
        EXPECT_STREQ(outcome.error.what, c.what);
        EXPECT_EQ(outcome.error.offset, trimmed.size() + c.offset);
        EXPECT_EQ(outcome.entries.size(), 7u);
    }
}

TEST_F(CpioSmall, CallbackErrorStopsTheParse) {
    int calls = 0;
    CpioError error;
    auto result = kernel::parse_cpio(
        newc_.data(), newc_.size(),
        [&](const CpioEntry&) -> Result<void> {
            if (++calls == 3) return Errno::enospc;
            return kernel::ok();
        },
        &error);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), Errno::enospc);
    EXPECT_EQ(calls, 3);
    EXPECT_STREQ(error.what, "entry rejected by the consumer");
    EXPECT_GT(error.offset, 0u);
}

TEST_F(CpioSmall, FunctionPointerCallback) {
    int count = 0;
    auto result = kernel::parse_cpio(
        newc_.data(), newc_.size(),
        [](void* context, const CpioEntry&) -> Result<void> {
            ++*static_cast<int*>(context);
            return kernel::ok();
        },
        &count);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(count, 7);
}

// ---------------------------------------------------------------------------------------
// Hand-made records: every malformation alone, after one valid entry.

struct Record {
    std::string name {};
    uint32_t mode = 0100644;
    std::string data {};
    const char* magic = "070701";
    int64_t name_size = -1;  // -1: name.size() + 1 (the NUL is appended to `name` then)
    int64_t file_size = -1;  // -1: data.size()
    uint32_t check = 0;
    uint32_t nlink = 1;
    std::string field_override {};  // replaces the ino field's 8 characters when not empty
};

void append_record(Bytes& out, const Record& record) {
    bool natural_name = record.name_size < 0;
    std::string name = record.name + (natural_name ? std::string(1, '\0') : "");
    uint32_t name_size = natural_name ? static_cast<uint32_t>(name.size()) : static_cast<uint32_t>(record.name_size);
    uint32_t file_size = record.file_size < 0 ? static_cast<uint32_t>(record.data.size()) : static_cast<uint32_t>(record.file_size);
    char header[111];
    std::snprintf(header, sizeof header, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", record.magic, 1234u,
                  record.mode, 0u, 0u, record.nlink, 1700000000u, file_size, 8u, 1u, 0u, 0u, name_size, record.check);
    std::string text(header, 110);
    if (!record.field_override.empty()) text.replace(6, 8, record.field_override);
    out.insert(out.end(), text.begin(), text.end());
    out.insert(out.end(), name.begin(), name.end());
    while (out.size() % 4) out.push_back(0);
    out.insert(out.end(), record.data.begin(), record.data.end());
    while (out.size() % 4) out.push_back(0);
}

Bytes archive_of(std::initializer_list<Record> records, bool with_trailer = true) {
    Bytes out;
    for (const Record& record : records) append_record(out, record);
    if (with_trailer) append_record(out, Record {.name = "TRAILER!!!", .mode = 0});
    return out;
}

const Record valid {.name = "ok", .data = "fine\n"};

void expect_rejected(const Bytes& bytes, const char* what, size_t offset) {
    Outcome outcome = parse(bytes);
    ASSERT_TRUE(outcome.result.is_error()) << what;
    EXPECT_EQ(outcome.result.error(), Errno::einval);
    EXPECT_STREQ(outcome.error.what, what);
    EXPECT_EQ(outcome.error.offset, offset) << what;
    ASSERT_EQ(outcome.entries.size(), 1u) << what;
    EXPECT_EQ(outcome.entries[0].name, "ok");
}

size_t valid_size() {
    Bytes bytes;
    append_record(bytes, valid);
    return bytes.size();
}

TEST(CpioMalformed, HandMadeArchiveParses) {
    Bytes bytes = archive_of({valid, Record {.name = "dir", .mode = 040755}, Record {.name = "dir/l", .mode = 0120777, .data = "../ok"}});
    Outcome outcome = parse(bytes);
    ASSERT_TRUE(outcome.result.has_value()) << outcome.error.what;
    ASSERT_EQ(outcome.entries.size(), 3u);
    EXPECT_EQ(outcome.entries[0].data, "fine\n");
    EXPECT_EQ(outcome.entries[0].mtime, 1700000000u);
    EXPECT_EQ(outcome.entries[0].dev_major, 8u);
    EXPECT_EQ(outcome.entries[0].dev_minor, 1u);
    EXPECT_EQ(outcome.entries[0].ino, 1234u);
    EXPECT_EQ(outcome.entries[2].data, "../ok");  // a symlink target may point anywhere
    EXPECT_EQ(valid_size(), 124u);  // 110 + "ok\0" padded to 116, + "fine\n" padded to 124
}

TEST(CpioMalformed, HeaderProblems) {
    const size_t at = valid_size();
    expect_rejected(archive_of({valid, Record {.name = "x", .magic = "070707"}}), "bad magic (not a newc cpio header)", at);
    expect_rejected(archive_of({valid, Record {.name = "x", .field_override = "0000G000"}}),
                    "non-hex digit in a header field", at + 6);
    expect_rejected(archive_of({valid, Record {.name = "x", .field_override = "  1234  "}}),
                    "non-hex digit in a header field", at + 6);
    Bytes truncated = archive_of({valid}, false);
    const std::string half = "0707010000";
    truncated.insert(truncated.end(), half.begin(), half.end());
    expect_rejected(truncated, "truncated header", at);
    expect_rejected(archive_of({valid, Record {.name = "x", .mode = 0100644 | 0200000}}),
                    "mode has bits beyond file type and permissions", at);
    expect_rejected(archive_of({valid, Record {.name = "x", .mode = 0644}}), "unknown file type", at);
    expect_rejected(archive_of({valid, Record {.name = "x", .mode = 0170644}}), "unknown file type", at);
}

TEST(CpioMalformed, NameProblems) {
    const size_t at = valid_size();
    expect_rejected(archive_of({valid, Record {.name = "", .name_size = 0}}), "name size 0", at);
    expect_rejected(archive_of({valid, Record {.name = "abc", .name_size = 3}}), "name not NUL-terminated", at + 110);
    expect_rejected(archive_of({valid, Record {.name = std::string("ab\0c\0", 5), .name_size = 5}}), "NUL inside the name",
                    at + 110);
    expect_rejected(archive_of({valid, Record {.name = "x", .name_size = 5000}}), "name longer than PATH_MAX", at);
    expect_rejected(archive_of({valid, Record {.name = "x", .name_size = 0xffffffff}}), "name longer than PATH_MAX", at);
    // A name size that fits PATH_MAX but not the buffer.
    expect_rejected(archive_of({valid, Record {.name = "x", .name_size = 4000}}), "name extends beyond the buffer", at + 110);
    expect_rejected(archive_of({valid, Record {.name = std::string(256, 'n')}}), "path component longer than NAME_MAX", at + 110);
}

TEST(CpioMalformed, SizeProblems) {
    const size_t at = valid_size();
    const size_t data_at = at + 112;  // 110 + "x\0" is already 4-byte aligned
    expect_rejected(archive_of({valid, Record {.name = "x", .data = "abc", .file_size = 0xffffffff}}),
                    "file data extends beyond the buffer", data_at);
    expect_rejected(archive_of({valid, Record {.name = "x", .data = "abc", .file_size = 0x7ffffffc}}),
                    "file data extends beyond the buffer", data_at);
    // Data ending exactly at the end of the buffer, without its padding.
    Bytes unpadded = archive_of({valid}, false);
    append_record(unpadded, Record {.name = "x", .data = "abc"});
    unpadded.pop_back();
    expect_rejected(unpadded, "data padding extends beyond the buffer", data_at + 3);
    expect_rejected(archive_of({valid, Record {.name = "d", .mode = 040755, .data = "junk"}}),
                    "data on an entry that is not a file or symlink", at);
    expect_rejected(archive_of({valid, Record {.name = "l", .mode = 0120777}}), "empty symlink target", data_at);
    expect_rejected(archive_of({valid, Record {.name = "l", .mode = 0120777, .data = std::string("a\0b", 3)}}),
                    "NUL inside a symlink target", data_at + 1);
    expect_rejected(archive_of({valid, Record {.name = "l", .mode = 0120777, .data = std::string(4096, 'a')}}),
                    "symlink target longer than PATH_MAX", data_at);
}

TEST(CpioMalformed, MissingTrailer) {
    Bytes bytes = archive_of({valid}, false);
    expect_rejected(bytes, "truncated header", bytes.size());
    bytes.resize(bytes.size() + 512);  // zero padding is not a trailer either
    expect_rejected(bytes, "bad magic (not a newc cpio header)", valid_size());
}

TEST(CpioMalformed, EmptyOrCompressedBuffer) {
    for (const Bytes& bytes : {Bytes {}, Bytes(1024, 0)}) {
        Outcome outcome = parse(bytes);
        ASSERT_TRUE(outcome.result.is_error());
        EXPECT_STREQ(outcome.error.what, "no cpio archive in the buffer");
        EXPECT_EQ(outcome.error.offset, bytes.size());
    }
    Outcome gzip = parse(Bytes {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0});
    ASSERT_TRUE(gzip.result.is_error());
    EXPECT_STREQ(gzip.error.what, "compressed initramfs not supported (gzip)");
    EXPECT_EQ(gzip.error.offset, 0u);
}

TEST(CpioMalformed, PathEscapesAreRejected) {
    const size_t name_at = valid_size() + 110;
    const std::pair<const char*, const char*> cases[] = {
        {"..", "'..' path component"},
        {"../etc/passwd", "'..' path component"},
        {"/../x", "'..' path component"},
        {"./../x", "'..' path component"},
        {"a/../../b", "'..' path component"},
        {"a/..", "'..' path component"},
        {"a//b", "empty path component"},
        {"a/", "empty path component"},
        {"a/./b", "'.' path component"},
        {"a/.", "'.' path component"},
    };
    for (auto [name, what] : cases) {
        SCOPED_TRACE(name);
        expect_rejected(archive_of({valid, Record {.name = name}}), what, name_at);
    }
}

TEST(CpioMalformed, NamesAreNormalized) {
    Bytes bytes = archive_of({Record {.name = ".", .mode = 040755}, Record {.name = "/", .mode = 040755},
                              Record {.name = "./", .mode = 040755}, Record {.name = "./etc", .mode = 040755},
                              Record {.name = "/etc/motd", .data = "hi\n"}, Record {.name = "//.//etc/hostname", .data = "newt"},
                              Record {.name = "...", .data = "dots are a name"}, Record {.name = "a/.b/..c"}});
    Outcome outcome = parse(bytes);
    ASSERT_TRUE(outcome.result.has_value()) << outcome.error.what;
    EXPECT_EQ(outcome.result->skipped, 3u);
    std::vector<std::string> names;
    for (const Parsed& entry : outcome.entries) names.push_back(entry.name);
    EXPECT_EQ(names, (std::vector<std::string> {"etc", "etc/motd", "etc/hostname", "...", "a/.b/..c"}));
}

TEST(CpioMalformed, HexDigitsInEitherCase) {
    Bytes bytes = archive_of({Record {.name = "x", .field_override = "00abCDef"}});
    Outcome outcome = parse(bytes);
    ASSERT_TRUE(outcome.result.has_value());
    EXPECT_EQ(outcome.entries.at(0).ino, 0x00abcdefu);
}

TEST(CpioMalformed, CrcOfEveryByteValue) {
    std::string data;
    uint32_t sum = 0;
    for (int i = 0; i < 1000; ++i) {
        data.push_back(static_cast<char>(255 - i % 256));
        sum += static_cast<u8>(data.back());
    }
    EXPECT_TRUE(parse(archive_of({Record {.name = "f", .data = data, .magic = "070702", .check = sum}})).result.has_value());
    Outcome bad = parse(archive_of({valid, Record {.name = "f", .data = data, .magic = "070702", .check = sum + 1}}));
    EXPECT_STREQ(bad.error.what, "checksum mismatch (070702)");
    EXPECT_EQ(bad.entries.size(), 1u);
}

}  // namespace

// The archive the build makes from userland/initramfs (tools/make-initramfs).
TEST(CpioInitramfs, BuiltArchiveHasTheTree) {
    std::ifstream in(NEWT_INITRAMFS, std::ios::binary);
    ASSERT_TRUE(in) << NEWT_INITRAMFS;
    Bytes archive((std::istreambuf_iterator<char>(in)), {});
    Outcome outcome = parse(archive);
    ASSERT_TRUE(outcome.result.has_value()) << outcome.error.what << " at " << outcome.error.offset;
    std::map<std::string, const Parsed*> by_name;
    for (const Parsed& entry : outcome.entries) {
        by_name[entry.name] = &entry;
        EXPECT_EQ(entry.uid, 0u) << entry.name;
        EXPECT_EQ(entry.gid, 0u) << entry.name;
        EXPECT_EQ(entry.name.find(".keep"), std::string::npos) << "placeholders stay out";
    }
    ASSERT_TRUE(by_name.count("etc/motd"));
    ASSERT_TRUE(by_name.count("etc/hostname"));
    ASSERT_TRUE(by_name.count("tmp"));
    EXPECT_EQ(by_name["etc/hostname"]->data, "newt\n");
    EXPECT_EQ(by_name["etc/hostname"]->mode, S_IFREG | 0644u);
    EXPECT_NE(by_name["etc/motd"]->data.find("Newt"), std::string::npos);
    EXPECT_EQ(by_name["etc"]->mode, S_IFDIR | 0755u);
    EXPECT_EQ(by_name["tmp"]->mode, S_IFDIR | 01777u);
    // Names are sorted, so a directory comes before what it holds.
    for (size_t i = 1; i < outcome.entries.size(); ++i) EXPECT_LT(outcome.entries[i - 1].name, outcome.entries[i].name);
}
