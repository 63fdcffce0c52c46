// kstd::format / kstd::vformat, checked against the host's snprintf (glibc) wherever C
// defines the behaviour, and against fixed expectations where the kernel documents its own.
#include "kernel/lib/format.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <sys/types.h>

namespace {

constexpr char kFill = 0x5a;  // what untouched buffer bytes hold

std::string host_vformat(const char* format, va_list arguments) {
    va_list copy;
    va_copy(copy, arguments);
    int length = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    EXPECT_GE(length, 0) << format;
    std::vector<char> buffer(static_cast<std::size_t>(length) + 1);
    va_copy(copy, arguments);
    std::vsnprintf(buffer.data(), buffer.size(), format, copy);
    va_end(copy);
    return std::string(buffer.data(), static_cast<std::size_t>(length));
}

// Formats with the kernel into a buffer of `size` bytes placed inside a larger, filled one,
// and checks the contract: return value = full length, output = the prefix of `expected`
// that fits, always terminated (when size > 0), nothing written outside `size` bytes.
void check_buffer_size(const std::string& expected, std::size_t size, const char* format, va_list arguments) {
    constexpr std::size_t guard = 16;
    std::vector<char> storage(expected.size() + 2 * guard + 8, kFill);
    char* buffer = storage.data() + guard;
    va_list copy;
    va_copy(copy, arguments);
    std::size_t length = kstd::vformat(size ? buffer : nullptr, size, format, copy);
    va_end(copy);
    ASSERT_EQ(length, expected.size()) << "format \"" << format << "\" size " << size;
    if (size == 0) {
        for (char c : storage) ASSERT_EQ(c, kFill) << "format \"" << format << "\" wrote with size 0";
        return;
    }
    std::size_t kept = expected.size() < size - 1 ? expected.size() : size - 1;
    EXPECT_EQ(std::string(buffer, kept), expected.substr(0, kept)) << "format \"" << format << "\" size " << size;
    EXPECT_EQ(buffer[kept], '\0') << "format \"" << format << "\" size " << size << ": not terminated";
    for (std::size_t i = 0; i < storage.size(); ++i) {
        bool inside = i >= guard && i < guard + kept + 1;
        if (!inside) {
            ASSERT_EQ(storage[i], kFill) << "format \"" << format << "\" size " << size << ": byte " << i;
        }
    }
}

// The kernel's output must equal the host's, for the full buffer and for every shorter one.
void same_as_host_v(const char* format, va_list arguments) {
    std::string expected = host_vformat(format, arguments);
    // The full buffer first; then every size, stopping at the first failure to keep the
    // report short.
    const ::testing::TestResult* result = ::testing::UnitTest::GetInstance()->current_test_info()->result();
    int failures_before = result->total_part_count();
    check_buffer_size(expected, expected.size() + 1, format, arguments);
    for (std::size_t size = 0; size <= expected.size() + 2; ++size) {
        if (result->total_part_count() != failures_before) return;
        check_buffer_size(expected, size, format, arguments);
    }
}

// Checked by -Wformat at every call site: the table below is valid C.
[[gnu::format(printf, 1, 2)]] void same_as_host(const char* format, ...) {
    va_list arguments;
    va_start(arguments, format);
    same_as_host_v(format, arguments);
    va_end(arguments);
}

// For formats built at run time (the sweeps) or that -Wformat rightly frowns upon but C and
// glibc define (e.g. '+' on an unsigned conversion, which has no effect).
void same_as_host_unchecked(const char* format, ...) {
    va_list arguments;
    va_start(arguments, format);
    same_as_host_v(format, arguments);
    va_end(arguments);
}

// Only the full-size comparison; used by the large generated sweeps to stay fast.
int sweep_failures = 0;
void quick_same_as_host(const char* format, ...) {
    va_list arguments;
    va_start(arguments, format);
    std::string expected = host_vformat(format, arguments);
    char buffer[256];
    va_list copy;
    va_copy(copy, arguments);
    std::size_t length = kstd::vformat(buffer, sizeof buffer, format, copy);
    va_end(copy);
    va_end(arguments);
    ASSERT_LT(expected.size(), sizeof buffer);
    if (length != expected.size() || std::string(buffer, length) != expected) {
        if (++sweep_failures <= 20)
            ADD_FAILURE() << "format \"" << format << "\": kernel \"" << std::string(buffer, length < sizeof buffer ? length : 0)
                          << "\" (" << length << "), host \"" << expected << "\"";
    }
}

std::string kernel_format(const char* format, ...) {
    char buffer[512];
    va_list arguments;
    va_start(arguments, format);
    std::size_t length = kstd::vformat(buffer, sizeof buffer, format, arguments);
    va_end(arguments);
    EXPECT_LT(length, sizeof buffer);
    return std::string(buffer, length);
}

TEST(Format, PlainTextAndPercent) {
    same_as_host_unchecked("");
    same_as_host("hello, world");
    same_as_host("100%%");
    same_as_host("%%%%%%");
    same_as_host("a%%b%%c");
}

TEST(Format, SignedDecimal) {
    same_as_host("%d", 0);
    same_as_host("%d", 1);
    same_as_host("%d", -1);
    same_as_host("%i", 123456);
    same_as_host("%i", -98765);
    same_as_host("%d %d", INT_MAX, INT_MIN);
    same_as_host("%ld %ld", LONG_MAX, LONG_MIN);
    same_as_host("%lld %lld", LLONG_MAX, LLONG_MIN);
    same_as_host("%jd %jd", INTMAX_MAX, INTMAX_MIN);
    same_as_host("%zd %zd", static_cast<ssize_t>(-5), static_cast<ssize_t>(SSIZE_MAX));
    same_as_host("%td %td", static_cast<std::ptrdiff_t>(-77), PTRDIFF_MIN);
    same_as_host("%hd %hd %hd", static_cast<short>(-32768), static_cast<short>(32767), static_cast<short>(-1));
    same_as_host("%hhd %hhd %hhd", static_cast<signed char>(-128), static_cast<signed char>(127), static_cast<signed char>(-1));
    EXPECT_EQ(kernel_format("%lld", static_cast<long long>(INT64_MIN)), "-9223372036854775808");
    EXPECT_EQ(kernel_format("%d", INT_MIN), "-2147483648");
}

TEST(Format, UnsignedHexOctal) {
    same_as_host("%u %u %u", 0u, 1u, UINT_MAX);
    same_as_host("%x %X %o", 0u, 0u, 0u);
    same_as_host("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0777u);
    same_as_host("%lu %lx %lX %lo", ULONG_MAX, ULONG_MAX, ULONG_MAX, ULONG_MAX);
    same_as_host("%llu %llx %llo", ULLONG_MAX, 0x0123456789abcdefULL, 01234567012345670123ULL);
    same_as_host("%zu %zx", SIZE_MAX, static_cast<std::size_t>(4096));
    same_as_host("%ju %jx", UINTMAX_MAX, UINTMAX_MAX);
    same_as_host("%hu %hx %ho", static_cast<unsigned short>(65535), static_cast<unsigned short>(0xbeef),
                 static_cast<unsigned short>(0177777));
    same_as_host("%hhu %hhx %hho", static_cast<unsigned char>(255), static_cast<unsigned char>(0xab),
                 static_cast<unsigned char>(0377));
    EXPECT_EQ(kernel_format("%llx", 0xfedcba9876543210ULL), "fedcba9876543210");
    EXPECT_EQ(kernel_format("%X", 0xabcdefu), "ABCDEF");
}

TEST(Format, LengthModifiersTruncateWideArguments) {
    // %hh and %h convert the (promoted) int argument to char / short before printing.
    same_as_host_unchecked("%hhd %hhd %hhu %hhx", 300, -129, 511, 0x1234);
    same_as_host_unchecked("%hd %hd %hu %hx", 70000, -32769, 0x12345, 0xabcdef);
}

TEST(Format, Flags) {
    same_as_host("[%-5d] [%05d] [%+d] [% d] [%+d] [% d]", 42, 42, 42, 42, -42, -42);
    same_as_host_unchecked("[%+ d] [% +d]", 7, 7);  // '+' wins over ' '
    same_as_host_unchecked("[%-05d] [%0-5d]", -3, -3);  // '-' wins over '0'
    same_as_host("[%#x] [%#X] [%#o] [%#x] [%#o]", 255u, 255u, 8u, 0u, 0u);
    same_as_host("[%#10x] [%#-10x] [%#010x] [%#010o]", 255u, 255u, 255u, 8u);
    same_as_host("[%+05d] [% 05d] [%+05d]", 3, 3, -3);
    same_as_host("[%08d] [%08d]", INT_MIN, INT_MAX);
}

TEST(Format, PlusAndSpaceHaveNoEffectOnUnsignedConversions) {
    // C: '+' and ' ' apply to signed conversions only.
    same_as_host_unchecked("[%+u] [% u] [%+x] [% X] [%+o] [% o] [%+lu]", 5u, 5u, 255u, 255u, 8u, 8u, 9ul);
    same_as_host_unchecked("[%+5u] [% 05x] [%+-6o]", 5u, 255u, 8u);
}

TEST(Format, AlternateOctalForcesOneLeadingZero) {
    // C: '#' with o increases the precision, if and only if necessary, to make the first
    // digit a zero; "%#.0o" of 0 prints "0".
    same_as_host("[%#.0o] [%#.3o] [%#.2o] [%#.1o] [%#5.0o] [%#-6.4o]", 0u, 8u, 8u, 8u, 0u, 8u);
    same_as_host("[%#.0x] [%#.4x] [%#8.4x] [%#-8.4X]", 0u, 255u, 255u, 255u);
}

TEST(Format, WidthAndPrecision) {
    same_as_host("[%10d] [%-10d] [%1d] [%0d]", 123, 123, 123, 123);
    same_as_host("[%.5d] [%.5d] [%8.5d] [%-8.5d]", 42, -42, 42, -42);
    same_as_host_unchecked("[%08.5d] [%08.0d]", 42, 0);  // '0' is ignored when a precision is given
    same_as_host("[%.0d] [%.0u] [%.0x] [%.0o] [%5.0d] [%-5.0d] [%+.0d] [% .0d]", 0, 0u, 0u, 0u, 0, 0, 0, 0);
    same_as_host("[%.d] [%.d]", 0, 5);
    same_as_host("[%.1d] [%.20d]", 0, -1);
    same_as_host("[%40d]", 7);
    same_as_host("[%.3s] [%.0s] [%.10s] [%8.3s] [%-8.3s]", "abcdef", "abcdef", "abc", "abcdef", "abcdef");
    same_as_host("[%5s] [%-5s] [%2s] [%s]", "ab", "ab", "abcdef", "");
}

TEST(Format, StarWidthAndPrecision) {
    same_as_host("[%*d] [%-*d] [%*d]", 6, 42, 6, 42, -6, 42);  // negative width means '-'
    same_as_host("[%.*d] [%.*d] [%.*d]", 4, 7, 0, 0, -1, 0);  // negative precision: as if omitted
    same_as_host("[%*.*d] [%*.*x]", 8, 3, -5, -8, 3, 0xabu);
    same_as_host("[%*s] [%.*s] [%*.*s]", 5, "x", 2, "xyz", -6, 1, "hello");
    same_as_host("[%0*d] [%0*d]", 5, -3, -5, -3);
    same_as_host("[%*c] [%-*c]", 3, 'z', 3, 'z');
}

TEST(Format, Characters) {
    same_as_host("%c%c%c", 'a', 'B', '9');
    same_as_host("[%5c] [%-5c] [%1c]", 'q', 'q', 'q');
    same_as_host("%c", 255);
    same_as_host("x%cy", 0);  // a NUL character is output and counted
    EXPECT_EQ(kernel_format("x%cy", 0), std::string("x\0y", 3));
}

TEST(Format, Strings) {
    same_as_host("%s", "hello");
    same_as_host("%s|%s", "", "a");
    same_as_host("%s %s %s", "one", "two", "three");
    std::string long_text(300, 'L');
    same_as_host("<%s>", long_text.c_str());
}

TEST(Format, NullString) {
    // Through a volatile so that GCC's -Wformat-overflow cannot see the null at compile time.
    const char* volatile opaque_null = nullptr;
    const char* null = opaque_null;
    // glibc prints "(null)" too, unless a precision below 6 is given.
    same_as_host("%s", null);
    same_as_host("[%10s] [%-10s] [%.6s]", null, null, null);
    EXPECT_EQ(kernel_format("%s", null), "(null)");
}

TEST(Format, Pointers) {
    int local = 0;
    same_as_host("%p", static_cast<void*>(&local));
    same_as_host("%p", reinterpret_cast<void*>(0x1));
    same_as_host("%p", reinterpret_cast<void*>(UINTPTR_MAX));
    same_as_host_unchecked("[%20p] [%-20p] [%+p] [% p]", reinterpret_cast<void*>(0xabc), reinterpret_cast<void*>(0xabc),
                 reinterpret_cast<void*>(0xabc), reinterpret_cast<void*>(0xabc));
    EXPECT_EQ(kernel_format("%p", reinterpret_cast<void*>(0xdeadbeef)), "0xdeadbeef");
    // Documented difference from glibc, which prints "(nil)": the kernel prints the number.
    EXPECT_EQ(kernel_format("%p", static_cast<void*>(nullptr)), "0x0");
}

TEST(Format, Mixed) {
    same_as_host("pid %d (%s) fault at %p, error %#x, cr2=%016llx", 17, "init", reinterpret_cast<void*>(0x401000), 6u,
                 0xffff800000001000ULL);
    same_as_host("%-10s|%8zu|%+.3d|%c%%", "name", static_cast<std::size_t>(12345), 7, '!');
}

TEST(Format, KernelSpecificEdgeCases) {
    // Not defined by C; the kernel's documented behaviour (format.cpp).
    std::string unknown = "%q";
    EXPECT_EQ(kernel_format(unknown.c_str()), "%q");  // unknown conversions are echoed
    std::string trailing = "abc%";
    EXPECT_EQ(kernel_format(trailing.c_str()), "abc");  // a lone '%' at the end prints nothing
}

TEST(Format, TruncationContract) {
    char buffer[8];
    std::memset(buffer, kFill, sizeof buffer);
    EXPECT_EQ(kstd::format(buffer, sizeof buffer, "%s", "0123456789"), 10u);
    EXPECT_STREQ(buffer, "0123456");
    std::memset(buffer, kFill, sizeof buffer);
    EXPECT_EQ(kstd::format(buffer, 1, "%d", 12345), 5u);
    EXPECT_EQ(buffer[0], '\0');
    EXPECT_EQ(buffer[1], kFill);
    std::memset(buffer, kFill, sizeof buffer);
    EXPECT_EQ(kstd::format(buffer, 0, "%d", 12345), 5u);
    for (char c : buffer) EXPECT_EQ(c, kFill);
    EXPECT_EQ(kstd::format(nullptr, 0, "%s and %s", "this", "that"), 13u);
    // Truncation in the middle of padding and of a number.
    same_as_host("%20d|%-20s|%020llu", -123, "left", 42ULL);
}

// Generated sweeps: every combination of flags, width (literal and '*', positive and
// negative), precision (literal, '.', '*', negative '*') and length modifier, against glibc.
struct Piece {
    const char* text;
    bool star;
    int star_value;
};

const char* const kFlagSets[] = {"", "-", "0", "+", " ", "#", "-0", "-+", "- ", "0+", "0 ", "+ ", "-0+ ", "#0", "#-", "#0+"};
const Piece kWidths[] = {{"", false, 0}, {"1", false, 0}, {"7", false, 0}, {"22", false, 0}, {"*", true, 9}, {"*", true, -9}};
const Piece kPrecisions[] = {{"", false, 0},  {".", false, 0},   {".0", false, 0}, {".1", false, 0},
                             {".4", false, 0}, {".21", false, 0}, {".*", true, 3},  {".*", true, -2}};

template <typename T>
void sweep(const char* length_modifier, const char* conversions, bool is_signed, std::initializer_list<T> values) {
    sweep_failures = 0;
    for (const char* conversion = conversions; *conversion; ++conversion) {
        for (const char* flags : kFlagSets) {
            // '#' with a signed conversion is undefined in C.
            if (is_signed && std::strchr(flags, '#')) continue;
            for (const Piece& width : kWidths) {
                for (const Piece& precision : kPrecisions) {
                    std::string format = std::string("%") + flags + width.text + precision.text + length_modifier + *conversion;
                    const char* f = format.c_str();
                    for (T value : values) {
                        if (width.star && precision.star) quick_same_as_host(f, width.star_value, precision.star_value, value);
                        else if (width.star) quick_same_as_host(f, width.star_value, value);
                        else if (precision.star) quick_same_as_host(f, precision.star_value, value);
                        else quick_same_as_host(f, value);
                        if (sweep_failures > 20) return;
                    }
                }
            }
        }
    }
}

TEST(FormatSweep, Int) { sweep<int>("", "di", true, {0, 1, -1, 42, -42, 1000000, INT_MAX, INT_MIN}); }
TEST(FormatSweep, UnsignedInt) { sweep<unsigned>("", "uxXo", false, {0u, 1u, 8u, 255u, 0x80000000u, UINT_MAX}); }
TEST(FormatSweep, Char) {
    sweep<signed char>("hh", "d", true, {0, 1, -1, 127, -128});
    sweep<unsigned char>("hh", "uxo", false, {0, 1, 200, 255});
}
TEST(FormatSweep, Short) {
    sweep<short>("h", "d", true, {0, -1, 32767, -32768});
    sweep<unsigned short>("h", "uxo", false, {0, 1, 65535});
}
TEST(FormatSweep, Long) {
    sweep<long>("l", "d", true, {0L, -1L, LONG_MAX, LONG_MIN});
    sweep<unsigned long>("l", "uxo", false, {0UL, 1UL, ULONG_MAX});
}
TEST(FormatSweep, LongLong) {
    sweep<long long>("ll", "di", true, {0LL, 123456789012345LL, LLONG_MIN});
    sweep<unsigned long long>("ll", "uX", false, {0ULL, ULLONG_MAX});
}
TEST(FormatSweep, SizePtrdiffIntmax) {
    sweep<ssize_t>("z", "d", true, {0, -1, SSIZE_MAX});
    sweep<std::size_t>("z", "ux", false, {0, SIZE_MAX});
    sweep<std::ptrdiff_t>("t", "d", true, {-5, PTRDIFF_MIN});
    sweep<std::intmax_t>("j", "d", true, {7, INTMAX_MIN});
    sweep<std::uintmax_t>("j", "uo", false, {0, UINTMAX_MAX});
}

TEST(FormatSweep, StringsAndChars) {
    sweep_failures = 0;
    const char* texts[] = {"", "a", "hello", "a longer string of text"};
    const char* flag_sets[] = {"", "-"};
    for (const char* flags : flag_sets)
        for (const Piece& width : kWidths)
            for (const Piece& precision : kPrecisions) {
                std::string s = std::string("%") + flags + width.text + precision.text + "s";
                for (const char* text : texts) {
                    if (width.star && precision.star) quick_same_as_host(s.c_str(), width.star_value, precision.star_value, text);
                    else if (width.star) quick_same_as_host(s.c_str(), width.star_value, text);
                    else if (precision.star) quick_same_as_host(s.c_str(), precision.star_value, text);
                    else quick_same_as_host(s.c_str(), text);
                }
                if (precision.text[0]) continue;  // a precision with %c is undefined
                std::string c = std::string("%") + flags + width.text + "c";
                for (int ch : {int('x'), int(' '), 0, 200}) {
                    if (width.star) quick_same_as_host(c.c_str(), width.star_value, ch);
                    else quick_same_as_host(c.c_str(), ch);
                }
            }
}

TEST(FormatSweep, Pointers) {
    sweep_failures = 0;
    int local = 0;
    void* pointers[] = {reinterpret_cast<void*>(1), &local, reinterpret_cast<void*>(UINTPTR_MAX)};
    const char* flag_sets[] = {"", "-", "+", " ", "-+"};
    for (const char* flags : flag_sets)
        for (const Piece& width : kWidths) {
            std::string p = std::string("%") + flags + width.text + "p";
            for (void* pointer : pointers) {
                if (width.star) quick_same_as_host(p.c_str(), width.star_value, pointer);
                else quick_same_as_host(p.c_str(), pointer);
            }
        }
}

}  // namespace
