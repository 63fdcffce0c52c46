#include "elf_loader.h"

#include "../hal/mmu.h"
#include "../hal/physmem.h"
#include "../lib/string.h"

namespace kernel {

namespace {

constexpr u64 page_size = hal::page_size;

u64 page_offset(u64 address) { return address & (page_size - 1); }
u64 page_floor(u64 address) { return address & ~(page_size - 1); }

// Rounds up to a page boundary; false when that passes 2^64.
bool page_ceiling(u64 address, u64& rounded) {
    if (address > ~u64(0) - (page_size - 1)) return false;
    rounded = (address + page_size - 1) & ~(page_size - 1);
    return true;
}

Errno refuse(ElfDiagnostic* diagnostic, const char* reason) {
    if (diagnostic) diagnostic->reason = reason;
    return Errno::enoexec;
}

// Reads exactly `length` bytes at `offset`, which the caller has checked lie in the file.
Result<void> read_exact(const ElfFile& file, u64 offset, void* buffer, usize length, ElfDiagnostic* diagnostic) {
    usize got = TRY(file.read(offset, buffer, length));
    if (got != length) return refuse(diagnostic, "the file is shorter than its size says");
    return ok();
}

// A PT_LOAD segment as the file gives it (addresses before the load bias).
struct LinkSegment {
    u64 vaddr;
    u64 memsz;
    u64 offset;
    u64 filesz;
    u32 flags;
};

// Everything the plan needs from the headers, checked, at link-time addresses.
struct ParsedElf {
    abi::ElfHeader header;
    usize segment_count = 0;
    LinkSegment segments[max_load_segments];
    u64 span_start = 0;  // page-aligned
    u64 span_end = 0;    // page-aligned, exclusive
    u64 alignment = page_size;
    bool has_program_headers = false;  // program_headers below is meaningful
    u64 program_headers = 0;
    bool executable_stack = false;
};

Result<void> check_identity(const abi::ElfHeader& header, u64 file_size, ElfDiagnostic* diagnostic) {
    if (kstd::memcmp(header.e_ident, abi::elf_magic, sizeof abi::elf_magic) != 0)
        return refuse(diagnostic, "not an ELF file (bad magic)");
    if (file_size < sizeof(abi::ElfHeader)) return refuse(diagnostic, "the ELF header is truncated");
    if (header.e_ident[abi::ei_class] != abi::elfclass64) return refuse(diagnostic, "not a 64-bit ELF file");
    if (header.e_ident[abi::ei_data] != abi::elfdata2lsb) return refuse(diagnostic, "not a little-endian ELF file");
    if (header.e_ident[abi::ei_version] != abi::ev_current) return refuse(diagnostic, "unknown ELF version");
    if (header.e_machine != abi::em_x86_64) return refuse(diagnostic, "not an x86-64 program");
    if (header.e_type != abi::et_exec && header.e_type != abi::et_dyn)
        return refuse(diagnostic, "not an executable (ELF type is neither ET_EXEC nor ET_DYN)");
    if (header.e_phentsize != sizeof(abi::ProgramHeader))
        return refuse(diagnostic, "program header entry size is not 56");
    if (header.e_phnum == 0) return refuse(diagnostic, "no program headers");
    u64 table_bytes = u64(header.e_phnum) * sizeof(abi::ProgramHeader);
    if (table_bytes > max_program_header_bytes) return refuse(diagnostic, "program header table over 64 KiB");
    if (header.e_phoff > file_size || table_bytes > file_size - header.e_phoff)
        return refuse(diagnostic, "program header table past the end of the file");
    return ok();
}

Result<void> add_load_segment(ParsedElf& elf, const abi::ProgramHeader& program_header, u64 file_size,
                              ElfDiagnostic* diagnostic) {
    // Linux maps nothing for an empty segment; so neither does Newt (and it takes no part
    // in the order and overlap checks).
    if (program_header.p_memsz == 0) return ok();
    if (program_header.p_filesz > program_header.p_memsz) return refuse(diagnostic, "PT_LOAD with p_filesz > p_memsz");
    // A segment without file bytes is all zero pages: like Linux, ignore its p_offset.
    if (program_header.p_filesz > 0) {
        if (page_offset(program_header.p_offset - program_header.p_vaddr) != 0)
            return refuse(diagnostic, "PT_LOAD whose p_offset and p_vaddr differ modulo the page size");
        if (program_header.p_offset > file_size || program_header.p_filesz > file_size - program_header.p_offset)
            return refuse(diagnostic, "PT_LOAD past the end of the file");
    }
    u64 end = 0;
    if (program_header.p_memsz > ~u64(0) - program_header.p_vaddr ||
        !page_ceiling(program_header.p_vaddr + program_header.p_memsz, end))
        return refuse(diagnostic, "PT_LOAD wraps around the address space");
    u64 start = page_floor(program_header.p_vaddr);
    if (elf.segment_count > 0 && start < elf.span_end)
        return refuse(diagnostic, "PT_LOAD segments overlap (share a page) or are not in address order");
    if (elf.segment_count == max_load_segments) return refuse(diagnostic, "more than 32 PT_LOAD segments");

    if (elf.segment_count == 0) elf.span_start = start;
    elf.span_end = end;
    elf.segments[elf.segment_count++] = {program_header.p_vaddr, program_header.p_memsz, program_header.p_offset,
                                         program_header.p_filesz, program_header.p_flags};
    // As Linux's maximum_alignment(): power-of-two alignments only, at least a page.
    u64 align = program_header.p_align;
    if (align != 0 && (align & (align - 1)) == 0 && align > elf.alignment) elf.alignment = align;
    return ok();
}

// The segment whose file bytes hold [vaddr, vaddr + length), or null.
const LinkSegment* segment_holding(const ParsedElf& elf, u64 vaddr, u64 length) {
    for (usize i = 0; i < elf.segment_count; ++i) {
        const LinkSegment& segment = elf.segments[i];
        if (vaddr >= segment.vaddr && vaddr - segment.vaddr <= segment.filesz &&
            length <= segment.filesz - (vaddr - segment.vaddr))
            return &segment;
    }
    return nullptr;
}

Result<void> parse_elf(const ElfFile& file, ParsedElf& elf, ElfDiagnostic* diagnostic) {
    // A file shorter than the header is read as far as it goes (so a non-ELF file is
    // reported as such, not as truncated); the rest stays zero.
    u8 header_bytes[sizeof(abi::ElfHeader)] = {};
    usize header_length = file.size < sizeof header_bytes ? usize(file.size) : sizeof header_bytes;
    TRY(read_exact(file, 0, header_bytes, header_length, diagnostic));
    kstd::memcpy(&elf.header, header_bytes, sizeof header_bytes);
    TRY(check_identity(elf.header, file.size, diagnostic));

    // The program headers, a few at a time (the whole table may be 64 KiB).
    constexpr usize batch = 8;
    abi::ProgramHeader program_headers[batch];
    bool has_phdr_entry = false;
    u64 phdr_entry_vaddr = 0;
    for (usize first = 0; first < elf.header.e_phnum; first += batch) {
        usize count = elf.header.e_phnum - first < batch ? elf.header.e_phnum - first : batch;
        TRY(read_exact(file, elf.header.e_phoff + first * sizeof(abi::ProgramHeader), program_headers,
                       count * sizeof(abi::ProgramHeader), diagnostic));
        for (usize i = 0; i < count; ++i) {
            const abi::ProgramHeader& program_header = program_headers[i];
            switch (program_header.p_type) {
            case abi::pt_interp:
                return refuse(diagnostic, "dynamically linked (PT_INTERP): Newt runs static programs only");
            case abi::pt_load:
                TRY(add_load_segment(elf, program_header, file.size, diagnostic));
                break;
            case abi::pt_phdr:
                if (!has_phdr_entry) {
                    has_phdr_entry = true;
                    phdr_entry_vaddr = program_header.p_vaddr;
                }
                break;
            case abi::pt_gnu_stack:  // the last one counts, as in Linux
                elf.executable_stack = (program_header.p_flags & abi::pf_x) != 0;
                break;
            default:
                break;
            }
        }
    }
    if (elf.segment_count == 0) return refuse(diagnostic, "no PT_LOAD segment");

    // Newt's choice (Linux does not check): the entry point must be in the file bytes of an
    // executable segment, so a program that would fault on its first instruction fails
    // exec with ENOEXEC instead.
    const LinkSegment* entry_segment = segment_holding(elf, elf.header.e_entry, 1);
    if (!entry_segment || !(entry_segment->flags & abi::pf_x))
        return refuse(diagnostic, "the entry point is not in an executable segment");

    u64 table_bytes = u64(elf.header.e_phnum) * sizeof(abi::ProgramHeader);
    if (has_phdr_entry) {
        if (!segment_holding(elf, phdr_entry_vaddr, table_bytes))
            return refuse(diagnostic, "PT_PHDR is not inside a loaded segment");
        elf.has_program_headers = true;
        elf.program_headers = phdr_entry_vaddr;
    } else {
        for (usize i = 0; i < elf.segment_count; ++i) {
            const LinkSegment& segment = elf.segments[i];
            if (elf.header.e_phoff >= segment.offset && elf.header.e_phoff - segment.offset <= segment.filesz &&
                table_bytes <= segment.filesz - (elf.header.e_phoff - segment.offset)) {
                elf.has_program_headers = true;
                elf.program_headers = segment.vaddr + (elf.header.e_phoff - segment.offset);
                break;
            }
        }
    }
    return ok();
}

u32 protection_from_flags(u32 flags) {
    u32 protection = hal::prot_none;
    if (flags & abi::pf_r) protection |= hal::prot_read;
    if (flags & abi::pf_w) protection |= hal::prot_write;
    if (flags & abi::pf_x) protection |= hal::prot_exec;
    return protection;
}

}  // namespace

Result<LoadSpan> elf_load_span(ElfFile file, ElfDiagnostic* diagnostic) {
    ParsedElf elf;
    TRY(parse_elf(file, elf, diagnostic));
    return LoadSpan {elf.span_start, elf.span_end - elf.span_start, elf.alignment, elf.header.e_type == abi::et_dyn};
}

Result<LoadPlan> plan_elf_load(ElfFile file, uptr load_bias, ElfDiagnostic* diagnostic) {
    return plan_elf_load(file, load_bias, hal::user_space_start, hal::user_space_end, diagnostic);
}

Result<LoadPlan> plan_elf_load(ElfFile file, uptr load_bias, uptr user_start, uptr user_end,
                               ElfDiagnostic* diagnostic) {
    ParsedElf elf;
    TRY(parse_elf(file, elf, diagnostic));
    bool position_independent = elf.header.e_type == abi::et_dyn;
    if (!position_independent && load_bias != 0) return Errno::einval;
    if (page_offset(load_bias) != 0) return Errno::einval;

    // Every address below is inside [span_start, span_end], so checking the biased span
    // once covers them all.
    if (elf.span_start > ~u64(0) - load_bias || elf.span_end > ~u64(0) - load_bias)
        return refuse(diagnostic, "the load bias moves the program past the end of the address space");
    if (elf.span_start + load_bias < user_start || elf.span_end + load_bias > user_end)
        return refuse(diagnostic, "a segment lies outside the user address range");

    LoadPlan plan;
    plan.load_bias = load_bias;
    plan.position_independent = position_independent;
    plan.entry = elf.header.e_entry + load_bias;
    plan.program_headers = elf.has_program_headers ? elf.program_headers + load_bias : 0;
    plan.program_header_size = elf.header.e_phentsize;
    plan.program_header_count = elf.header.e_phnum;
    plan.brk_start = elf.span_end + load_bias;
    plan.executable_stack = elf.executable_stack;
    plan.segment_count = elf.segment_count;
    for (usize i = 0; i < elf.segment_count; ++i) {
        const LinkSegment& segment = elf.segments[i];
        u64 start = page_floor(segment.vaddr);
        u64 end = 0;
        page_ceiling(segment.vaddr + segment.memsz, end);  // checked in add_load_segment
        u64 lead = segment.vaddr - start;
        plan.segments[i] = LoadSegment {
            .start = start + load_bias,
            .length = end - start,
            .file_offset = segment.filesz == 0 ? 0 : segment.offset - lead,
            .file_bytes = segment.filesz == 0 ? 0 : lead + segment.filesz,
            .protection = protection_from_flags(segment.flags),
        };
    }
    return plan;
}

}  // namespace kernel
