// Differential syscall tests: the same system call, with the same arguments, on the host's
// Linux (raw syscall(2), working directory a fresh directory on the host's tmpfs) and on
// Newt (the dispatcher through SyscallHarness, working directory a fresh directory under
// /tmp). Each step must give the same errno name and, unless told otherwise, the same
// result; output buffers can be compared after the call.
//
//   SyscallDifferential both("open");
//   both.call(SYS_mkdir, {Arg::string("d"), Arg::value(0755)});
//   int file = both.open("d/f", O_CREAT | O_RDWR);           // a handle for both descriptors
//   both.call(SYS_write, {Arg::fd(file), Arg::input("hello"), Arg::value(5)});
//   EXPECT_EQ(both.call(SYS_read, {Arg::fd(file), Arg::bad_pointer(), Arg::value(5)}), "OK");
//
// Pointers are laid out afresh for each call (Newt: the harness's scratch memory; host: this
// process's heap), so the two sides see equal data at different addresses. Descriptors are
// handles that name the host's and Newt's number for the same file (the host process has
// other descriptors open, so the numbers differ). Only the test body may use this (it calls
// the host). The host runs the tests as root, so permission rules for other users are
// Newt-only steps (newt_call) with a harness of other credentials.
#pragma once

#include <string>
#include <vector>

#include "syscall_harness.h"

namespace syscall_test {

class Arg {
public:
    enum class Kind : u8 {
        value, string, absolute, input, input_each, output, descriptor, bad_pointer, input_vector, output_vector
    };

    // The same number on both sides (flags, modes, sizes, AT_FDCWD, a descriptor number that
    // is bad on both).
    static Arg value(u64 number) { return Arg(Kind::value, number); }
    // A NUL-terminated string.
    static Arg string(const std::string& text) { return Arg(Kind::string, 0, text); }
    // The absolute path of `relative` inside each side's test directory ("/" + relative
    // after the directory), as a NUL-terminated string.
    static Arg absolute(const std::string& relative) { return Arg(Kind::absolute, 0, relative); }
    // Bytes the call reads.
    static Arg input(const std::string& bytes) { return Arg(Kind::input, 0, bytes); }
    // Bytes that differ between the sides (descriptor numbers inside a struct: pollfd
    // arrays, fd_sets); the call may also write them (they are outputs too).
    static Arg input_each(const std::string& host_bytes, const std::string& newt_bytes) {
        Arg arg(Kind::input_each, 0, host_bytes);
        arg.segments_.push_back(newt_bytes);
        return arg;
    }
    // A buffer the call may write, `size` bytes of 0xa5 before it (compare after the call).
    static Arg output(usize size) { return Arg(Kind::output, size); }
    // A descriptor opened on both sides (a handle from open() or add_handle()).
    static Arg fd(int handle) { return Arg(Kind::descriptor, static_cast<u64>(handle)); }
    // Memory neither side maps (a PROT_NONE page on the host): EFAULT when dereferenced.
    static Arg bad_pointer() { return Arg(Kind::bad_pointer, 0); }
    // A struct iovec array over input segments, or over output buffers of the given sizes
    // (their bytes, concatenated, are the argument's output).
    static Arg input_vector(std::vector<std::string> segments) {
        Arg arg(Kind::input_vector, 0);
        arg.segments_ = std::move(segments);
        return arg;
    }
    static Arg output_vector(std::vector<usize> sizes) {
        Arg arg(Kind::output_vector, 0);
        for (usize size : sizes) arg.segments_.push_back(std::string(size, '\xa5'));
        return arg;
    }

    Kind kind() const { return kind_; }
    u64 number() const { return number_; }
    const std::string& bytes() const { return bytes_; }
    const std::vector<std::string>& segments() const { return segments_; }

private:
    Arg(Kind kind, u64 number, std::string bytes = {}) : kind_(kind), number_(number), bytes_(std::move(bytes)) {}
    Kind kind_;
    u64 number_;
    std::string bytes_;
    std::vector<std::string> segments_;
};

class SyscallDifferential {
public:
    // What must match for a successful call besides success itself.
    enum class Returns : u8 {
        value,       // the same return value
        descriptor,  // a new descriptor on each side: registered as a handle (last_handle())
        anything,    // success is enough (sizes that legitimately differ)
    };

    explicit SyscallDifferential(const char* label, const Credentials& credentials = Credentials::root());
    ~SyscallDifferential();
    SyscallDifferential(const SyscallDifferential&) = delete;
    SyscallDifferential& operator=(const SyscallDifferential&) = delete;

    // Runs the call on both sides and compares; returns the host's outcome ("OK" or an errno
    // name), so a test can also state the Linux rule it checks.
    std::string call(u64 number, const std::vector<Arg>& arguments, Returns returns = Returns::value);
    // Only on Newt (rules for other users, things the host must not do to itself).
    std::string newt_call(u64 number, const std::vector<Arg>& arguments);

    // openat(AT_FDCWD, path, flags, mode) on both: the handle, or -1 when it failed (the
    // outcomes are compared as for call()).
    int open(const std::string& path, int flags, u32 mode = 0644);
    // pipe2 on both: handles of the read and write ends.
    std::pair<int, int> pipe(int flags = 0);
    int add_handle(int host_fd, int newt_fd);
    int host_fd(int handle) const { return handles_.at(static_cast<usize>(handle)).first; }
    int newt_fd(int handle) const { return handles_.at(static_cast<usize>(handle)).second; }

    // The last call: results and what each side left in argument `index` (outputs, output
    // vectors).
    long host_result() const { return host_result_; }
    long newt_result() const { return newt_result_; }
    int last_handle() const { return last_handle_; }
    const std::string& host_output(usize index) const { return host_outputs_.at(index); }
    const std::string& newt_output(usize index) const { return newt_outputs_.at(index); }
    // Expects both sides' output `index` to be equal (its first `length` bytes, or all).
    void expect_same_output(usize index, usize length = ~usize(0));

    SyscallHarness& harness() { return *harness_; }
    const std::string& newt_directory() const { return newt_directory_; }
    const std::string& host_directory() const { return host_directory_; }
    // Records a step in the transcript (printed if the test fails).
    void note(const std::string& line) { transcript_ += "  " + line + "\n"; }

private:
    long run_host(u64 number, const std::vector<Arg>& arguments);
    long run_newt(u64 number, const std::vector<Arg>& arguments);
    std::string describe(u64 number, const std::vector<Arg>& arguments) const;

    std::string newt_directory_;
    std::string host_directory_;
    std::string saved_host_cwd_;
    unsigned saved_umask_ = 0;
    void* host_bad_page_ = nullptr;
    SyscallHarness* harness_ = nullptr;
    std::vector<std::pair<int, int>> handles_;
    long host_result_ = 0, newt_result_ = 0;
    int last_handle_ = -1;
    std::vector<std::string> host_outputs_, newt_outputs_;
    std::string transcript_;
};

// The outcome of a host call: "OK" or the errno's name.
std::string host_outcome(long result);

}  // namespace syscall_test
