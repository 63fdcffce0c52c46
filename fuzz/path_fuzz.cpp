// fuzz_path: path resolution (kernel/fs/path_resolution) over a generated tree with
// directories, files, relative/absolute/looping/dangling symlinks, a mount and a directory
// only root may search. The kernel runs in this process (hosted::kernel_runner); each input
// is resolved in kernel context.
//
// Input: byte 0 chooses the operation and the context (flags, credentials, base directory);
// the rest, up to a NUL, is the path. Invariants checked (a violation traps, so libFuzzer
// reports it): no crash or sanitizer report; errors are among the ones resolution may give;
// a result asked to be a directory is one; the canonical absolute path of a result resolves
// back to the same place; resolve_parent's name is one component.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "hosted/kernel_runner.h"
#include "kernel/abi/fcntl.h"
#include "kernel/fs/mount.h"
#include "kernel/fs/tmpfs/tmpfs.h"
#include "kernel/fs/vfs.h"

using namespace kernel;

namespace {

// abort(), not a trap: SIGABRT reaches libFuzzer, which saves the input.
[[gnu::noinline]] void check(bool condition, int line = __builtin_LINE()) {
    if (!condition) {
        std::fprintf(stderr, "fuzz_path: invariant at line %d broken\n", line);
        std::abort();
    }
}

bool expected_error(Errno error) {
    switch (error) {
    case Errno::enoent:
    case Errno::enotdir:
    case Errno::eacces:
    case Errno::eloop:
    case Errno::enametoolong:
    case Errno::enomem: return true;
    default: return false;
    }
}

Path fuzz_root;     // /fz
Path deep_dir;      // /fz/a/b/c
Path mounted_dir;   // /fz/mnt (a tmpfs)

void must(bool ok) {
    if (!ok) __builtin_trap();
}

void build_tree() {
    VfsContext context = VfsContext::for_kernel();
    context.umask = 0;
    const char* directories[] = {"/fz", "/fz/a", "/fz/a/b", "/fz/a/b/c", "/fz/mnt", "/fz/secret", "/fz/open"};
    for (const char* path : directories) must(vfs_mkdir(context, nullptr, path, 0755).has_value());
    must(vfs_chmod(context, nullptr, "/fz/secret", 0700, true).has_value());
    for (const char* path : {"/fz/file", "/fz/a/b/c/deep", "/fz/secret/hidden"})
        must(vfs_open(context, nullptr, path, abi::o_creat | abi::o_wronly, 0644).has_value());
    struct Link {
        const char* target;
        const char* path;
    };
    const Link links[] = {
        {"a/b", "/fz/to-b"},           {"/fz/a/b/c", "/fz/abs-c"},     {"../..", "/fz/a/b/up2"},
        {"loop2", "/fz/loop1"},        {"loop1", "/fz/loop2"},         {"self", "/fz/self"},
        {"nowhere", "/fz/dangling"},   {"file/x", "/fz/through-file"}, {"/", "/fz/root"},
        {"mnt/../a", "/fz/via-mnt"},   {"secret/hidden", "/fz/into-secret"}, {"", "/fz/unused"},
    };
    for (const Link& link : links)
        if (link.target[0]) must(vfs_symlink(context, link.target, nullptr, link.path).has_value());
    // A chain of 45 links: past the limit of 40.
    char name[32], target[32];
    for (int i = 0; i < 45; ++i) {
        std::snprintf(name, sizeof name, "/fz/chain%d", i);
        std::snprintf(target, sizeof target, i == 44 ? "file" : "chain%d", i + 1);
        must(vfs_symlink(context, target, nullptr, name).has_value());
    }
    must(vfs_mount(context, "tmpfs", "fuzz", nullptr, "/fz/mnt", "size=64k").has_value());
    must(vfs_mkdir(context, nullptr, "/fz/mnt/inside", 0755).has_value());
    must(vfs_symlink(context, "../a/b", nullptr, "/fz/mnt/out").has_value());
    fuzz_root = resolve_path(context, nullptr, "/fz", resolve_follow).value();
    deep_dir = resolve_path(context, nullptr, "/fz/a/b/c", resolve_follow).value();
    mounted_dir = resolve_path(context, nullptr, "/fz/mnt", resolve_follow).value();
}

void resolve_one(std::uint8_t control, StringView path) {
    VfsContext context = VfsContext::for_kernel();
    if (control & 0x01) context.credentials = Credentials::user(1000, 1000);
    if (control & 0x02) context.root = context.cwd = fuzz_root;  // as after chroot("/fz") and chdir("/")
    const Path* base = nullptr;
    switch ((control >> 2) & 3) {
    case 1: base = &deep_dir; break;
    case 2: base = &mounted_dir; break;
    case 3: base = &fuzz_root; break;
    default: break;
    }
    unsigned flags = ((control & 0x10) ? resolve_follow : 0) | ((control & 0x20) ? resolve_directory : 0);
    if (control & 0x40) {
        auto where = resolve_parent(context, base, path);
        if (where.is_error()) return check(expected_error(where.error()));
        check(where->parent.inode().is_directory());
        check(where->name_length <= abi::name_max);
        check(!StringView(where->name, where->name_length).contains('/'));
        return;
    }
    auto found = resolve_path(context, base, path, flags);
    if (found.is_error()) return check(expected_error(found.error()));
    if (flags & resolve_directory) check(found->inode().is_directory());
    // The canonical path of what was found leads back to it.
    char canonical[abi::path_max];
    auto length = absolute_path(*found, context.root, canonical, sizeof canonical);
    if (length.is_error()) return check(length.error() == Errno::enametoolong);
    auto again = resolve_path(context, nullptr, StringView(canonical, length.value()), 0);
    if (again.is_error()) return check(again.error() == Errno::eacces);  // root-only dirs on the way
    if (!(again.value() == found.value()))
        std::fprintf(stderr, "fuzz_path: '%.*s' (control %#x) found '%.*s', which resolves elsewhere\n",
                     static_cast<int>(path.length()), path.data(), control, static_cast<int>(length.value()), canonical);
    check(again.value() == found.value());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    hosted::MachineConfig config;
    config.cpus = 1;
    config.memory_bytes = 64u << 20;
    config.command_line = "loglevel=3";
    config.console_input = false;
    config.handle_termination_signals = false;
    config.kernel_fault_handlers = false;  // faults go to ASan and libFuzzer, which save the input
    hosted::start_kernel_runner(config);
    hosted::run_in_kernel(build_tree);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::uint8_t control = data[0];
    const char* text = reinterpret_cast<const char*>(data + 1);
    std::size_t length = strnlen(text, size - 1);  // a C string, as a syscall would copy it
    hosted::run_in_kernel([&] { resolve_one(control, StringView(text, length)); });
    return 0;
}
