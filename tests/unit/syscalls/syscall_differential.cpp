#include "syscall_differential.h"

#include <fcntl.h>
#include <ftw.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <sstream>

#include "kernel/fs/vfs.h"
#include "kernel/syscalls/dispatcher.h"

namespace syscall_test {
namespace {

std::atomic<int> next_directory {0};

// A printable argument for the transcript.
std::string show(const Arg& arg) {
    switch (arg.kind()) {
    case Arg::Kind::value: {
        std::ostringstream text;
        i64 number = static_cast<i64>(arg.number());
        if (number < 0 && number > -4096) text << number;
        else if (arg.number() < 4096) text << arg.number();
        else text << "0x" << std::hex << arg.number();
        return text.str();
    }
    case Arg::Kind::string: {
        std::string text = arg.bytes().size() > 40 ? arg.bytes().substr(0, 20) + "..." : arg.bytes();
        return "\"" + text + "\"(" + std::to_string(arg.bytes().size()) + ")";
    }
    case Arg::Kind::absolute: return "<dir>/" + arg.bytes();
    case Arg::Kind::input: return "in[" + std::to_string(arg.bytes().size()) + "]";
    case Arg::Kind::input_each: return "each[" + std::to_string(arg.bytes().size()) + "]";
    case Arg::Kind::output: return "out[" + std::to_string(arg.number()) + "]";
    case Arg::Kind::descriptor: return "fd#" + std::to_string(arg.number());
    case Arg::Kind::bad_pointer: return "BAD";
    case Arg::Kind::input_vector: return "iov_in[" + std::to_string(arg.segments().size()) + "]";
    case Arg::Kind::output_vector: return "iov_out[" + std::to_string(arg.segments().size()) + "]";
    }
    return "?";
}

void remove_host_tree(const std::string& path) {
    nftw(path.c_str(), [](const char* entry, const struct stat*, int type, FTW*) {
        if (type == FTW_D || type == FTW_DNR) ::chmod(entry, 0700);
        return 0;
    }, 16, FTW_PHYS);
    nftw(path.c_str(), [](const char* entry, const struct stat*, int, FTW*) { return ::remove(entry); }, 16,
         FTW_DEPTH | FTW_PHYS);
}

}  // namespace

std::string host_outcome(long result) {
    if (result >= 0) return "OK";
    const char* name = strerrorname_np(errno);
    return name ? name : "E" + std::to_string(errno);
}

SyscallDifferential::SyscallDifferential(const char* label, const Credentials& credentials) {
    newt_directory_ = "/tmp/" + std::string(label) + "-" + std::to_string(next_directory++);
    VfsContext kernel_context = VfsContext::for_kernel();
    auto made = vfs_mkdir(kernel_context, nullptr, StringView(newt_directory_.data(), newt_directory_.size()), 0755);
    EXPECT_TRUE(made.has_value()) << newt_directory_;
    harness_ = new SyscallHarness(credentials, newt_directory_.c_str());

    char pattern[] = "/dev/shm/newt-syscalls-XXXXXX";
    const char* host_made = mkdtemp(pattern);
    EXPECT_NE(host_made, nullptr) << "mkdtemp: " << strerror(errno);
    host_directory_ = host_made ? host_made : "/nonexistent";
    ::chmod(host_directory_.c_str(), 0755);
    char cwd[4096];
    saved_host_cwd_ = ::getcwd(cwd, sizeof cwd) ? cwd : "/";
    EXPECT_EQ(::chdir(host_directory_.c_str()), 0);
    saved_umask_ = ::umask(022);
    host_bad_page_ = ::mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(host_bad_page_, MAP_FAILED);
}

SyscallDifferential::~SyscallDifferential() {
    for (auto& [host, newt] : handles_)
        if (host >= 0) ::close(host);
    delete harness_;
    ::umask(saved_umask_);
    (void)!::chdir(saved_host_cwd_.c_str());
    ::munmap(host_bad_page_, 4096);
    remove_host_tree(host_directory_);
    if (::testing::Test::HasFailure()) std::printf("syscall steps (host | Newt):\n%s", transcript_.c_str());
}

long SyscallDifferential::run_host(u64 number, const std::vector<Arg>& arguments) {
    std::vector<std::unique_ptr<std::string>> storage;
    std::vector<std::vector<u64>> vectors;
    vectors.reserve(arguments.size());
    long raw[6] = {};
    auto keep = [&](const std::string& bytes) {
        storage.push_back(std::make_unique<std::string>(bytes));
        return reinterpret_cast<long>(storage.back()->data());
    };
    for (usize i = 0; i < arguments.size(); ++i) {
        const Arg& arg = arguments[i];
        switch (arg.kind()) {
        case Arg::Kind::value: raw[i] = static_cast<long>(arg.number()); break;
        case Arg::Kind::string: raw[i] = keep(arg.bytes() + '\0'); break;
        case Arg::Kind::absolute: raw[i] = keep(host_directory_ + "/" + arg.bytes() + '\0'); break;
        case Arg::Kind::input: raw[i] = keep(arg.bytes()); break;
        case Arg::Kind::input_each: raw[i] = keep(arg.bytes()); break;
        case Arg::Kind::output: raw[i] = keep(std::string(arg.number(), '\xa5')); break;
        case Arg::Kind::descriptor: raw[i] = host_fd(static_cast<int>(arg.number())); break;
        case Arg::Kind::bad_pointer: raw[i] = reinterpret_cast<long>(host_bad_page_); break;
        case Arg::Kind::input_vector:
        case Arg::Kind::output_vector: {
            vectors.emplace_back();
            for (const std::string& segment : arg.segments()) {
                vectors.back().push_back(static_cast<u64>(keep(segment)));
                vectors.back().push_back(segment.size());
            }
            raw[i] = reinterpret_cast<long>(vectors.back().data());
            break;
        }
        }
    }
    long result = ::syscall(static_cast<long>(number), raw[0], raw[1], raw[2], raw[3], raw[4], raw[5]);
    int saved_errno = errno;
    host_outputs_.assign(arguments.size(), {});
    usize vector_index = 0;
    for (usize i = 0; i < arguments.size(); ++i) {
        const Arg& arg = arguments[i];
        if (arg.kind() == Arg::Kind::output) host_outputs_[i] = std::string(reinterpret_cast<char*>(raw[i]), arg.number());
        if (arg.kind() == Arg::Kind::input_each) host_outputs_[i] = std::string(reinterpret_cast<char*>(raw[i]), arg.bytes().size());
        if (arg.kind() == Arg::Kind::input_vector || arg.kind() == Arg::Kind::output_vector) {
            const std::vector<u64>& vector = vectors[vector_index++];
            for (usize segment = 0; segment < arg.segments().size(); ++segment)
                host_outputs_[i] += std::string(reinterpret_cast<char*>(vector[segment * 2]), arg.segments()[segment].size());
        }
    }
    errno = saved_errno;
    return result;
}

long SyscallDifferential::run_newt(u64 number, const std::vector<Arg>& arguments) {
    SyscallHarness& newt = *harness_;
    usize cursor = 0;
    auto place = [&](const std::string& bytes) {
        uptr address = newt.put(cursor, bytes.data(), bytes.size());
        cursor = (cursor + bytes.size() + 63) & ~usize(63);
        EXPECT_LT(cursor, newt.scratch_size()) << "arguments too large for the scratch memory";
        return address;
    };
    u64 raw[6] = {};
    std::vector<std::vector<uptr>> segment_addresses(arguments.size());
    for (usize i = 0; i < arguments.size(); ++i) {
        const Arg& arg = arguments[i];
        switch (arg.kind()) {
        case Arg::Kind::value: raw[i] = arg.number(); break;
        case Arg::Kind::string: raw[i] = place(arg.bytes() + '\0'); break;
        case Arg::Kind::absolute: raw[i] = place(newt_directory_ + "/" + arg.bytes() + '\0'); break;
        case Arg::Kind::input: raw[i] = place(arg.bytes()); break;
        case Arg::Kind::input_each: raw[i] = place(arg.segments()[0]); break;
        case Arg::Kind::output: raw[i] = place(std::string(arg.number(), '\xa5')); break;
        case Arg::Kind::descriptor: raw[i] = static_cast<u64>(newt_fd(static_cast<int>(arg.number()))); break;
        case Arg::Kind::bad_pointer: raw[i] = wild_pointer; break;
        case Arg::Kind::input_vector:
        case Arg::Kind::output_vector: {
            std::vector<u64> vector;
            for (const std::string& segment : arg.segments()) {
                uptr address = segment.empty() ? newt.scratch() + cursor : place(segment);
                segment_addresses[i].push_back(address);
                vector.push_back(address);
                vector.push_back(segment.size());
            }
            raw[i] = place(std::string(reinterpret_cast<const char*>(vector.data()), vector.size() * sizeof(u64)));
            break;
        }
        }
    }
    long result = invoke_syscall(number, raw);
    newt_outputs_.assign(arguments.size(), {});
    for (usize i = 0; i < arguments.size(); ++i) {
        const Arg& arg = arguments[i];
        if (arg.kind() == Arg::Kind::output) newt_outputs_[i] = newt.get(raw[i], arg.number());
        if (arg.kind() == Arg::Kind::input_each) newt_outputs_[i] = newt.get(raw[i], arg.segments()[0].size());
        if (arg.kind() == Arg::Kind::input_vector || arg.kind() == Arg::Kind::output_vector)
            for (usize segment = 0; segment < arg.segments().size(); ++segment)
                newt_outputs_[i] += newt.get(segment_addresses[i][segment], arg.segments()[segment].size());
    }
    return result;
}

std::string SyscallDifferential::describe(u64 number, const std::vector<Arg>& arguments) const {
    const char* name = syscall_name(number);
    std::string text = name ? name : "syscall" + std::to_string(number);
    text += "(";
    for (usize i = 0; i < arguments.size(); ++i) text += (i ? ", " : "") + show(arguments[i]);
    return text + ")";
}

std::string SyscallDifferential::call(u64 number, const std::vector<Arg>& arguments, Returns returns) {
    host_result_ = run_host(number, arguments);
    std::string host = host_outcome(host_result_);
    newt_result_ = run_newt(number, arguments);
    std::string newt = newt_result_ >= 0 ? "OK" : errno_name(static_cast<Errno>(-newt_result_));
    if (returns == Returns::value && host == "OK") host += " " + std::to_string(host_result_);
    if (returns == Returns::value && newt == "OK") newt += " " + std::to_string(newt_result_);
    std::string description = describe(number, arguments);
    transcript_ += "  " + description + ": " + host + (host == newt ? "" : " | " + newt + "   <-- differs") + "\n";
    EXPECT_EQ(newt, host) << description << " (left: Newt, right: the host's Linux)";
    last_handle_ = -1;
    if (returns == Returns::descriptor) {
        if (host_result_ >= 0 && newt_result_ >= 0) last_handle_ = add_handle(static_cast<int>(host_result_), static_cast<int>(newt_result_));
        else {
            // One side opened something the other did not: close it so it cannot leak.
            if (host_result_ >= 0) ::close(static_cast<int>(host_result_));
        }
    }
    std::string::size_type space = host.find(' ');
    return space == std::string::npos ? host : host.substr(0, space);
}

std::string SyscallDifferential::newt_call(u64 number, const std::vector<Arg>& arguments) {
    newt_result_ = run_newt(number, arguments);
    std::string newt = newt_result_ >= 0 ? "OK" : errno_name(static_cast<Errno>(-newt_result_));
    transcript_ += "  (Newt only) " + describe(number, arguments) + ": " + newt + "\n";
    return newt;
}

int SyscallDifferential::open(const std::string& path, int flags, u32 mode) {
    call(SYS_openat, {Arg::value(static_cast<u64>(AT_FDCWD)), Arg::string(path), Arg::value(static_cast<u64>(flags)), Arg::value(mode)},
         Returns::descriptor);
    return last_handle_;
}

std::pair<int, int> SyscallDifferential::pipe(int flags) {
    call(SYS_pipe2, {Arg::output(8), Arg::value(static_cast<u64>(flags))});
    if (host_result_ < 0 || newt_result_ < 0) return {-1, -1};
    int host[2], newt[2];
    std::memcpy(host, host_outputs_[0].data(), sizeof host);
    std::memcpy(newt, newt_outputs_[0].data(), sizeof newt);
    int read_end = add_handle(host[0], newt[0]);
    int write_end = add_handle(host[1], newt[1]);
    return {read_end, write_end};
}

int SyscallDifferential::add_handle(int host_fd, int newt_fd) {
    handles_.emplace_back(host_fd, newt_fd);
    return static_cast<int>(handles_.size() - 1);
}

void SyscallDifferential::expect_same_output(usize index, usize length) {
    std::string host = host_outputs_.at(index).substr(0, length);
    std::string newt = newt_outputs_.at(index).substr(0, length);
    EXPECT_EQ(newt, host) << "output argument " << index << " (left: Newt, right: the host's Linux)";
    if (newt != host) transcript_ += "  output " + std::to_string(index) + " differs\n";
}

}  // namespace syscall_test
