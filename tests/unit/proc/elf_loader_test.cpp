// kernel/proc/elf_loader: plans for real static programs (glibc static, glibc static-PIE,
// musl static) compared with what binutils' readelf says about the same files and with
// what the host's Linux really did when it ran them (AT_PHDR, AT_ENTRY, the program
// break); a hand-made ELF file broken in every way the loader must refuse; random
// corruption of real headers.
#include "kernel/proc/elf_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "host_programs.h"
#include "kernel/abi/auxv.h"
#include "kernel/abi/elf.h"
#include "kernel/hal/mmu.h"

namespace {

using namespace proc_test;
using kernel::Errno;
using kernel::LoadPlan;
using kernel::u64;
namespace abi = kernel::abi;

constexpr u64 page = 4096;
// Linux's user range on x86-64 (4-level paging): the host's programs live there.
constexpr u64 linux_user_start = 0x10000, linux_user_end = 0x7ffffffff000;
u64 floor_page(u64 value) { return value & ~(page - 1); }
u64 ceil_page(u64 value) { return (value + page - 1) & ~(page - 1); }

// The plan readelf's numbers call for, derived here independently of the loader.
LoadPlan expected_plan(const ReadelfView& view, u64 bias) {
    LoadPlan plan;
    plan.load_bias = bias;
    plan.entry = view.entry + bias;
    plan.program_header_size = view.phentsize;
    plan.program_header_count = view.phnum;
    plan.position_independent = view.type == "DYN";
    u64 end = 0;
    for (const auto& segment : view.segments) {
        if (segment.type == "GNU_STACK") plan.executable_stack = segment.flags.find('E') != std::string::npos;
        if (segment.type == "PHDR") plan.program_headers = segment.vaddr + bias;
        if (segment.type != "LOAD") continue;
        kernel::LoadSegment& out = plan.segments[plan.segment_count++];
        out.start = floor_page(segment.vaddr) + bias;
        out.length = ceil_page(segment.vaddr + segment.memsz) - floor_page(segment.vaddr);
        out.file_offset = segment.filesz ? segment.offset - segment.vaddr % page : 0;
        out.file_bytes = segment.filesz ? segment.vaddr % page + segment.filesz : 0;
        out.protection = (segment.flags.find('R') != std::string::npos ? u64(hal::prot_read) : 0) |
                         (segment.flags.find('W') != std::string::npos ? u64(hal::prot_write) : 0) |
                         (segment.flags.find('E') != std::string::npos ? u64(hal::prot_exec) : 0);
        end = std::max(end, ceil_page(segment.vaddr + segment.memsz));
    }
    if (plan.program_headers == 0) {
        for (const auto& segment : view.segments)
            if (segment.type == "LOAD" && view.phoff >= segment.offset &&
                view.phoff + view.phnum * view.phentsize <= segment.offset + segment.filesz) {
                plan.program_headers = segment.vaddr + (view.phoff - segment.offset) + bias;
                break;
            }
    }
    plan.brk_start = end + bias;
    return plan;
}

void expect_same_plan(const LoadPlan& actual, const LoadPlan& expected) {
    EXPECT_EQ(actual.load_bias, expected.load_bias);
    EXPECT_EQ(actual.entry, expected.entry);
    EXPECT_EQ(actual.program_headers, expected.program_headers);
    EXPECT_EQ(actual.program_header_size, expected.program_header_size);
    EXPECT_EQ(actual.program_header_count, expected.program_header_count);
    EXPECT_EQ(actual.brk_start, expected.brk_start);
    EXPECT_EQ(actual.executable_stack, expected.executable_stack);
    EXPECT_EQ(actual.position_independent, expected.position_independent);
    ASSERT_EQ(actual.segment_count, expected.segment_count);
    for (size_t i = 0; i < actual.segment_count; ++i) {
        SCOPED_TRACE("segment " + std::to_string(i));
        EXPECT_EQ(actual.segments[i].start, expected.segments[i].start);
        EXPECT_EQ(actual.segments[i].length, expected.segments[i].length);
        EXPECT_EQ(actual.segments[i].file_offset, expected.segments[i].file_offset);
        EXPECT_EQ(actual.segments[i].file_bytes, expected.segments[i].file_bytes);
        EXPECT_EQ(actual.segments[i].protection, expected.segments[i].protection);
    }
}

std::string program_or_fail(const char* path) {
    if (path[0] == '\0')
        ADD_FAILURE() << "musl-gcc was not found when the tests were built: run tools/install-deps (musl-tools)";
    return path;
}

// Plans `path` (with `bias` for a static-PIE), compares with readelf and returns the plan.
LoadPlan plan_and_compare(const std::string& path, u64 bias) {
    Bytes bytes = read_file(path);
    MemoryElf elf(bytes);
    kernel::ElfDiagnostic why;
    auto span = kernel::elf_load_span(elf.file(), &why);
    EXPECT_FALSE(span.is_error()) << why.reason;
    auto plan = kernel::plan_elf_load(elf.file(), bias, linux_user_start, linux_user_end, &why);
    EXPECT_FALSE(plan.is_error()) << (why.reason ? why.reason : kernel::errno_name(plan.error()));
    EXPECT_FALSE(elf.read_out_of_bounds);
    if (plan.is_error() || span.is_error()) return {};
    ReadelfView view = run_readelf(path);
    expect_same_plan(plan.value(), expected_plan(view, bias));
    EXPECT_EQ(span->start + bias, plan->segments[0].start);
    EXPECT_EQ(span->start + bias + span->length, plan->brk_start);
    EXPECT_EQ(span->position_independent, plan->position_independent);
    u64 alignment = page;
    for (const auto& segment : view.segments)
        if (segment.type == "LOAD" && std::has_single_bit(segment.align)) alignment = std::max(alignment, segment.align);
    EXPECT_EQ(span->alignment, alignment);
    return plan.value();
}

// The plan against what the host's Linux did with the same file: run it with a fixed
// layout, read AT_PHDR/AT_PHENT/AT_PHNUM/AT_ENTRY and the program break from its report.
void compare_with_host_exec(const std::string& path, bool position_independent) {
    RunResult run = run_program(path, {path}, {}, {.no_randomize = true});
    ASSERT_EQ(run.exec_errno, 0);
    ASSERT_EQ(run.exit_status, 0) << run.output;
    Report report = parse_report(run.output);
    Bytes bytes = read_file(path);
    MemoryElf elf(bytes);
    auto span = kernel::elf_load_span(elf.file());
    ASSERT_FALSE(span.is_error());
    ASSERT_EQ(span->position_independent, position_independent);
    abi::ElfHeader header;
    std::memcpy(&header, bytes.data(), sizeof header);
    u64 bias = position_independent ? *report.aux(abi::at_entry) - header.e_entry : 0;
    EXPECT_EQ(bias % page, 0u);
    auto plan = kernel::plan_elf_load(elf.file(), bias, linux_user_start, linux_user_end);
    ASSERT_FALSE(plan.is_error());
    EXPECT_EQ(report.aux(abi::at_phdr), plan->program_headers);
    EXPECT_EQ(report.aux(abi::at_phent), plan->program_header_size);
    EXPECT_EQ(report.aux(abi::at_phnum), plan->program_header_count);
    EXPECT_EQ(report.aux(abi::at_entry), plan->entry);
    // Linux moves a static-PIE's break away from the image (to ELF_ET_DYN_BASE); for a fixed
    // executable it starts where the plan says.
    if (!position_independent) {
        EXPECT_EQ(report.start_brk, plan->brk_start);
    }
}

TEST(ElfLoader, GlibcStaticMatchesReadelf) {
    LoadPlan plan = plan_and_compare(static_program, 0);
    EXPECT_FALSE(plan.position_independent);
    EXPECT_GE(plan.segment_count, 2u);
}

TEST(ElfLoader, GlibcStaticPieMatchesReadelfAtAnyBias) {
    for (u64 bias : {u64(0x10000), u64(0x555555554000), u64(0x7ffff7d00000)}) {
        SCOPED_TRACE(bias);
        LoadPlan plan = plan_and_compare(static_pie_program, bias);
        EXPECT_TRUE(plan.position_independent);
    }
}

TEST(ElfLoader, MuslStaticMatchesReadelf) {
    LoadPlan plan = plan_and_compare(program_or_fail(musl_program), 0);
    EXPECT_FALSE(plan.position_independent);
}

TEST(ElfLoader, PlansMatchWhatTheHostKernelDid) {
    {
        SCOPED_TRACE("glibc static");
        compare_with_host_exec(static_program, false);
    }
    {
        SCOPED_TRACE("glibc static-pie");
        compare_with_host_exec(static_pie_program, true);
    }
    {
        SCOPED_TRACE("musl static");
        compare_with_host_exec(program_or_fail(musl_program), false);
    }
}

TEST(ElfLoader, DynamicExecutableIsRefused) {
    Bytes bytes = read_file(dynamic_program);
    MemoryElf elf(bytes);
    kernel::ElfDiagnostic why;
    auto plan = kernel::plan_elf_load(elf.file(), 0x555555554000, &why);
    ASSERT_TRUE(plan.is_error());
    EXPECT_EQ(plan.error(), Errno::enoexec);
    ASSERT_NE(why.reason, nullptr);
    EXPECT_NE(std::string(why.reason).find("PT_INTERP"), std::string::npos);
}

TEST(ElfLoader, BiasRules) {
    Bytes pie = read_file(static_pie_program);
    MemoryElf pie_elf(pie);
    EXPECT_EQ(kernel::plan_elf_load(pie_elf.file(), 0x555555554001).error(), Errno::einval);  // unaligned
    // At bias 0 a static-PIE linked at 0 lies below the user range.
    EXPECT_EQ(kernel::plan_elf_load(pie_elf.file(), 0).error(), Errno::enoexec);
    // Past the end of the user range, and wrapping around 2^64.
    auto span = kernel::elf_load_span(pie_elf.file());
    ASSERT_FALSE(span.is_error());
    EXPECT_EQ(kernel::plan_elf_load(pie_elf.file(), hal::user_space_end - span->length + page).error(), Errno::enoexec);
    EXPECT_FALSE(kernel::plan_elf_load(pie_elf.file(), hal::user_space_end - span->length).is_error());
    EXPECT_EQ(kernel::plan_elf_load(pie_elf.file(), ~u64(0) - page + 1).error(), Errno::enoexec);

    Bytes fixed = read_file(static_program);
    MemoryElf fixed_elf(fixed);
    EXPECT_EQ(kernel::plan_elf_load(fixed_elf.file(), 0x1000).error(), Errno::einval);
}

// A small valid ET_EXEC built field by field: the headers and code in a read+execute
// segment at 0x400000, data and bss in a read+write segment, and a GNU_STACK entry.
struct TinyElf {
    abi::ElfHeader header {};
    std::vector<abi::ProgramHeader> program_headers;
    u64 file_size = 0x3000;

    TinyElf() {
        std::memcpy(header.e_ident, abi::elf_magic, 4);
        header.e_ident[abi::ei_class] = abi::elfclass64;
        header.e_ident[abi::ei_data] = abi::elfdata2lsb;
        header.e_ident[abi::ei_version] = abi::ev_current;
        header.e_type = abi::et_exec;
        header.e_machine = abi::em_x86_64;
        header.e_version = 1;
        header.e_entry = 0x401000;
        header.e_phoff = sizeof(abi::ElfHeader);
        header.e_ehsize = sizeof(abi::ElfHeader);
        header.e_phentsize = sizeof(abi::ProgramHeader);
        program_headers.push_back({abi::pt_load, abi::pf_r | abi::pf_x, 0, 0x400000, 0x400000, 0x1100, 0x1100, 0x1000});
        program_headers.push_back({abi::pt_load, abi::pf_r | abi::pf_w, 0x2000, 0x402000, 0x402000, 0x800, 0x5000, 0x1000});
        program_headers.push_back({abi::pt_gnu_stack, abi::pf_r | abi::pf_w, 0, 0, 0, 0, 0, 0x10});
    }

    Bytes bytes() {
        header.e_phnum = static_cast<std::uint16_t>(program_headers.size());
        u64 table_end = header.e_phoff + program_headers.size() * sizeof(abi::ProgramHeader);
        Bytes out(std::max(file_size, std::max<u64>(table_end, sizeof header)), 0);
        std::memcpy(out.data(), &header, sizeof header);
        if (!program_headers.empty() && header.e_phoff <= out.size())
            std::memcpy(out.data() + header.e_phoff, program_headers.data(),
                        std::min<u64>(program_headers.size() * sizeof(abi::ProgramHeader), out.size() - header.e_phoff));
        out.resize(file_size);
        return out;
    }
};

struct Outcome {
    kernel::Result<LoadPlan> plan = Errno::eio;
    std::string reason;
};

Outcome plan_bytes(const Bytes& bytes, u64 bias = 0) {
    MemoryElf elf(bytes);
    kernel::ElfDiagnostic why;
    Outcome outcome;
    outcome.plan = kernel::plan_elf_load(elf.file(), bias, &why);
    if (why.reason) outcome.reason = why.reason;
    EXPECT_FALSE(elf.read_out_of_bounds);
    return outcome;
}

void expect_refused(TinyElf elf, const char* reason_part) {
    Outcome outcome = plan_bytes(elf.bytes());
    ASSERT_TRUE(outcome.plan.is_error()) << "accepted; expected: " << reason_part;
    EXPECT_EQ(outcome.plan.error(), Errno::enoexec);
    EXPECT_NE(outcome.reason.find(reason_part), std::string::npos) << "reason: " << outcome.reason;
}

TEST(ElfLoader, TinyElfIsAccepted) {
    TinyElf elf;
    Outcome outcome = plan_bytes(elf.bytes());
    ASSERT_FALSE(outcome.plan.is_error()) << outcome.reason;
    const LoadPlan& plan = outcome.plan.value();
    EXPECT_EQ(plan.entry, 0x401000u);
    EXPECT_EQ(plan.program_headers, 0x400040u);  // no PT_PHDR: the segment holding e_phoff
    EXPECT_EQ(plan.program_header_count, 3);
    EXPECT_EQ(plan.brk_start, 0x407000u);
    EXPECT_FALSE(plan.executable_stack);
    ASSERT_EQ(plan.segment_count, 2u);
    EXPECT_EQ(plan.segments[0].start, 0x400000u);
    EXPECT_EQ(plan.segments[0].length, 0x2000u);
    EXPECT_EQ(plan.segments[0].file_offset, 0u);
    EXPECT_EQ(plan.segments[0].file_bytes, 0x1100u);
    EXPECT_EQ(plan.segments[0].protection, unsigned(hal::prot_read | hal::prot_exec));
    EXPECT_EQ(plan.segments[1].start, 0x402000u);
    EXPECT_EQ(plan.segments[1].length, 0x5000u);
    EXPECT_EQ(plan.segments[1].file_offset, 0x2000u);
    EXPECT_EQ(plan.segments[1].file_bytes, 0x800u);
    EXPECT_EQ(plan.segments[1].protection, unsigned(hal::prot_read | hal::prot_write));
}

TEST(ElfLoader, AcceptedVariants) {
    {
        SCOPED_TRACE("executable stack");
        TinyElf elf;
        elf.program_headers[2].p_flags |= abi::pf_x;
        EXPECT_TRUE(plan_bytes(elf.bytes()).plan->executable_stack);
    }
    {
        SCOPED_TRACE("no GNU_STACK: not executable (x86-64 Linux)");
        TinyElf elf;
        elf.program_headers.pop_back();
        EXPECT_FALSE(plan_bytes(elf.bytes()).plan->executable_stack);
    }
    {
        SCOPED_TRACE("the last GNU_STACK counts");
        TinyElf elf;
        elf.program_headers[2].p_flags |= abi::pf_x;
        elf.program_headers.push_back({abi::pt_gnu_stack, abi::pf_r | abi::pf_w, 0, 0, 0, 0, 0, 0x10});
        EXPECT_FALSE(plan_bytes(elf.bytes()).plan->executable_stack);
    }
    {
        SCOPED_TRACE("PT_PHDR gives AT_PHDR");
        TinyElf elf;
        elf.program_headers.insert(elf.program_headers.begin(),
                                   {abi::pt_phdr, abi::pf_r, 0x40, 0x400040, 0x400040, 4 * 56, 4 * 56, 8});
        auto outcome = plan_bytes(elf.bytes());
        ASSERT_FALSE(outcome.plan.is_error()) << outcome.reason;
        EXPECT_EQ(outcome.plan->program_headers, 0x400040u);
    }
    {
        SCOPED_TRACE("program headers in no segment: AT_PHDR 0");
        TinyElf elf;
        elf.header.e_phoff = 0x2900;  // after the data segment's file bytes
        elf.file_size = 0x3000;
        auto outcome = plan_bytes(elf.bytes());
        ASSERT_FALSE(outcome.plan.is_error()) << outcome.reason;
        EXPECT_EQ(outcome.plan->program_headers, 0u);
    }
    {
        SCOPED_TRACE("an empty PT_LOAD maps nothing and is not ordered");
        TinyElf elf;
        elf.program_headers.insert(elf.program_headers.begin() + 1,
                                   {abi::pt_load, abi::pf_r, 0, 0x100000, 0x100000, 0, 0, 0x1000});
        auto outcome = plan_bytes(elf.bytes());
        ASSERT_FALSE(outcome.plan.is_error()) << outcome.reason;
        EXPECT_EQ(outcome.plan->segment_count, 2u);
    }
    {
        SCOPED_TRACE("a segment with no file bytes: its p_offset does not matter (as Linux)");
        TinyElf elf;
        elf.program_headers[1].p_filesz = 0;
        elf.program_headers[1].p_offset = 0x123456789;  // past the end, not congruent
        auto outcome = plan_bytes(elf.bytes());
        ASSERT_FALSE(outcome.plan.is_error()) << outcome.reason;
        EXPECT_EQ(outcome.plan->segments[1].file_bytes, 0u);
        EXPECT_EQ(outcome.plan->segments[1].file_offset, 0u);
        EXPECT_EQ(outcome.plan->segments[1].length, 0x5000u);
    }
    {
        SCOPED_TRACE("1170 program headers (65520 bytes) is the most Linux reads");
        TinyElf elf;
        while (elf.program_headers.size() < 1170) elf.program_headers.push_back({abi::pt_note, 0, 0, 0, 0, 0, 0, 0});
        elf.header.e_phoff = 0x3000;
        elf.file_size = 0x3000 + 1170 * 56;
        auto outcome = plan_bytes(elf.bytes());
        ASSERT_FALSE(outcome.plan.is_error()) << outcome.reason;
        EXPECT_EQ(outcome.plan->program_header_count, 1170);
    }
    {
        SCOPED_TRACE("segments touching the ends of the user range");
        TinyElf elf;
        elf.program_headers[0].p_vaddr = hal::user_space_start;
        elf.program_headers[0].p_offset = 0;
        elf.header.e_entry = hal::user_space_start + 0x100;
        elf.program_headers[1].p_vaddr = hal::user_space_end - 0x5000;
        EXPECT_FALSE(plan_bytes(elf.bytes()).plan.is_error());
    }
    {
        SCOPED_TRACE("alignment of a static-PIE");
        TinyElf elf;
        elf.header.e_type = abi::et_dyn;
        elf.program_headers[0].p_vaddr = 0;
        elf.program_headers[0].p_align = 0x200000;
        elf.program_headers[1].p_vaddr = 0x2000;
        elf.program_headers[1].p_align = 0x300000;  // not a power of two: ignored
        elf.header.e_entry = 0x1000;
        Bytes bytes = elf.bytes();
        MemoryElf memory(bytes);
        auto span = kernel::elf_load_span(memory.file());
        ASSERT_FALSE(span.is_error());
        EXPECT_EQ(span->start, 0u);
        EXPECT_EQ(span->length, 0x7000u);
        EXPECT_EQ(span->alignment, 0x200000u);
        EXPECT_TRUE(span->position_independent);
        auto plan = plan_bytes(bytes, 0x10000000);
        ASSERT_FALSE(plan.plan.is_error()) << plan.reason;
        EXPECT_EQ(plan.plan->entry, 0x10001000u);
        EXPECT_EQ(plan.plan->program_headers, 0x10000040u);
        EXPECT_EQ(plan.plan->segments[1].start, 0x10002000u);
        EXPECT_EQ(plan.plan->brk_start, 0x10007000u);
    }
}

TEST(ElfLoader, RefusesBadIdentity) {
    TinyElf elf;
    elf.header.e_ident[0] = 0x7e;
    expect_refused(elf, "bad magic");
    elf = TinyElf();
    elf.header.e_ident[abi::ei_class] = 1;  // ELFCLASS32
    expect_refused(elf, "64-bit");
    elf = TinyElf();
    elf.header.e_ident[abi::ei_data] = 2;  // big-endian
    expect_refused(elf, "little-endian");
    elf = TinyElf();
    elf.header.e_ident[abi::ei_version] = 0;
    expect_refused(elf, "version");
    elf = TinyElf();
    elf.header.e_machine = 3;  // EM_386
    expect_refused(elf, "x86-64");
    for (std::uint16_t type : {abi::et_none, abi::et_rel, abi::et_core, std::uint16_t(0xfe00)}) {
        elf = TinyElf();
        elf.header.e_type = type;
        expect_refused(elf, "ET_EXEC");
    }
}

TEST(ElfLoader, RefusesBadProgramHeaderTables) {
    TinyElf elf;
    elf.header.e_phentsize = 32;
    expect_refused(elf, "entry size");
    elf = TinyElf();
    elf.header.e_phentsize = 64;
    expect_refused(elf, "entry size");
    elf = TinyElf();
    elf.program_headers.clear();
    expect_refused(elf, "no program headers");
    elf = TinyElf();
    while (elf.program_headers.size() < 1171) elf.program_headers.push_back({abi::pt_note, 0, 0, 0, 0, 0, 0, 0});
    elf.file_size = 0x20000;
    expect_refused(elf, "64 KiB");
    elf = TinyElf();
    while (elf.program_headers.size() < abi::pn_xnum) elf.program_headers.push_back({abi::pt_note, 0, 0, 0, 0, 0, 0, 0});
    elf.file_size = 0x400000;
    expect_refused(elf, "64 KiB");
    elf = TinyElf();
    elf.header.e_phoff = 0x3000;  // at the end of the file
    expect_refused(elf, "past the end of the file");
    elf = TinyElf();
    elf.header.e_phoff = 0x3000 - 2 * 56;  // the third header is cut off
    expect_refused(elf, "past the end of the file");
    elf = TinyElf();
    elf.header.e_phoff = ~u64(0) - 0x40;  // offset + size wraps around
    expect_refused(elf, "past the end of the file");
}

TEST(ElfLoader, RefusesDynamicAndEmptyPrograms) {
    TinyElf elf;
    elf.program_headers.insert(elf.program_headers.begin(), {abi::pt_interp, abi::pf_r, 0x200, 0x400200, 0x400200, 28, 28, 1});
    expect_refused(elf, "PT_INTERP");
    elf = TinyElf();
    elf.program_headers.erase(elf.program_headers.begin(), elf.program_headers.begin() + 2);
    expect_refused(elf, "no PT_LOAD");
    elf = TinyElf();
    elf.program_headers[0].p_memsz = elf.program_headers[0].p_filesz = 0;
    elf.program_headers[1].p_memsz = elf.program_headers[1].p_filesz = 0;
    expect_refused(elf, "no PT_LOAD");
    elf = TinyElf();
    elf.program_headers.clear();
    for (int i = 0; i < 33; ++i)
        elf.program_headers.push_back({abi::pt_load, abi::pf_r | abi::pf_x, 0, 0x400000 + u64(i) * 0x1000,
                                       0, 0x100, 0x100, 0x1000});
    elf.header.e_entry = 0x400010;
    expect_refused(elf, "more than 32");
}

TEST(ElfLoader, RefusesBadSegments) {
    TinyElf elf;
    elf.program_headers[1].p_filesz = elf.program_headers[1].p_memsz + 1;
    expect_refused(elf, "p_filesz > p_memsz");
    elf = TinyElf();
    elf.program_headers[1].p_offset = 0x2010;  // vaddr 0x402000: not congruent
    expect_refused(elf, "modulo the page size");
    elf = TinyElf();
    elf.program_headers[1].p_offset = 0x3000;  // 0x800 file bytes past the 0x3000-byte file
    expect_refused(elf, "past the end of the file");
    elf = TinyElf();
    elf.program_headers[1].p_filesz = ~u64(0) - 0x1000;
    elf.program_headers[1].p_memsz = ~u64(0);
    expect_refused(elf, "past the end of the file");
    elf = TinyElf();
    elf.program_headers[1].p_vaddr = 0x401800;  // overlaps the first segment's bytes
    elf.program_headers[1].p_offset = 0x1800;
    expect_refused(elf, "overlap");
    elf = TinyElf();
    elf.program_headers[1].p_vaddr = 0x401700;  // no byte in common, but page 0x401000
    elf.program_headers[1].p_offset = 0x1700;
    expect_refused(elf, "overlap");
    elf = TinyElf();
    std::swap(elf.program_headers[0], elf.program_headers[1]);  // descending addresses
    expect_refused(elf, "address order");
    elf = TinyElf();
    elf.program_headers[1].p_vaddr = 0xfffffffffffff000;
    elf.program_headers[1].p_offset = 0x2000;
    elf.program_headers[1].p_memsz = 0x2000;
    expect_refused(elf, "wraps around");
    elf = TinyElf();
    elf.program_headers[1].p_vaddr = 0xffffffffffffe000;
    elf.program_headers[1].p_memsz = 0x1fff;  // ends at 2^64 - 1: the page end is 2^64
    expect_refused(elf, "wraps around");
}

TEST(ElfLoader, RefusesSegmentsOutsideTheUserRange) {
    TinyElf elf;
    elf.program_headers[0].p_vaddr = hal::user_space_start - page;
    elf.header.e_entry = hal::user_space_start - page + 0x100;
    expect_refused(elf, "user address range");
    elf = TinyElf();
    elf.program_headers[1].p_vaddr = hal::user_space_end - 0x4000;  // 0x5000 bytes of memory
    expect_refused(elf, "user address range");
    elf = TinyElf();
    elf.program_headers[1].p_vaddr = 0xffff800000000000;  // the kernel half
    expect_refused(elf, "user address range");
}

TEST(ElfLoader, RefusesEntryOutsideExecutableCode) {
    TinyElf elf;
    elf.header.e_entry = 0x402100;  // in the data segment
    expect_refused(elf, "entry point");
    elf = TinyElf();
    elf.header.e_entry = 0x403000;  // in the data segment's bss
    expect_refused(elf, "entry point");
    elf = TinyElf();
    elf.header.e_entry = 0x401100;  // one past the code's file bytes
    expect_refused(elf, "entry point");
    elf = TinyElf();
    elf.header.e_entry = 0x10000000;  // in no segment
    expect_refused(elf, "entry point");
    elf = TinyElf();
    elf.header.e_entry = 0x4010ff;  // the last byte of code is fine
    EXPECT_FALSE(plan_bytes(elf.bytes()).plan.is_error());
}

TEST(ElfLoader, RefusesProgramHeaderEntryOutsideTheImage) {
    TinyElf elf;
    elf.program_headers.insert(elf.program_headers.begin(), {abi::pt_phdr, abi::pf_r, 0x40, 0x500000, 0x500000, 4 * 56, 4 * 56, 8});
    expect_refused(elf, "PT_PHDR");
    elf = TinyElf();  // the table would run past the segment's file bytes
    elf.program_headers.insert(elf.program_headers.begin(), {abi::pt_phdr, abi::pf_r, 0x40, 0x4010f0, 0x4010f0, 4 * 56, 4 * 56, 8});
    expect_refused(elf, "PT_PHDR");
}

TEST(ElfLoader, ShortFilesAndReaderErrors) {
    TinyElf elf;
    Bytes bytes = elf.bytes();
    for (size_t size : {size_t(0), size_t(3), size_t(4), size_t(63)}) {
        Bytes cut(bytes.begin(), bytes.begin() + size);
        Outcome outcome = plan_bytes(cut);
        ASSERT_TRUE(outcome.plan.is_error());
        EXPECT_EQ(outcome.plan.error(), Errno::enoexec);
        EXPECT_NE(outcome.reason.find(size < 4 ? "magic" : "truncated"), std::string::npos) << outcome.reason;
    }
    // The reader's own error passes through.
    MemoryElf failing(bytes);
    failing.fail_reads = true;
    EXPECT_EQ(kernel::plan_elf_load(failing.file(), 0).error(), Errno::eio);
    // A file that is shorter than its size says.
    auto read_only_the_header = [&](u64 offset, void* buffer, kernel::usize length) -> kernel::Result<kernel::usize> {
        if (offset >= 64) return kernel::usize(0);
        std::memcpy(buffer, bytes.data() + offset, length);
        return length;
    };
    kernel::ElfFile lying {read_only_the_header, bytes.size()};
    kernel::ElfDiagnostic why;
    EXPECT_EQ(kernel::plan_elf_load(lying, 0, &why).error(), Errno::enoexec);
    EXPECT_NE(std::string(why.reason).find("shorter"), std::string::npos);
}

// The loader reads only the ELF header and the program header table.
TEST(ElfLoader, ReadsOnlyTheHeaders) {
    Bytes bytes = read_file(static_program);
    MemoryElf elf(bytes);
    ASSERT_FALSE(kernel::plan_elf_load(elf.file(), 0).is_error());
    abi::ElfHeader header;
    std::memcpy(&header, bytes.data(), sizeof header);
    EXPECT_EQ(elf.bytes_read, sizeof header + header.e_phnum * sizeof(abi::ProgramHeader));
}

// Random corruption of real headers: every outcome is either a clean error or a plan that
// keeps every promise of elf_loader.h.
TEST(ElfLoader, RandomCorruptionGivesCleanResults) {
    std::mt19937_64 random(12345);
    int accepted = 0, refused = 0;
    for (const char* path : {static_program, static_pie_program}) {
        Bytes original = read_file(path);
        abi::ElfHeader header;
        std::memcpy(&header, original.data(), sizeof header);
        size_t header_bytes = header.e_phoff + header.e_phnum * sizeof(abi::ProgramHeader);
        for (int round = 0; round < 3000; ++round) {
            Bytes bytes = original;
            int flips = 1 + random() % 4;
            for (int i = 0; i < flips; ++i) {
                size_t at = random() % header_bytes;
                bytes[at] = random() % 3 == 0 ? 0xff : static_cast<std::uint8_t>(random());
            }
            u64 bias = random() % 2 ? 0 : 0x555555554000;
            MemoryElf elf(bytes);
            auto plan = kernel::plan_elf_load(elf.file(), bias);
            ASSERT_FALSE(elf.read_out_of_bounds);
            if (plan.is_error()) {
                EXPECT_TRUE(plan.error() == Errno::enoexec || plan.error() == Errno::einval);
                ++refused;
                continue;
            }
            ++accepted;
            const LoadPlan& p = plan.value();
            ASSERT_GE(p.segment_count, 1u);
            bool entry_in_code = false;
            for (size_t i = 0; i < p.segment_count; ++i) {
                const auto& s = p.segments[i];
                EXPECT_EQ(s.start % page, 0u);
                EXPECT_EQ(s.length % page, 0u);
                EXPECT_EQ(s.file_offset % page, 0u);
                EXPECT_GT(s.length, 0u);
                EXPECT_LE(s.file_bytes, s.length);
                EXPECT_GE(s.start, hal::user_space_start);
                EXPECT_LE(s.start + s.length, hal::user_space_end);
                if (s.file_bytes) {
                    EXPECT_LE(s.file_offset + s.file_bytes, bytes.size());
                }
                if (i > 0) {
                    EXPECT_GE(s.start, p.segments[i - 1].start + p.segments[i - 1].length);
                }
                if ((s.protection & hal::prot_exec) && p.entry >= s.start && p.entry < s.start + s.file_bytes)
                    entry_in_code = true;
            }
            EXPECT_TRUE(entry_in_code);
            EXPECT_EQ(p.brk_start, p.segments[p.segment_count - 1].start + p.segments[p.segment_count - 1].length);
        }
    }
    EXPECT_GT(accepted, 100);
    EXPECT_GT(refused, 100);
    std::printf("random corruption: %d plans, %d refusals\n", accepted, refused);
}

}  // namespace
