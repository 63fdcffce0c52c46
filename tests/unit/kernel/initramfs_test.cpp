// The initramfs unpacked into Newt's root tmpfs (fs/initramfs): archives made by the host's
// GNU cpio from a real directory tree, unpacked in a booted machine and compared, name by
// name, with what lstat/readlink say about the source tree.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernel/abi/fcntl.h"
#include "kernel/fs/initramfs.h"
#include "kernel/fs/vfs.h"
#include "kernel_fixture.h"

using namespace kernel;
using newt_test::run_in_kernel;
namespace kabi = kernel::abi;

namespace {

std::string run(const std::string& command) {
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return output;
    char buffer[4096];
    for (size_t got; (got = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, got);
    EXPECT_EQ(pclose(pipe), 0) << command;
    return output;
}

void write_file(const std::string& path, const std::string& contents, mode_t mode) {
    std::ofstream(path, std::ios::binary) << contents;
    chmod(path.c_str(), mode);
}

// A tree under <dir>/<top> with every kind of entry the initramfs can hold; returns the
// newc archive of it as `cpio` makes it (names like "top/etc/motd").
std::string make_archive(const std::string& top, const char* format = "newc") {
    char pattern[] = "/tmp/newt-initramfs-XXXXXX";
    std::string dir = mkdtemp(pattern);
    mode_t old_umask = umask(0);  // the modes below exactly
    std::string root = dir + "/" + top;
    mkdir(root.c_str(), 0755);
    mkdir((root + "/etc").c_str(), 0750);
    mkdir((root + "/empty").c_str(), 01777);
    write_file(root + "/etc/motd", "hello from the host\n", 0644);
    write_file(root + "/etc/empty", "", 0600);
    std::string big(300000, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i * 7 % 26);
    write_file(root + "/big", big, 0755);
    write_file(root + "/linked", "two names, one file\n", 0640);
    link((root + "/linked").c_str(), (root + "/etc/also-linked").c_str());
    symlink("etc/motd", (root + "/relative-link").c_str());
    symlink("/nowhere/at/all", (root + "/dangling-link").c_str());
    mkfifo((root + "/fifo").c_str(), 0620);
    umask(old_umask);
    std::string archive_path = dir + ".cpio";
    run("cd " + dir + " && find " + top + " | LC_ALL=C sort | cpio --quiet -o -H " + format + " > " + archive_path);
    std::ifstream in(archive_path, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    run("rm -rf " + dir + " " + archive_path);
    return contents.str();
}

struct Expected {
    const char* path;
    u32 mode;
    u32 links;
    const char* contents_or_target;  // nullptr: not checked
};

const Expected expected_tree[] = {
    {"", kabi::s_ifdir | 0755, 4, nullptr},
    {"/etc", kabi::s_ifdir | 0750, 2, nullptr},
    {"/empty", kabi::s_ifdir | 01777, 2, nullptr},
    {"/etc/motd", kabi::s_ifreg | 0644, 1, "hello from the host\n"},
    {"/etc/empty", kabi::s_ifreg | 0600, 1, ""},
    {"/big", kabi::s_ifreg | 0755, 1, nullptr},
    {"/linked", kabi::s_ifreg | 0640, 2, "two names, one file\n"},
    {"/etc/also-linked", kabi::s_ifreg | 0640, 2, "two names, one file\n"},
    {"/relative-link", kabi::s_iflnk | 0777, 1, "etc/motd"},
    {"/dangling-link", kabi::s_iflnk | 0777, 1, "/nowhere/at/all"},
    {"/fifo", kabi::s_ififo | 0620, 1, nullptr},
};

std::string read_whole(const VfsContext& context, const std::string& path) {
    std::string contents;
    auto file = vfs_open(context, nullptr, path.c_str(), kabi::o_rdonly, 0);
    if (file.is_error()) return "<" + std::string(errno_name(file.error())) + ">";
    char chunk[4096];
    for (;;) {
        IoBuffer buffer = IoBuffer::kernel(chunk, sizeof chunk);
        auto got = file.value()->read(buffer, sizeof chunk);
        if (got.is_error() || got.value() == 0) break;
        contents.append(chunk, got.value());
    }
    return contents;
}

void check_tree(const std::string& top, u32 owner) {
    VfsContext context = VfsContext::for_kernel();
    for (const Expected& expected : expected_tree) {
        std::string path = "/" + top + expected.path;
        auto stat = vfs_stat(context, nullptr, path.c_str(), false);
        ASSERT_TRUE(stat.has_value()) << path << ": " << errno_name(stat.error());
        EXPECT_EQ(stat->mode, expected.mode) << path;
        EXPECT_EQ(stat->link_count, expected.links) << path;
        EXPECT_EQ(stat->uid, owner) << path;
        if (!expected.contents_or_target) continue;
        if (kabi::s_islnk(expected.mode)) {
            char target[256];
            IoBuffer buffer = IoBuffer::kernel(target, sizeof target);
            auto length = vfs_readlink(context, nullptr, path.c_str(), buffer, sizeof target);
            ASSERT_TRUE(length.has_value()) << path;
            EXPECT_EQ(std::string(target, length.value()), expected.contents_or_target) << path;
        } else {
            EXPECT_EQ(read_whole(context, path), expected.contents_or_target) << path;
        }
    }
    // Hard links are one inode; the big file's bytes all arrived.
    auto first = vfs_stat(context, nullptr, ("/" + top + "/linked").c_str(), false);
    auto second = vfs_stat(context, nullptr, ("/" + top + "/etc/also-linked").c_str(), false);
    ASSERT_TRUE(first.has_value() && second.has_value());
    EXPECT_EQ(first->inode, second->inode);
    std::string big = read_whole(context, "/" + top + "/big");
    ASSERT_EQ(big.size(), 300000u);
    for (size_t i = 0; i < big.size(); i += 997) ASSERT_EQ(big[i], static_cast<char>('a' + i * 7 % 26)) << i;
}

}  // namespace

TEST(Initramfs, UnpacksEveryKindOfEntryWithModesLinksAndContents) {
    std::string archive = make_archive("unpack-newc");
    run_in_kernel([&] {
        InitramfsStats stats = unpack_initramfs(reinterpret_cast<const u8*>(archive.data()), archive.size());
        EXPECT_TRUE(stats.complete);
        EXPECT_EQ(stats.failed, 0u);
        EXPECT_EQ(stats.entries, std::size(expected_tree));
        check_tree("unpack-newc", getuid());
    });
}

TEST(Initramfs, CrcArchivesAndConcatenatedArchivesToo) {
    std::string first = make_archive("first", "crc");
    std::string second = make_archive("second");
    std::string both = first + std::string(512, '\0') + second;
    run_in_kernel([&] {
        InitramfsStats stats = unpack_initramfs(reinterpret_cast<const u8*>(both.data()), both.size());
        EXPECT_TRUE(stats.complete);
        EXPECT_EQ(stats.entries, 2 * std::size(expected_tree));
        check_tree("first", getuid());
        check_tree("second", getuid());
    });
}

TEST(Initramfs, ReplacesFilesKeepsDirectoriesAndSurvivesADamagedArchive) {
    std::string archive = make_archive("again");
    run_in_kernel([&] {
        VfsContext context = VfsContext::for_kernel();
        ASSERT_TRUE(vfs_mkdir(context, nullptr, "/again", 0700).has_value());
        ASSERT_TRUE(vfs_mkdir(context, nullptr, "/again/etc", 0700).has_value());
        auto old = vfs_open(context, nullptr, "/again/etc/motd", kabi::o_wronly | kabi::o_creat, 0600);
        ASSERT_TRUE(old.has_value());
        InitramfsStats stats = unpack_initramfs(reinterpret_cast<const u8*>(archive.data()), archive.size());
        EXPECT_TRUE(stats.complete);
        check_tree("again", getuid());  // the directory's mode was updated, the file replaced

        // Cut inside the header after etc/motd (names are sorted: big, ..., etc/motd, fifo,
        // linked, ...): what came before stays, nothing crashes.
        size_t cut = archive.find("hello from the host") + 40;
        ASSERT_LT(cut, archive.size());
        std::string damaged = archive.substr(0, cut);
        ASSERT_TRUE(vfs_rename(context, nullptr, "/again", nullptr, "/again-before", 0).has_value());
        stats = unpack_initramfs(reinterpret_cast<const u8*>(damaged.data()), damaged.size());
        EXPECT_FALSE(stats.complete);
        EXPECT_GT(stats.entries, 0u);
        EXPECT_TRUE(vfs_stat(context, nullptr, "/again/etc", false).has_value());
        EXPECT_EQ(read_whole(context, "/again/big").size(), 300000u);
        EXPECT_EQ(read_whole(context, "/again/etc/motd"), "hello from the host\n");
        EXPECT_EQ(vfs_stat(context, nullptr, "/again/linked", false).error(), Errno::enoent);

        // Not an archive at all.
        const char junk[] = "this is not a cpio archive, not even close";
        stats = unpack_initramfs(reinterpret_cast<const u8*>(junk), sizeof junk);
        EXPECT_FALSE(stats.complete);
        EXPECT_EQ(stats.entries, 0u);
    });
}
