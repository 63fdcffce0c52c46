// Helpers shared by the kernel/proc tests: the test programs (programs/startup_report.c)
// built by the host's compilers, running them on the host's Linux and reading their
// report, reading a file's headers with binutils' readelf.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kernel/proc/elf_loader.h"

namespace proc_test {

using Bytes = std::vector<std::uint8_t>;

Bytes read_file(const std::string& path);
void write_file(const std::string& path, const std::string& contents, unsigned mode = 0644);

// Paths of the test programs. The musl one is empty when musl-gcc was missing at build time.
inline const char* static_program = NEWT_PROGRAM_STATIC;
inline const char* static_pie_program = NEWT_PROGRAM_STATIC_PIE;
inline const char* dynamic_program = NEWT_PROGRAM_DYNAMIC;
inline const char* musl_program = NEWT_PROGRAM_MUSL;

// An ElfFile over bytes in memory whose reader records any read outside them.
struct MemoryElf {
    explicit MemoryElf(const Bytes& bytes) : bytes(bytes) {}
    const Bytes& bytes;
    bool read_out_of_bounds = false;
    std::uint64_t bytes_read = 0;
    bool fail_reads = false;  // the reader returns EIO

    kernel::Result<kernel::usize> read(std::uint64_t offset, void* buffer, kernel::usize length);
    // ElfFile refers to its reader (a FunctionRef), so the reader is a member that lives as
    // long as this object.
    struct Reader {
        MemoryElf* elf;
        kernel::Result<kernel::usize> operator()(std::uint64_t offset, void* buffer, kernel::usize length) const {
            return elf->read(offset, buffer, length);
        }
    } reader {this};
    kernel::ElfFile file() { return {reader, bytes.size()}; }
};

// What startup_report printed.
struct Report {
    std::vector<std::string> arguments;
    std::vector<std::string> environment;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> auxv;  // AT_NULL included
    std::uint64_t rsp = 0, stack_top = 0, start_brk = 0;
    Bytes stack;  // [rsp, stack_top)

    std::optional<std::uint64_t> aux(std::uint64_t key) const;
};

struct RunOptions {
    bool no_randomize = false;          // personality(ADDR_NO_RANDOMIZE): fixed stack and mmap base
    std::uint64_t stack_rlimit = 0;     // RLIMIT_STACK for the exec (0: unchanged)
};

struct RunResult {
    int exec_errno = 0;   // execve's errno; 0 when the program ran
    int exit_status = -1;
    std::string output;
};

// Runs `path` with exactly these argv and envp on the host (fork + execve).
RunResult run_program(const std::string& path, const std::vector<std::string>& arguments,
                      const std::vector<std::string>& environment, RunOptions options = {});
Report parse_report(const std::string& output);

// The headers as `readelf -hlW` prints them.
struct ReadelfSegment {
    std::string type;
    std::uint64_t offset, vaddr, filesz, memsz, align;
    std::string flags;  // "R", "RW", "RE", ...
};
struct ReadelfView {
    std::string type;  // "EXEC", "DYN"
    std::uint64_t entry = 0, phoff = 0, phentsize = 0, phnum = 0;
    std::vector<ReadelfSegment> segments;
};
ReadelfView run_readelf(const std::string& path);

std::string errno_name(int error);

}  // namespace proc_test
