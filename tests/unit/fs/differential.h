// Differential harness: runs the same file operations on the host's Linux (in a fresh
// directory on the host's tmpfs, /dev/shm) and on Newt (in a fresh directory under /tmp),
// and expects the same outcome from both, step by step: the same errno name, and for
// successful calls the same data (bytes read, offsets, link targets, stat fields, directory
// entries). Every method returns the host's outcome ("OK" or "ENOENT"...), so a test can
// also state the Linux rule it relies on:
//
//   Differential fs("rename");
//   EXPECT_EQ(fs.mkdir("a"), "OK");
//   EXPECT_EQ(fs.rename("a", "a/b"), "EINVAL");   // both systems, and the host agrees
//
// Paths are relative to the two directories (the host uses the *at() calls on a directory
// descriptor, Newt the `base` argument), so lengths match exactly. A path or symlink
// target starting with "/" is taken inside each directory (the prefix is added on each side
// and removed from readlink results).
//
// Only the test body may use this (it calls the host). The host runs as root in CI, so
// permission checks are the superuser's on both sides; unprivileged rules are Newt-only
// tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vfs_support.h"

namespace vfs_test {

class Differential {
public:
    // `kind`: where Newt's directory is (vfs_support.h: the root tmpfs or a hostfs mount).
    explicit Differential(const char* label, ScratchKind kind = default_scratch_kind());
    ~Differential();
    Differential(const Differential&) = delete;
    Differential& operator=(const Differential&) = delete;

    // Namespace.
    std::string mkdir(const std::string& path, u32 mode = 0755);
    std::string mknod(const std::string& path, u32 mode);
    std::string unlink(const std::string& path);
    std::string rmdir(const std::string& path);
    std::string symlink(const std::string& target, const std::string& path);
    std::string readlink(const std::string& path);
    std::string link(const std::string& old_path, const std::string& new_path, bool follow = false);
    std::string rename(const std::string& old_path, const std::string& new_path, unsigned flags = 0);
    // Metadata.
    std::string stat(const std::string& path, bool follow = true);
    std::string chmod(const std::string& path, u32 mode, bool follow = true);
    std::string chown(const std::string& path, u32 uid, u32 gid, bool follow = true);
    std::string truncate(const std::string& path, i64 length);
    std::string access(const std::string& path, int mode);
    // utimensat with {atime, mtime} nanoseconds fields (utime_now, utime_omit or a value);
    // compares which timestamps changed, after a pause longer than the host's clock tick.
    std::string utimens(const std::string& path, i64 access_ns, i64 modify_ns);
    // Whether the stat's ctime/mtime change across `operation` (run on both, with a pause
    // before it) is the same on both sides.
    void expect_same_time_changes(const std::string& path, const std::string& what,
                                  const std::function<void()>& operation);

    // Open files: `open` returns the outcome and stores a handle number (or -1).
    std::string open(const std::string& path, int flags, u32 mode = 0644, int* handle = nullptr);
    std::string close(int handle);
    std::string write(int handle, const std::string& data);
    std::string read(int handle, usize count);  // compares the bytes read
    std::string pwrite(int handle, u64 offset, const std::string& data);
    std::string pread(int handle, u64 offset, usize count);
    std::string lseek(int handle, i64 offset, int whence);  // compares the new offsets
    std::string ftruncate(int handle, i64 length);
    std::string fstat(int handle);
    // Lists a directory on both sides; compares the names and types (sorted: the order of
    // entries is the file system's business).
    std::string readdir(const std::string& path);

    // Walks both trees and compares every name, type, mode, link count, size, content and
    // link target.
    void expect_same_tree();

    const Scratch& newt() const { return scratch_; }
    const std::string& host_directory() const { return host_path_; }
    // Every step so far, one per line (printed when a test fails).
    const std::string& transcript() const { return transcript_; }

private:
    std::string host_path(const std::string& path) const;
    std::string newt_path(const std::string& path) const;
    // Compares and records one step; returns the host outcome.
    std::string step(const std::string& description, const std::string& host, const std::string& newt);
    void compare_tree(const std::string& relative);

    Scratch scratch_;
    std::string host_path_;
    int host_directory_fd_ = -1;
    unsigned old_umask_ = 0;
    std::vector<int> host_files_;
    std::vector<RefPtr<OpenFile>> newt_files_;
    std::string transcript_;
};

}  // namespace vfs_test
