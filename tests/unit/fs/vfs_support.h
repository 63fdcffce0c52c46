// Helpers shared by the VFS/tmpfs tests: a fresh scratch directory per test, outcome names
// for Results (so that failures print "ENOENT", not a number), shortcuts for files and
// directory listings, and memory snapshots for leak checks.
//
// Everything here runs in the test body (kernel context on CPU 0, where host code is
// allowed). Threads a test spawns use the kernel API directly.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel/abi/fcntl.h"
#include "kernel/abi/stat.h"
#include "kernel/fs/file_descriptor_table.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/frame_allocator.h"
#include "kernel/mm/kmalloc.h"
#include "tests/unit/kernel/kernel_fixture.h"
#include "tests/unit/kernel/memory_snapshot.h"

namespace vfs_test {

using namespace kernel;

inline StringView view(const std::string& text) { return {text.data(), text.size()}; }

// "OK" or the errno's name.
inline std::string outcome(Errno error) { return errno_name(error); }
template <typename T>
std::string outcome(const Result<T>& result) {
    return result.is_error() ? std::string(errno_name(result.error())) : std::string("OK");
}

#define EXPECT_OK(expression) EXPECT_EQ(::vfs_test::outcome(expression), "OK") << #expression
#define ASSERT_OK(expression) ASSERT_EQ(::vfs_test::outcome(expression), "OK") << #expression
#define EXPECT_ERRNO(expression, error) \
    EXPECT_EQ(::vfs_test::outcome(expression), ::vfs_test::outcome(::kernel::Errno::error)) << #expression

// Where Scratch directories are: in the root tmpfs, or each the root of a hostfs mount of
// a fresh host directory (/dev/shm/newt-hostfs-*). The default is tmpfs; the environment
// variable NEWT_VFS_SCRATCH=hostfs makes it hostfs (ctest runs vfs_tests once more that
// way: the same rules, checked on hostfs).
enum class ScratchKind { tmpfs, hostfs };
ScratchKind default_scratch_kind();

// A fresh directory under /tmp, unique in this process, and a root context whose working
// directory it is (umask 022). Relative paths in tests start there.
struct Scratch {
    VfsContext context;
    Path directory;
    std::string path;       // absolute, e.g. "/tmp/paths-3"
    ScratchKind kind;
    std::string host_path;  // hostfs: the host directory mounted on `path`

    explicit Scratch(const char* label, ScratchKind kind = default_scratch_kind());
    // hostfs: unmounts (when nothing uses the mount any more) and deletes the host directory.
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    // The same context with other credentials (and the same cwd and root).
    VfsContext as(const Credentials& credentials) const;
    VfsContext as_user(u32 uid, u32 gid) const { return as(Credentials::user(uid, gid)); }
    std::string absolute(const std::string& relative) const { return path + "/" + relative; }
};

// Shortcuts that report failures through GoogleTest and return an empty value. make_file
// and make_directory set exactly `mode` (no umask), as chmod after creation would.
RefPtr<OpenFile> open_file(const VfsContext& context, const std::string& path, int flags, u32 mode = 0644);
void make_file(const VfsContext& context, const std::string& path, const std::string& content = "", u32 mode = 0644);
void make_directory(const VfsContext& context, const std::string& path, u32 mode = 0755);
std::string file_content(const VfsContext& context, const std::string& path);
FileStat stat_of(const VfsContext& context, const std::string& path, bool follow = true);
Path path_of(const VfsContext& context, const std::string& path, unsigned flags = resolve_follow);
std::string read_link(const VfsContext& context, const std::string& path);

// Reads from the file offset to the end of file.
std::string read_all(OpenFile& file);
Result<usize> write_text(OpenFile& file, const std::string& text);
Result<usize> write_at(OpenFile& file, u64 offset, const std::string& text);
Result<std::string> read_at(OpenFile& file, u64 offset, usize count);
Result<std::string> read_some(OpenFile& file, usize count);

struct ListedEntry {
    std::string name;
    u64 inode;
    u8 type;
    u64 next_cookie;
    bool operator==(const ListedEntry&) const = default;
};
// Every entry of the directory, in iteration order (".", ".." included).
std::vector<ListedEntry> list_directory(OpenFile& directory);
std::vector<ListedEntry> list_directory(const VfsContext& context, const std::string& path);
// The names only, sorted, without "." and "..".
std::vector<std::string> sorted_names(const VfsContext& context, const std::string& path);

// Removes a tree (files, symlinks, directories), as rm -rf.
void remove_tree(const VfsContext& context, const std::string& path);

// Deletes a host directory tree (after making every directory in it writable again).
void remove_host_tree(const std::string& path);

using newt_test::memory_returns_to;
using newt_test::memory_snapshot;
using newt_test::MemorySnapshot;

}  // namespace vfs_test
