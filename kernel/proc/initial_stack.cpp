#include "initial_stack.h"

#include "../abi/auxv.h"
#include "../lib/string.h"

namespace kernel {

namespace {

constexpr usize word = sizeof(u64);
constexpr usize random_byte_count = 16;
constexpr usize end_marker_bytes = word;
constexpr StringView empty_argument("", 0);

// Where everything goes, as distances below stack_top (the stack top is 16-byte aligned,
// so aligning a distance up aligns the address down).
struct Layout {
    usize argument_count;     // argc after the empty-argv rule
    usize executable_path;    // distance of the path's first byte
    usize environment_start;  // of envp[0]'s first byte
    usize arguments_start;    // of argv[0]'s first byte
    usize platform;
    usize random_bytes;
    usize vector_words;   // argc, argv, NULL, envp, NULL
    usize stack_pointer;  // = the image size
};

StringView argument_at(const InitialStackSpec& spec, usize index) {
    return spec.argument_count == 0 ? empty_argument : spec.arguments[index];
}

// Adds one string (and its NUL) to `total`, checking the per-string and total limits.
Result<void> count_string(StringView string, usize limit, usize& total) {
    for (usize i = 0; i < string.length(); ++i)
        if (string[i] == '\0') return Errno::einval;
    if (string.length() >= max_argument_string_bytes) return Errno::e2big;
    usize bytes = string.length() + 1;
    if (bytes > limit - total) return Errno::e2big;
    total += bytes;
    return ok();
}

Result<Layout> lay_out(const InitialStackSpec& spec) {
    if (spec.stack_top % 16 != 0 || spec.random_bytes == nullptr) return Errno::einval;
    if ((spec.argument_count > 0 && spec.arguments == nullptr) ||
        (spec.environment_count > 0 && spec.environment == nullptr))
        return Errno::einval;

    Layout layout {};
    layout.argument_count = spec.argument_count == 0 ? 1 : spec.argument_count;

    // Linux's accounting: the argv and envp pointers come off the limit first, then every
    // string (the path too) must fit in what is left.
    // A limit near 2^64 is clamped so that no sum below can overflow: everything is bounded
    // by the strings and pointers (at most the limit) plus a few hundred bytes.
    usize limit = spec.argument_limit < ~usize(0) / 4 ? spec.argument_limit : ~usize(0) / 4;
    usize pointers = 0;
    if (__builtin_add_overflow(layout.argument_count, spec.environment_count, &pointers) ||
        __builtin_mul_overflow(pointers, word, &pointers) || limit <= pointers)
        return Errno::e2big;
    usize string_limit = limit - pointers;

    usize path_bytes = 0, environment_bytes = 0, argument_bytes = 0;
    TRY(count_string(spec.executable_path, string_limit, path_bytes));
    usize total = path_bytes;
    for (usize i = 0; i < spec.environment_count; ++i) TRY(count_string(spec.environment[i], string_limit, total));
    environment_bytes = total - path_bytes;
    for (usize i = 0; i < layout.argument_count; ++i) TRY(count_string(argument_at(spec, i), string_limit, total));
    argument_bytes = total - path_bytes - environment_bytes;

    layout.executable_path = end_marker_bytes + path_bytes;
    layout.environment_start = layout.executable_path + environment_bytes;
    layout.arguments_start = layout.environment_start + argument_bytes;
    layout.platform = align_up(layout.arguments_start, usize(16)) + sizeof auxv_platform;
    layout.random_bytes = layout.platform + random_byte_count;
    // Linux's `sp` before rounding: the auxv right below the random bytes.
    usize unrounded_auxv = layout.random_bytes + auxv_entry_count * 2 * word;
    layout.vector_words = 1 + (layout.argument_count + 1) + (spec.environment_count + 1);
    // As Linux's STACK_ROUND: rsp is aligned down and the vectors follow it, so the gap this
    // leaves lies between the end of auxv and the random bytes.
    layout.stack_pointer = align_up(unrounded_auxv + layout.vector_words * word, usize(16));
    if (layout.stack_pointer > spec.stack_top) return Errno::einval;
    return layout;
}

class ImageWriter {
public:
    ImageWriter(u8* buffer, uptr base) : buffer_(buffer), base_(base) {}

    void word_at(uptr address, u64 value) { kstd::memcpy(buffer_ + (address - base_), &value, sizeof value); }
    void bytes_at(uptr address, const void* bytes, usize length) {
        if (length > 0) kstd::memcpy(buffer_ + (address - base_), bytes, length);
    }
    // Writes the string and its NUL at `address`; returns the address after it.
    uptr string_at(uptr address, StringView string) {
        bytes_at(address, string.data(), string.length());
        buffer_[address - base_ + string.length()] = 0;
        return address + string.length() + 1;
    }

private:
    u8* buffer_;
    uptr base_;
};

}  // namespace

usize argument_space_limit(u64 stack_rlimit) {
    u64 limit = default_stack_limit / 4 * 3;
    if (stack_rlimit / 4 < limit) limit = stack_rlimit / 4;
    if (limit < min_argument_space) limit = min_argument_space;
    return usize(limit);
}

Result<usize> initial_stack_size(const InitialStackSpec& spec) {
    Layout layout = TRY(lay_out(spec));
    return layout.stack_pointer;
}

Result<InitialStack> build_initial_stack(const InitialStackSpec& spec, u8* buffer, usize capacity) {
    Layout layout = TRY(lay_out(spec));
    if (capacity < layout.stack_pointer) return Errno::e2big;

    const uptr top = spec.stack_top;
    InitialStack stack;
    stack.stack_pointer = top - layout.stack_pointer;
    stack.size = layout.stack_pointer;
    stack.argument_count = layout.argument_count;
    stack.executable_path = top - layout.executable_path;
    stack.environment_start = top - layout.environment_start;
    stack.environment_end = stack.executable_path;
    stack.arguments_start = top - layout.arguments_start;
    stack.arguments_end = stack.environment_start;
    stack.platform = top - layout.platform;
    stack.random_bytes = top - layout.random_bytes;
    stack.auxv = stack.stack_pointer + layout.vector_words * word;

    // Padding and the end marker are zero.
    kstd::memset(buffer, 0, layout.stack_pointer);
    ImageWriter image(buffer, stack.stack_pointer);

    // argc, then argv and envp pointers to the strings as they are laid out.
    uptr slot = stack.stack_pointer;
    image.word_at(slot, layout.argument_count);
    slot += word;
    uptr string = stack.arguments_start;
    for (usize i = 0; i < layout.argument_count; ++i, slot += word) {
        image.word_at(slot, string);
        string = image.string_at(string, argument_at(spec, i));
    }
    slot += word;  // NULL
    for (usize i = 0; i < spec.environment_count; ++i, slot += word) {
        image.word_at(slot, string);
        string = image.string_at(string, spec.environment[i]);
    }
    slot += word;  // NULL
    image.string_at(stack.executable_path, spec.executable_path);
    image.bytes_at(stack.platform, auxv_platform, sizeof auxv_platform);
    image.bytes_at(stack.random_bytes, spec.random_bytes, random_byte_count);

    // The auxiliary vector in the order of Linux's create_elf_tables() on x86-64 (its
    // ARCH_DLINFO first, without AT_SYSINFO_EHDR: there is no vDSO; no AT_RSEQ_*: Newt has
    // no rseq).
    const u64 auxv[auxv_entry_count][2] = {
        {abi::at_minsigstksz, spec.minimum_signal_stack_size},
        {abi::at_hwcap, spec.hwcap},
        {abi::at_pagesz, auxv_page_size},
        {abi::at_clktck, auxv_clock_ticks},
        {abi::at_phdr, spec.program_headers},
        {abi::at_phent, spec.program_header_size},
        {abi::at_phnum, spec.program_header_count},
        {abi::at_base, 0},
        {abi::at_flags, 0},
        {abi::at_entry, spec.entry},
        {abi::at_uid, spec.uid},
        {abi::at_euid, spec.euid},
        {abi::at_gid, spec.gid},
        {abi::at_egid, spec.egid},
        {abi::at_secure, spec.secure ? 1u : 0u},
        {abi::at_random, stack.random_bytes},
        {abi::at_hwcap2, spec.hwcap2},
        {abi::at_execfn, stack.executable_path},
        {abi::at_platform, stack.platform},
        {abi::at_null, 0},
    };
    for (const auto& entry : auxv) {
        image.word_at(slot, entry[0]);
        image.word_at(slot + word, entry[1]);
        slot += 2 * word;
    }
    return stack;
}

}  // namespace kernel
