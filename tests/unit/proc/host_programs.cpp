#include "host_programs.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace proc_test {

Bytes read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& contents, unsigned mode) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) throw std::runtime_error("cannot create " + path);
    if (write(fd, contents.data(), contents.size()) != static_cast<ssize_t>(contents.size()))
        throw std::runtime_error("cannot write " + path);
    fchmod(fd, mode);
    close(fd);
}

kernel::Result<kernel::usize> MemoryElf::read(std::uint64_t offset, void* buffer, kernel::usize length) {
    if (fail_reads) return kernel::Errno::eio;
    if (offset > bytes.size() || length > bytes.size() - offset) {
        read_out_of_bounds = true;
        return kernel::Errno::eio;
    }
    if (length > 0) std::memcpy(buffer, bytes.data() + offset, length);
    bytes_read += length;
    return length;
}

std::optional<std::uint64_t> Report::aux(std::uint64_t key) const {
    for (auto [k, v] : auxv)
        if (k == key) return v;
    return std::nullopt;
}

namespace {

std::string from_hex(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (const auto& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

}  // namespace

RunResult run_program(const std::string& path, const std::vector<std::string>& arguments,
                      const std::vector<std::string>& environment, RunOptions options) {
    // Everything the child needs is prepared before fork: it only calls async-signal-safe
    // functions.
    std::vector<char*> argv = c_strings(arguments);
    std::vector<char*> envp = c_strings(environment);
    int output[2], status_pipe[2];
    if (pipe2(output, O_CLOEXEC) != 0 || pipe2(status_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_t child = fork();
    if (child < 0) throw std::runtime_error("fork");
    if (child == 0) {
        dup2(output[1], 1);
        // Setup failures are reported negated, so they cannot pass for an execve errno.
        int error = 0;
        struct rlimit limit = {options.stack_rlimit, options.stack_rlimit};
        if (options.no_randomize && personality(ADDR_NO_RANDOMIZE) == -1) error = -errno;
        else if (options.stack_rlimit && setrlimit(RLIMIT_STACK, &limit) != 0) error = -errno;
        else {
            execve(path.c_str(), argv.data(), envp.data());
            error = errno;
        }
        if (write(status_pipe[1], &error, sizeof error) < 0) _exit(126);
        _exit(127);
    }
    close(output[1]);
    close(status_pipe[1]);
    RunResult result;
    char buffer[65536];
    ssize_t n;
    while ((n = read(output[0], buffer, sizeof buffer)) > 0) result.output.append(buffer, n);
    close(output[0]);
    int error = 0;
    if (read(status_pipe[0], &error, sizeof error) == sizeof error) result.exec_errno = error;
    close(status_pipe[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (result.exec_errno == 0) result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (result.exec_errno < 0)
        throw std::runtime_error("could not set up the exec: personality/setrlimit: " + errno_name(-result.exec_errno));
    return result;
}

Report parse_report(const std::string& output) {
    Report report;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string what;
        words >> what;
        if (what == "arg" || what == "env") {
            size_t index;
            std::string hex;
            words >> index;
            words >> hex;  // empty for an empty string
            (what == "arg" ? report.arguments : report.environment).push_back(from_hex(hex));
        } else if (what == "auxv") {
            std::uint64_t key, value;
            words >> std::dec >> key >> std::hex >> value;
            report.auxv.emplace_back(key, value);
        } else if (what == "rsp") {
            words >> std::hex >> report.rsp;
        } else if (what == "stack_top") {
            words >> std::hex >> report.stack_top;
        } else if (what == "start_brk") {
            words >> std::hex >> report.start_brk;
        } else if (what == "stack") {
            std::string hex;
            words >> hex;
            std::string bytes = from_hex(hex);
            report.stack.assign(bytes.begin(), bytes.end());
        }
    }
    return report;
}

ReadelfView run_readelf(const std::string& path) {
    std::string command = std::string(NEWT_READELF) + " -hlW '" + path + "' 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("popen readelf");
    std::string text;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
    if (pclose(pipe) != 0) throw std::runtime_error("readelf failed: " + text);

    ReadelfView view;
    std::istringstream lines(text);
    std::string line;
    bool in_program_headers = false;
    auto value_after = [](const std::string& line) { return line.substr(line.find(':') + 1); };
    while (std::getline(lines, line)) {
        if (line.find("  Type:") == 0) {
            std::istringstream(value_after(line)) >> view.type;
        } else if (line.find("  Entry point address:") == 0) {
            view.entry = std::stoull(value_after(line), nullptr, 16);
        } else if (line.find("  Start of program headers:") == 0) {
            view.phoff = std::stoull(value_after(line));
        } else if (line.find("  Size of program headers:") == 0) {
            view.phentsize = std::stoull(value_after(line));
        } else if (line.find("  Number of program headers:") == 0) {
            view.phnum = std::stoull(value_after(line));
        } else if (line.find("Program Headers:") == 0) {
            in_program_headers = true;
        } else if (in_program_headers && line.empty()) {
            in_program_headers = false;
        } else if (in_program_headers) {
            std::istringstream words(line);
            std::vector<std::string> tokens;
            std::string token;
            while (words >> token) tokens.push_back(token);
            // "Type Offset VirtAddr ..." is the column header; "[Requesting ...]" follows INTERP.
            if (tokens.size() < 8 || tokens[0] == "Type" || tokens[0][0] == '[') continue;
            ReadelfSegment segment;
            segment.type = tokens[0];
            segment.offset = std::stoull(tokens[1], nullptr, 16);
            segment.vaddr = std::stoull(tokens[2], nullptr, 16);
            segment.filesz = std::stoull(tokens[4], nullptr, 16);
            segment.memsz = std::stoull(tokens[5], nullptr, 16);
            for (size_t i = 6; i + 1 < tokens.size(); ++i) segment.flags += tokens[i];
            segment.align = std::stoull(tokens.back(), nullptr, 16);
            view.segments.push_back(segment);
        }
    }
    return view;
}

std::string errno_name(int error) {
    switch (error) {
    case 0: return "0";
    case ENOENT: return "ENOENT";
    case ENOEXEC: return "ENOEXEC";
    case E2BIG: return "E2BIG";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    default: return "errno " + std::to_string(error);
    }
}

}  // namespace proc_test
