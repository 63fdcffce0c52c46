// The ELF loader's first half: read the headers of a static Linux x86-64 executable and
// decide what to map where, without touching any address space. The exec code applies the
// plan (create the VMAs, map file pages, zero the bss, set brk, build the stack).
//
//   auto read_from_inode = [&](u64 offset, void* buffer, usize length) -> Result<usize> {...};
//   ElfFile file {read_from_inode, inode_size};
//   ElfDiagnostic why;
//   auto span = TRY(elf_load_span(file, &why));          // static-PIE: choose a bias
//   uptr bias = span.position_independent ? choose_base(span) - span.start : 0;
//   auto plan = plan_elf_load(file, bias, &why);         // ENOEXEC: log why.reason
//
// Accepted: ELF64, little-endian, EV_CURRENT, EM_X86_64, ET_EXEC (at its link addresses)
// or ET_DYN without PT_INTERP (static-PIE, moved by the caller's page-aligned load bias).
// Every other file, and every inconsistency listed in docs/exec.md, is ENOEXEC with a
// reason in the ElfDiagnostic. The reader's own errors (EIO, ...) pass through unchanged.
//
// The headers are read through the callback a few at a time: nothing is allocated, no read
// goes past what the header fields describe, and all arithmetic on file values is checked
// for overflow (a fuzzer drives this code with arbitrary bytes).
#pragma once

#include "../abi/elf.h"
#include "../lib/function_ref.h"
#include "../lib/result.h"
#include "../lib/types.h"

namespace kernel {

// The executable to load. `read` fills up to `length` bytes at `offset` and returns how many
// it filled (fewer only at the end of the file); `size` is the file's length in bytes.
// `read` refers to the callable without owning it: keep the callable in a named variable.
struct ElfFile {
    FunctionRef<Result<usize>(u64 offset, void* buffer, usize length)> read;
    u64 size;
};

// Why a file was refused (a static string, for the exec code's log), or null.
struct ElfDiagnostic {
    const char* reason = nullptr;
};

// One PT_LOAD segment as pages: [start, start + length) is mapped with `protection`; its
// first `file_bytes` bytes are the file's bytes from `file_offset`, the rest are zero (the
// end of the last file page past p_filesz included: Linux's padzero).
struct LoadSegment {
    uptr start;         // page-aligned (p_vaddr + load bias, rounded down)
    usize length;       // page-aligned, covers p_memsz
    u64 file_offset;    // page-aligned (p_offset rounded down); 0 when file_bytes is 0
    usize file_bytes;   // (p_vaddr - start) + p_filesz; 0 for a segment with no file part
    u32 protection;     // hal::Protection bits (prot_read/write/exec) from p_flags
};

// The address range an executable occupies at its link-time addresses (load bias 0), and
// the alignment a static-PIE's bias must keep (the largest power-of-two p_align, at least a
// page: as Linux's maximum_alignment()).
struct LoadSpan {
    uptr start;      // lowest page of any PT_LOAD
    usize length;    // up to the page-aligned end of the highest one
    usize alignment;
    bool position_independent;  // ET_DYN: the caller chooses the bias; ET_EXEC: bias 0
};

inline constexpr usize max_load_segments = 32;  // PT_LOADs Newt accepts (real programs: 2-5)
inline constexpr usize max_program_header_bytes = 64 * KiB;  // Linux's cap on the table

struct LoadPlan {
    uptr load_bias = 0;
    uptr entry = 0;  // e_entry + bias (AT_ENTRY, the first rip)
    // AT_PHDR: where the program headers are in memory (PT_PHDR, else the PT_LOAD whose
    // file bytes hold e_phoff; 0 when no segment maps them), AT_PHENT, AT_PHNUM.
    uptr program_headers = 0;
    u16 program_header_size = 0;
    u16 program_header_count = 0;
    uptr brk_start = 0;             // the page-aligned end of the highest segment
    bool executable_stack = false;  // PT_GNU_STACK with PF_X (absent: not executable)
    bool position_independent = false;
    usize segment_count = 0;
    LoadSegment segments[max_load_segments];  // ascending, page ranges disjoint
};

// Reads and checks the headers; returns where the PT_LOAD segments lie before any bias.
Result<LoadSpan> elf_load_span(ElfFile file, ElfDiagnostic* diagnostic = nullptr);

// Reads and checks the headers and plans the load with `load_bias` added to every address:
// 0 for ET_EXEC (anything else is EINVAL), page-aligned for ET_DYN (EINVAL otherwise). The
// biased image must lie in [hal::user_space_start, hal::user_space_end) (else ENOEXEC).
Result<LoadPlan> plan_elf_load(ElfFile file, uptr load_bias, ElfDiagnostic* diagnostic = nullptr);

// The same with an explicit user range (tests and the fuzzer use other ranges).
Result<LoadPlan> plan_elf_load(ElfFile file, uptr load_bias, uptr user_start, uptr user_end,
                               ElfDiagnostic* diagnostic = nullptr);

}  // namespace kernel
