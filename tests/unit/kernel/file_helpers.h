// Small helpers for kernel tests that use files through the VFS (run_in_kernel bodies).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel/abi/fcntl.h"
#include "kernel/fs/vfs.h"

namespace newt_test {

inline kernel::VfsContext root_context() { return kernel::VfsContext::for_kernel(); }

inline kernel::VfsContext user_context(kernel::u32 uid = 1000, kernel::u32 gid = 1000) {
    kernel::VfsContext context = kernel::VfsContext::for_kernel();
    context.credentials = kernel::Credentials::user(uid, gid);
    return context;
}

// Opens `path` (nullptr and a test failure when it cannot).
inline kernel::RefPtr<kernel::OpenFile> open_file(const char* path, int flags,
                                                  const kernel::VfsContext& context = root_context()) {
    auto file = kernel::vfs_open(context, nullptr, path, flags, 0644);
    EXPECT_FALSE(file.is_error()) << path << ": " << (file.is_error() ? kernel::errno_name(file.error()) : "");
    return file.is_error() ? nullptr : file.release_value();
}

inline kernel::Errno open_error(const char* path, int flags, const kernel::VfsContext& context = root_context(),
                                kernel::u32 mode = 0644) {
    auto file = kernel::vfs_open(context, nullptr, path, flags, mode);
    return file.is_error() ? file.error() : kernel::Errno {};
}

// One read(2) of up to `count` bytes.
inline kernel::Result<std::string> read_some(kernel::OpenFile& file, size_t count) {
    std::string data(count, '\0');
    kernel::IoBuffer buffer = kernel::IoBuffer::kernel(data.data(), count);
    kernel::usize got = TRY(file.read(buffer, count));
    data.resize(got);
    return data;
}

// Reads until end of file.
inline std::string read_all(kernel::OpenFile& file) {
    std::string text;
    for (;;) {
        auto chunk = read_some(file, 1000);
        EXPECT_FALSE(chunk.is_error());
        if (chunk.is_error() || chunk->empty()) return text;
        text += chunk.value();
    }
}

// Opens, reads to the end, closes.
inline std::string read_file(const char* path) {
    auto file = open_file(path, kernel::abi::o_rdonly);
    return file ? read_all(*file) : std::string();
}

inline kernel::Result<kernel::usize> write_text(kernel::OpenFile& file, const std::string& text) {
    kernel::IoBuffer buffer = kernel::IoBuffer::kernel(text.data(), text.size());
    return file.write(buffer, text.size());
}

inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// The names in a directory, in iteration order ("." and ".." included).
inline std::vector<std::string> list_directory(const char* path) {
    std::vector<std::string> names;
    auto directory = open_file(path, kernel::abi::o_rdonly | kernel::abi::o_directory);
    if (!directory) return names;
    auto result = directory->read_directory([&](const kernel::DirectoryEntry& entry) {
        names.emplace_back(entry.name.data(), entry.name.length());
        return true;
    });
    EXPECT_FALSE(result.is_error());
    return names;
}

}  // namespace newt_test
