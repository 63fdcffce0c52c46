// libFuzzer target: the exec building blocks of kernel/proc on arbitrary bytes. The first
// byte picks what the rest is:
//   0  an ELF file, followed by zeros up to 16 MiB (so real headers cut to a few KiB keep
//      their segments inside the file)
//   1  an ELF file of exactly the input's size
//   2  the first bytes of a "#!" script
//   3  an initial stack: [argv count][limit][stack top][16 random bytes] then the path,
//      argv and envp strings separated by NULs
// Besides the sanitizers' checks it traps when a result breaks a promise of the headers:
// a read outside the file, a plan whose segments overlap, leave the user range or hold the
// entry outside code; a script parse that differs from a transliteration of Linux's
// load_script(); a stack image that does not parse back to its inputs.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kernel/abi/auxv.h"
#include "kernel/hal/mmu.h"
#include "kernel/proc/elf_loader.h"
#include "kernel/proc/initial_stack.h"
#include "kernel/proc/script.h"

using namespace kernel;

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

constexpr u64 page = 4096;
constexpr u64 virtual_file_size = 16 * MiB;

void check_plan(const LoadPlan& plan, u64 file_size) {
    require(plan.segment_count >= 1 && plan.segment_count <= max_load_segments);
    bool entry_in_code = false;
    for (usize i = 0; i < plan.segment_count; ++i) {
        const LoadSegment& segment = plan.segments[i];
        require(segment.start % page == 0 && segment.length % page == 0 && segment.file_offset % page == 0);
        require(segment.length > 0 && segment.file_bytes <= segment.length);
        require(segment.start >= hal::user_space_start && segment.length <= hal::user_space_end - segment.start);
        if (segment.file_bytes > 0) require(segment.file_offset + segment.file_bytes <= file_size);
        if (i > 0) require(segment.start >= plan.segments[i - 1].start + plan.segments[i - 1].length);
        if ((segment.protection & hal::prot_exec) && plan.entry >= segment.start &&
            plan.entry < segment.start + segment.file_bytes)
            entry_in_code = true;
    }
    require(entry_in_code);
    const LoadSegment& last = plan.segments[plan.segment_count - 1];
    require(plan.brk_start == last.start + last.length);
    require(plan.program_header_size == 56 && plan.program_header_count >= 1);
}

void fuzz_elf(const u8* data, usize size, u64 file_size) {
    u64 bytes_read = 0;
    auto read = [&](u64 offset, void* buffer, usize length) -> Result<usize> {
        require(offset <= file_size && length <= file_size - offset);
        bytes_read += length;
        usize from_data = offset < size ? (length < size - offset ? length : size - offset) : 0;
        if (from_data) std::memcpy(buffer, data + offset, from_data);
        std::memset(static_cast<u8*>(buffer) + from_data, 0, length - from_data);
        return length;
    };
    ElfFile file {read, file_size};
    ElfDiagnostic why;
    auto span = elf_load_span(file, &why);
    require(bytes_read <= 64 + max_program_header_bytes);
    if (span.is_error()) {
        require(span.error() == Errno::enoexec && why.reason != nullptr);
        auto plan = plan_elf_load(file, 0);
        require(plan.is_error() && plan.error() == Errno::enoexec);
        return;
    }
    require(span->start % page == 0 && span->length % page == 0 && span->length > 0);
    require(span->alignment >= page && (span->alignment & (span->alignment - 1)) == 0);
    constexpr u64 base = 0x555555554000;
    u64 bias = span->position_independent && span->start < base ? base - span->start : 0;
    ElfDiagnostic plan_why;
    auto plan = plan_elf_load(file, bias, &plan_why);
    if (plan.is_error()) {
        // Only the biased range can fail now.
        require(plan.error() == Errno::enoexec && plan_why.reason != nullptr);
        u64 start = span->start + bias;
        require(start < hal::user_space_start || start > hal::user_space_end ||
                span->length > hal::user_space_end - start);
        return;
    }
    check_plan(plan.value(), file_size);
    require(plan->segments[0].start == span->start + bias);
    require(plan->brk_start == span->start + bias + span->length);
}

// Linux's load_script() line parsing (fs/binfmt_script.c), transliterated with pointers
// into a NUL-padded copy, as the reference for kernel/proc/script.
bool spacetab(char c) { return c == ' ' || c == '\t'; }
const char* next_non_spacetab(const char* first, const char* last) {
    for (; first <= last; first++)
        if (!spacetab(*first)) return first;
    return nullptr;
}
const char* next_terminator(const char* first, const char* last) {
    for (; first <= last; first++)
        if (spacetab(*first) || !*first) return first;
    return nullptr;
}
struct LinuxScript {
    int error = 0;  // 0, or ENOEXEC (8), or EACCES (13) for the empty path
    std::string name;
    bool has_argument = false;
    std::string argument;
};
LinuxScript linux_load_script(const u8* data, usize size) {
    char buf[256] = {};
    std::memcpy(buf, data, size < 256 ? size : 256);
    LinuxScript out;
    if (buf[0] != '#' || buf[1] != '!') return out.error = 8, out;
    const char* buf_end = buf + sizeof(buf) - 1;
    const char* i_end = static_cast<const char*>(std::memchr(buf, '\n', strnlen(buf, sizeof buf)));
    if (!i_end) {
        i_end = next_non_spacetab(buf + 2, buf_end);
        if (!i_end) return out.error = 8, out;
        if (!next_terminator(i_end, buf_end)) return out.error = 8, out;
        i_end = buf_end;
    }
    while (spacetab(i_end[-1])) i_end--;
    const char* i_name = next_non_spacetab(buf + 2, i_end);
    if (!i_name || (i_name == i_end)) return out.error = 8, out;
    const char* i_arg = nullptr;
    const char* i_sep = next_terminator(i_name, i_end);
    if (i_sep && (*i_sep != '\0')) i_arg = next_non_spacetab(i_sep, i_end);
    buf[i_end - buf] = '\0';
    if (i_arg) {
        buf[i_sep - buf] = '\0';
        out.has_argument = true;
        out.argument = i_arg;
    }
    out.name = i_name;
    if (out.name.empty()) out.error = 13;  // open_exec("") opens the current directory
    return out;
}

void fuzz_script(const u8* data, usize size) {
    auto result = parse_script_line(data, size);
    LinuxScript linux = linux_load_script(data, size);
    if (result.is_error()) {
        require(static_cast<int>(result.error()) == linux.error);
        return;
    }
    require(linux.error == 0);
    require(std::string(result->path.data(), result->path.length()) == linux.name);
    require(result->has_argument == linux.has_argument);
    require(std::string(result->argument.data(), result->argument.length()) == linux.argument);
    auto inside = [&](StringView view) {
        const char* begin = reinterpret_cast<const char*>(data);
        return view.length() == 0 || (view.data() >= begin && view.data() + view.length() <= begin + size);
    };
    require(inside(result->path) && inside(result->argument));
}

u64 word_at(const std::vector<u8>& image, u64 base, u64 address) {
    require(address >= base && address - base + 8 <= image.size());
    u64 value;
    std::memcpy(&value, image.data() + (address - base), 8);
    return value;
}

bool string_at(const std::vector<u8>& image, u64 base, u64 address, StringView expected) {
    if (address < base || address - base + expected.length() + 1 > image.size()) return false;
    const u8* text = image.data() + (address - base);
    return std::memcmp(text, expected.data(), expected.length()) == 0 && text[expected.length()] == 0;
}

void fuzz_stack(const u8* data, usize size) {
    if (size < 19) return;
    usize argument_count = data[0];
    u8 limit_code = data[1];
    u8 top_code = data[2];
    const u8* random = data + 3;
    std::vector<StringView> strings;
    const char* text = reinterpret_cast<const char*>(data + 19);
    usize length = size - 19, start = 0;
    for (usize i = 0; i <= length; ++i)
        if (i == length || text[i] == '\0') {
            strings.emplace_back(text + start, i - start);
            start = i + 1;
        }
    StringView path = strings[0];
    usize rest = strings.size() - 1;
    if (argument_count > rest) argument_count = rest;

    InitialStackSpec spec;
    spec.stack_top = top_code & 0x80 ? u64(top_code & 0x7f) << 12 : 0x7ffffffff000 - (u64(top_code) << 4);
    spec.arguments = strings.data() + 1;
    spec.argument_count = argument_count;
    spec.environment = strings.data() + 1 + argument_count;
    spec.environment_count = rest - argument_count;
    spec.executable_path = path;
    spec.argument_limit = limit_code < 32 ? usize(limit_code) * 16 : argument_space_limit(u64(limit_code) << 14);
    spec.random_bytes = random;
    spec.program_headers = 0x400040;
    spec.program_header_size = 56;
    spec.program_header_count = 7;
    spec.entry = 0x401000;
    spec.hwcap = 0x178bfbff;

    auto size_result = initial_stack_size(spec);
    std::vector<u8> image(size_result.is_error() ? 16 : size_result.value());
    auto built = build_initial_stack(spec, image.data(), image.size());
    if (size_result.is_error()) {
        require(built.is_error() && built.error() == size_result.error());
        require(built.error() == Errno::e2big || built.error() == Errno::einval);
        return;
    }
    require(!built.is_error());
    const InitialStack& stack = built.value();
    require(stack.size == image.size() && stack.stack_pointer + stack.size == spec.stack_top);
    require(stack.stack_pointer % 16 == 0);
    // Parse it back as a libc would.
    u64 base = stack.stack_pointer, slot = base;
    u64 argc = word_at(image, base, slot);
    require(argc == (argument_count ? argument_count : 1));
    slot += 8;
    for (u64 i = 0; i < argc; ++i, slot += 8)
        require(string_at(image, base, word_at(image, base, slot), argument_count ? spec.arguments[i] : StringView("", 0)));
    require(word_at(image, base, slot) == 0);
    slot += 8;
    for (u64 i = 0; i < spec.environment_count; ++i, slot += 8)
        require(string_at(image, base, word_at(image, base, slot), spec.environment[i]));
    require(word_at(image, base, slot) == 0);
    slot += 8;
    require(slot == stack.auxv);
    usize entries = 0;
    for (;; slot += 16, ++entries) {
        u64 key = word_at(image, base, slot), value = word_at(image, base, slot + 8);
        if (key == abi::at_null) break;
        if (key == abi::at_execfn) require(string_at(image, base, value, path));
        if (key == abi::at_platform) require(string_at(image, base, value, StringView("x86_64", 6)));
        if (key == abi::at_random) require(value >= base && value - base + 16 <= image.size() &&
                                           std::memcmp(image.data() + (value - base), random, 16) == 0);
    }
    require(entries + 1 == auxv_entry_count);
    require(word_at(image, base, spec.stack_top - 8) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    switch (data[0] % 4) {
    case 0: fuzz_elf(data + 1, size - 1, virtual_file_size); break;
    case 1: fuzz_elf(data + 1, size - 1, size - 1); break;
    case 2: fuzz_script(data + 1, size - 1); break;
    case 3: fuzz_stack(data + 1, size - 1); break;
    }
    return 0;
}
