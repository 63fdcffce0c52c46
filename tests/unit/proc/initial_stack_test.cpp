// kernel/proc/initial_stack: images parsed back the way a libc's start code reads them
// (argc, argv, envp, auxv), every value, alignment and the order of the strings; the limits
// (E2BIG at Linux's boundaries, checked against the host kernel's execve); and a byte-for-
// byte comparison with the stack the host's Linux builds for the same program, arguments
// and environment (run with a fixed layout).
#include "kernel/proc/initial_stack.h"

#include <gtest/gtest.h>

#include <asm/hwcap2.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "host_programs.h"
#include "kernel/abi/auxv.h"
#include "kernel/proc/elf_loader.h"

namespace {

using namespace proc_test;
using kernel::Errno;
using kernel::InitialStack;
using kernel::InitialStackSpec;
using kernel::StringView;
using kernel::u64;
namespace abi = kernel::abi;

constexpr u64 default_top = 0x7ffffffff000;

// Owns the strings a spec points to.
struct Strings {
    std::vector<std::string> arguments, environment;
    std::string path = "/bin/program";
    std::vector<StringView> argument_views, environment_views;
    std::uint8_t random[16];

    Strings(std::vector<std::string> arguments, std::vector<std::string> environment)
        : arguments(std::move(arguments)), environment(std::move(environment)) {
        for (int i = 0; i < 16; ++i) random[i] = static_cast<std::uint8_t>(0xa0 + i);
    }

    InitialStackSpec spec(u64 top = default_top) {
        argument_views.clear();
        environment_views.clear();
        for (auto& s : arguments) argument_views.emplace_back(s.data(), s.size());
        for (auto& s : environment) environment_views.emplace_back(s.data(), s.size());
        InitialStackSpec spec;
        spec.stack_top = top;
        spec.arguments = argument_views.data();
        spec.argument_count = argument_views.size();
        spec.environment = environment_views.data();
        spec.environment_count = environment_views.size();
        spec.executable_path = StringView(path.data(), path.size());
        spec.argument_limit = kernel::argument_space_limit(kernel::default_stack_limit);
        spec.random_bytes = random;
        spec.program_headers = 0x400040;
        spec.program_header_size = 56;
        spec.program_header_count = 10;
        spec.entry = 0x401520;
        spec.uid = 1000;
        spec.euid = 1001;
        spec.gid = 100;
        spec.egid = 101;
        spec.secure = true;
        spec.hwcap = 0x178bfbff;
        spec.hwcap2 = HWCAP2_FSGSBASE;
        spec.minimum_signal_stack_size = 3632;
        return spec;
    }
};

// The image as a program sees it at its addresses.
struct Image {
    Bytes bytes;
    u64 base, top;

    u64 word(u64 address) const {
        EXPECT_TRUE(address >= base && address + 8 <= top) << std::hex << address;
        if (address < base || address + 8 > top) return 0;
        u64 value;
        std::memcpy(&value, bytes.data() + (address - base), 8);
        return value;
    }
    std::string string(u64 address) const {
        std::string out;
        for (u64 a = address; a >= base && a < top; ++a) {
            char c = static_cast<char>(bytes[a - base]);
            if (c == 0) return out;
            out += c;
        }
        ADD_FAILURE() << "unterminated string at " << std::hex << address;
        return out;
    }
};

// What a libc's _start finds.
struct Parsed {
    u64 argc = 0;
    std::vector<u64> argument_pointers, environment_pointers;
    std::vector<std::string> arguments, environment;
    std::vector<std::pair<u64, u64>> auxv;  // AT_NULL excluded
    u64 auxv_address = 0;
    u64 end_of_vectors = 0;  // one past AT_NULL

    u64 aux(u64 key) const {
        for (auto [k, v] : auxv)
            if (k == key) return v;
        ADD_FAILURE() << "no auxv entry " << key;
        return 0;
    }
};

Parsed parse(const Image& image, u64 rsp) {
    Parsed parsed;
    u64 slot = rsp;
    parsed.argc = image.word(slot);
    slot += 8;
    for (u64 i = 0; i < parsed.argc; ++i, slot += 8) {
        parsed.argument_pointers.push_back(image.word(slot));
        parsed.arguments.push_back(image.string(image.word(slot)));
    }
    EXPECT_EQ(image.word(slot), 0u) << "argv is not NULL-terminated";
    slot += 8;
    for (; image.word(slot) != 0 && slot < image.top; slot += 8) {
        parsed.environment_pointers.push_back(image.word(slot));
        parsed.environment.push_back(image.string(image.word(slot)));
    }
    slot += 8;
    parsed.auxv_address = slot;
    for (; slot + 16 <= image.top; slot += 16) {
        u64 key = image.word(slot);
        if (key == abi::at_null) {
            EXPECT_EQ(image.word(slot + 8), 0u);
            break;
        }
        parsed.auxv.emplace_back(key, image.word(slot + 8));
    }
    parsed.end_of_vectors = slot + 16;
    return parsed;
}

Image build(const InitialStackSpec& spec, InitialStack& stack) {
    auto size = kernel::initial_stack_size(spec);
    EXPECT_FALSE(size.is_error());
    Bytes buffer(size.value_or(0) + 64, 0xcc);
    auto built = kernel::build_initial_stack(spec, buffer.data(), buffer.size());
    EXPECT_FALSE(built.is_error()) << kernel::errno_name(built.error());
    if (built.is_error()) return {};
    stack = built.value();
    EXPECT_EQ(stack.size, size.value());
    EXPECT_TRUE(std::all_of(buffer.begin() + stack.size, buffer.end(), [](std::uint8_t b) { return b == 0xcc; }))
        << "wrote past the image";
    buffer.resize(stack.size);
    return Image {buffer, stack.stack_pointer, spec.stack_top};
}

const std::vector<u64> linux_auxv_order = {
    abi::at_minsigstksz, abi::at_hwcap, abi::at_pagesz, abi::at_clktck, abi::at_phdr,
    abi::at_phent, abi::at_phnum, abi::at_base, abi::at_flags, abi::at_entry,
    abi::at_uid, abi::at_euid, abi::at_gid, abi::at_egid, abi::at_secure,
    abi::at_random, abi::at_hwcap2, abi::at_execfn, abi::at_platform,
};

TEST(InitialStack, ParsesBackLikeALibc) {
    Strings strings({"program", "-x", "hello world", ""}, {"HOME=/root", "PATH=/bin:/usr/bin", "EMPTY="});
    InitialStackSpec spec = strings.spec();
    InitialStack stack;
    Image image = build(spec, stack);
    ASSERT_FALSE(image.bytes.empty());

    EXPECT_EQ(stack.stack_pointer % 16, 0u);
    EXPECT_EQ(stack.stack_pointer + stack.size, default_top);
    Parsed parsed = parse(image, stack.stack_pointer);
    EXPECT_EQ(parsed.argc, 4u);
    EXPECT_EQ(stack.argument_count, 4u);
    EXPECT_EQ(parsed.arguments, strings.arguments);
    EXPECT_EQ(parsed.environment, strings.environment);

    // The auxiliary vector: Linux's keys in Linux's order, each value.
    std::vector<u64> keys;
    for (auto [key, value] : parsed.auxv) keys.push_back(key);
    EXPECT_EQ(keys, linux_auxv_order);
    EXPECT_EQ(parsed.aux(abi::at_minsigstksz), 3632u);
    EXPECT_EQ(parsed.aux(abi::at_hwcap), 0x178bfbffu);
    EXPECT_EQ(parsed.aux(abi::at_pagesz), 4096u);
    EXPECT_EQ(parsed.aux(abi::at_clktck), 100u);
    EXPECT_EQ(parsed.aux(abi::at_phdr), 0x400040u);
    EXPECT_EQ(parsed.aux(abi::at_phent), 56u);
    EXPECT_EQ(parsed.aux(abi::at_phnum), 10u);
    EXPECT_EQ(parsed.aux(abi::at_base), 0u);
    EXPECT_EQ(parsed.aux(abi::at_flags), 0u);
    EXPECT_EQ(parsed.aux(abi::at_entry), 0x401520u);
    EXPECT_EQ(parsed.aux(abi::at_uid), 1000u);
    EXPECT_EQ(parsed.aux(abi::at_euid), 1001u);
    EXPECT_EQ(parsed.aux(abi::at_gid), 100u);
    EXPECT_EQ(parsed.aux(abi::at_egid), 101u);
    EXPECT_EQ(parsed.aux(abi::at_secure), 1u);
    EXPECT_EQ(parsed.aux(abi::at_hwcap2), u64(HWCAP2_FSGSBASE));
    EXPECT_EQ(image.string(parsed.aux(abi::at_execfn)), "/bin/program");
    EXPECT_EQ(image.string(parsed.aux(abi::at_platform)), "x86_64");
    u64 random = parsed.aux(abi::at_random);
    ASSERT_TRUE(random >= image.base && random + 16 <= image.top);
    EXPECT_EQ(std::memcmp(image.bytes.data() + (random - image.base), strings.random, 16), 0);

    // The reported addresses.
    EXPECT_EQ(stack.auxv, parsed.auxv_address);
    EXPECT_EQ(stack.random_bytes, random);
    EXPECT_EQ(stack.platform, parsed.aux(abi::at_platform));
    EXPECT_EQ(stack.executable_path, parsed.aux(abi::at_execfn));

    // From the top down: 8 zero bytes, the path, envp strings, argv strings, each list in
    // order and packed; then (16-aligned) the platform string and the random bytes.
    EXPECT_EQ(image.word(default_top - 8), 0u);
    EXPECT_EQ(stack.executable_path + strings.path.size() + 1, default_top - 8);
    u64 expected = stack.arguments_start;
    for (size_t i = 0; i < strings.arguments.size(); ++i) {
        EXPECT_EQ(parsed.argument_pointers[i], expected);
        expected += strings.arguments[i].size() + 1;
    }
    EXPECT_EQ(expected, stack.arguments_end);
    EXPECT_EQ(expected, stack.environment_start);
    for (size_t i = 0; i < strings.environment.size(); ++i) {
        EXPECT_EQ(parsed.environment_pointers[i], expected);
        expected += strings.environment[i].size() + 1;
    }
    EXPECT_EQ(expected, stack.environment_end);
    EXPECT_EQ(expected, stack.executable_path);
    EXPECT_EQ(stack.platform + 7, stack.arguments_start & ~u64(15));
    EXPECT_EQ(random + 16, stack.platform);
    // Between the auxv and the random bytes only zero padding, less than 16 bytes of it.
    EXPECT_LE(parsed.end_of_vectors, random);
    EXPECT_LT(random - parsed.end_of_vectors, 16u);
    for (u64 a = parsed.end_of_vectors; a < random; ++a) EXPECT_EQ(image.bytes[a - image.base], 0);
    for (u64 a = stack.platform + 7; a < stack.arguments_start; ++a) EXPECT_EQ(image.bytes[a - image.base], 0);
}

// Every combination of counts and string lengths keeps rsp aligned, the padding zero and the
// parse exact.
TEST(InitialStack, AlignmentForManyShapes) {
    for (size_t argc = 0; argc <= 5; ++argc)
        for (size_t envc = 0; envc <= 4; ++envc)
            for (size_t length = 0; length <= 17; ++length) {
                std::vector<std::string> arguments, environment;
                for (size_t i = 0; i < argc; ++i) arguments.push_back(std::string(length + i, char('a' + i)));
                for (size_t i = 0; i < envc; ++i) environment.push_back("V" + std::to_string(i) + "=" + std::string(length, 'x'));
                Strings strings(arguments, environment);
                strings.path = std::string(length, 'p');
                for (u64 top : {default_top, u64(0x7f0000000000), u64(0x10000000)}) {
                    SCOPED_TRACE(testing::Message() << argc << " " << envc << " " << length << " " << top);
                    InitialStack stack;
                    Image image = build(strings.spec(top), stack);
                    ASSERT_FALSE(image.bytes.empty());
                    ASSERT_EQ(stack.stack_pointer % 16, 0u);
                    Parsed parsed = parse(image, stack.stack_pointer);
                    if (argc == 0) {
                        EXPECT_EQ(parsed.arguments, std::vector<std::string>{""});  // Linux 5.18+
                    } else {
                        EXPECT_EQ(parsed.arguments, arguments);
                    }
                    EXPECT_EQ(parsed.environment, environment);
                    EXPECT_EQ(parsed.auxv.size() + 1, kernel::auxv_entry_count);
                    EXPECT_EQ(image.string(parsed.aux(abi::at_execfn)), strings.path);
                }
            }
}

TEST(InitialStack, ArgumentSpaceLimitFollowsLinux) {
    EXPECT_EQ(kernel::argument_space_limit(8 * 1024 * 1024), 2u * 1024 * 1024);
    EXPECT_EQ(kernel::argument_space_limit(1024 * 1024), 256u * 1024);
    EXPECT_EQ(kernel::argument_space_limit(64 * 1024), 128u * 1024);   // at least 32 pages
    EXPECT_EQ(kernel::argument_space_limit(100 * 1024 * 1024), 6u * 1024 * 1024);  // at most 3/4 of 8 MiB
    EXPECT_EQ(kernel::argument_space_limit(RLIM_INFINITY), 6u * 1024 * 1024);
}

TEST(InitialStack, LimitsAndErrors) {
    Strings strings({"a", "bb"}, {"C=3"});
    InitialStackSpec spec = strings.spec();
    // Strings (path, argv, envp, NULs included) plus the argv and envp pointers.
    u64 needed = (strings.path.size() + 1) + 2 + 3 + 4 + 3 * 8;
    spec.argument_limit = needed;
    EXPECT_FALSE(kernel::initial_stack_size(spec).is_error());
    spec.argument_limit = needed - 1;
    EXPECT_EQ(kernel::initial_stack_size(spec).error(), Errno::e2big);
    spec.argument_limit = 3 * 8;  // only the pointers
    EXPECT_EQ(kernel::initial_stack_size(spec).error(), Errno::e2big);
    spec.argument_limit = ~kernel::usize(0);  // no overflow with a huge limit
    EXPECT_FALSE(kernel::initial_stack_size(spec).is_error());

    // One string of MAX_ARG_STRLEN bytes with its NUL is the longest.
    Strings big({"x", std::string(kernel::max_argument_string_bytes - 1, 'y')}, {});
    EXPECT_FALSE(kernel::initial_stack_size(big.spec()).is_error());
    big.arguments[1] += 'y';
    EXPECT_EQ(kernel::initial_stack_size(big.spec()).error(), Errno::e2big);
    Strings big_environment({"x"}, {std::string(kernel::max_argument_string_bytes, 'e')});
    EXPECT_EQ(kernel::initial_stack_size(big_environment.spec()).error(), Errno::e2big);
    Strings big_path({"x"}, {});
    big_path.path = std::string(kernel::max_argument_string_bytes, 'p');
    EXPECT_EQ(kernel::initial_stack_size(big_path.spec()).error(), Errno::e2big);

    // A NUL inside a string, an unaligned or too low stack top, no random bytes.
    Strings nul({std::string("a\0b", 3)}, {});
    EXPECT_EQ(kernel::initial_stack_size(nul.spec()).error(), Errno::einval);
    EXPECT_EQ(kernel::initial_stack_size(strings.spec(default_top - 8)).error(), Errno::einval);
    EXPECT_EQ(kernel::initial_stack_size(strings.spec(0x100)).error(), Errno::einval);
    InitialStackSpec no_random = strings.spec();
    no_random.random_bytes = nullptr;
    EXPECT_EQ(kernel::initial_stack_size(no_random).error(), Errno::einval);

    // The buffer: exactly the size is enough, a byte less is E2BIG.
    InitialStackSpec fine = strings.spec();
    kernel::usize size = kernel::initial_stack_size(fine).value();
    Bytes buffer(size);
    EXPECT_FALSE(kernel::build_initial_stack(fine, buffer.data(), size).is_error());
    EXPECT_EQ(kernel::build_initial_stack(fine, buffer.data(), size - 1).error(), Errno::e2big);
}

// The host kernel draws E2BIG where the builder does: per string (MAX_ARG_STRLEN) and for
// the total under a 1 MiB stack limit (256 KiB of strings and pointers).
TEST(InitialStack, E2bigBoundariesMatchTheHostKernel) {
    const std::string path = static_program;
    auto both = [&](const std::vector<std::string>& arguments, const std::vector<std::string>& environment,
                    u64 stack_rlimit) {
        RunResult run = run_program(path, arguments, environment, {.stack_rlimit = stack_rlimit});
        Strings strings(arguments, environment);
        strings.path = path;
        InitialStackSpec spec = strings.spec();
        spec.argument_limit = kernel::argument_space_limit(stack_rlimit);
        auto ours = kernel::initial_stack_size(spec);
        int our_errno = ours.is_error() ? static_cast<int>(ours.error()) : 0;
        EXPECT_EQ(errno_name(our_errno), errno_name(run.exec_errno));
        return run.exec_errno;
    };
    const u64 rlimit = 1024 * 1024;
    EXPECT_EQ(both({path, std::string(kernel::max_argument_string_bytes - 1, 'a')}, {}, rlimit), 0);
    EXPECT_EQ(both({path, std::string(kernel::max_argument_string_bytes, 'a')}, {}, rlimit), E2BIG);
    EXPECT_EQ(both({path}, {std::string(kernel::max_argument_string_bytes, 'e')}, rlimit), E2BIG);

    // Exactly at the limit, and one byte over it.
    kernel::usize limit = kernel::argument_space_limit(rlimit);
    kernel::usize fixed = 2 * (path.size() + 1) + 4 * 8;  // path twice (AT_EXECFN, argv[0]), 4 pointers
    kernel::usize rest = limit - fixed - 3;                // three more strings and their NULs
    std::string a(100000, 'a'), b(100000, 'b'), c(rest - 200000, 'c');
    EXPECT_EQ(both({path, a, b}, {c}, rlimit), 0);
    EXPECT_EQ(both({path, a, b}, {c + "c"}, rlimit), E2BIG);
}

// The host's Linux builds the same stack: run the report program with a fixed layout, then
// build Newt's image for the same top, strings, random bytes and ids, and compare.
void compare_with_host_stack(const std::string& path) {
    std::vector<std::string> arguments = {path, "one", "", "three words", std::string(300, 'x')};
    std::vector<std::string> environment = {"A=1", "HOME=/root", "EMPTY=", "LONG=" + std::string(77, 'l')};
    RunResult run = run_program(path, arguments, environment, {.no_randomize = true});
    ASSERT_EQ(run.exec_errno, 0);
    ASSERT_EQ(run.exit_status, 0);
    Report host = parse_report(run.output);
    ASSERT_EQ(host.stack.size(), host.stack_top - host.rsp);
    ASSERT_EQ(host.arguments, arguments);
    ASSERT_EQ(host.environment, environment);

    Bytes program = read_file(path);
    MemoryElf elf(program);
    auto plan = kernel::plan_elf_load(elf.file(), 0);
    ASSERT_FALSE(plan.is_error());

    Strings strings(arguments, environment);
    strings.path = path;
    u64 random = *host.aux(abi::at_random);
    std::memcpy(strings.random, host.stack.data() + (random - host.rsp), 16);
    InitialStackSpec spec = strings.spec(host.stack_top);
    spec.program_headers = plan->program_headers;
    spec.program_header_size = plan->program_header_size;
    spec.program_header_count = plan->program_header_count;
    spec.entry = plan->entry;
    spec.uid = *host.aux(abi::at_uid);
    spec.euid = *host.aux(abi::at_euid);
    spec.gid = *host.aux(abi::at_gid);
    spec.egid = *host.aux(abi::at_egid);
    spec.secure = *host.aux(abi::at_secure);
    spec.hwcap = *host.aux(abi::at_hwcap);
    spec.hwcap2 = *host.aux(abi::at_hwcap2);
    spec.minimum_signal_stack_size = *host.aux(abi::at_minsigstksz);
    InitialStack stack;
    Image ours = build(spec, stack);
    ASSERT_FALSE(ours.bytes.empty());
    Image theirs {host.stack, host.rsp, host.stack_top};

    // Strings, platform and random bytes: the same bytes at the same addresses.
    EXPECT_EQ(stack.random_bytes, random);
    ASSERT_GE(stack.random_bytes, host.rsp);
    EXPECT_TRUE(std::equal(ours.bytes.begin() + (stack.random_bytes - stack.stack_pointer), ours.bytes.end(),
                           theirs.bytes.begin() + (stack.random_bytes - host.rsp)))
        << "the string area differs from the host's";

    // Vectors: the same pointers; the same auxv but for the entries Newt leaves out.
    Parsed mine = parse(ours, stack.stack_pointer);
    Parsed linux = parse(theirs, host.rsp);
    EXPECT_EQ(mine.argc, linux.argc);
    EXPECT_EQ(mine.argument_pointers, linux.argument_pointers);
    EXPECT_EQ(mine.environment_pointers, linux.environment_pointers);
    const std::set<u64> left_out = {abi::at_sysinfo_ehdr, abi::at_rseq_feature_size, abi::at_rseq_align};
    std::vector<std::pair<u64, u64>> linux_kept;
    for (auto entry : linux.auxv)
        if (!left_out.count(entry.first)) linux_kept.push_back(entry);
    EXPECT_EQ(mine.auxv, linux_kept) << "auxv differs beyond AT_SYSINFO_EHDR and AT_RSEQ_*";
    std::set<u64> our_keys;
    for (auto [key, value] : mine.auxv) our_keys.insert(key);
    for (auto [key, value] : linux.auxv)
        EXPECT_TRUE(our_keys.count(key) || left_out.count(key)) << "host key " << key << " missing";

    // rsp: both are STACK_ROUND(random - auxv - pointers); Linux's auxv is longer by the
    // entries Newt leaves out.
    u64 pointer_words = 1 + (mine.argc + 1) + (mine.environment.size() + 1);
    EXPECT_EQ(stack.stack_pointer, (random - kernel::auxv_entry_count * 16 - pointer_words * 8) & ~u64(15));
    EXPECT_EQ(host.rsp, (random - (linux.auxv.size() + 1) * 16 - pointer_words * 8) & ~u64(15));
    std::printf("host auxv keys:");
    for (auto [key, value] : linux.auxv) std::printf(" %llu", static_cast<unsigned long long>(key));
    std::printf("\nrsp: host %#llx, Newt %#llx\n", static_cast<unsigned long long>(host.rsp),
                static_cast<unsigned long long>(stack.stack_pointer));
}

TEST(InitialStack, MatchesTheHostKernelGlibcStatic) { compare_with_host_stack(static_program); }

TEST(InitialStack, MatchesTheHostKernelMuslStatic) {
    if (musl_program[0] == '\0') FAIL() << "musl-gcc was not found when the tests were built: run tools/install-deps";
    compare_with_host_stack(musl_program);
}

}  // namespace
