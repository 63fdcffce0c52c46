// kernel/core/command_line: Linux-style "key=value" words. Pure code over a global, so the
// tests set the command line themselves.
#include "kernel/core/command_line.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

using kernel::command_line_int;
using kernel::command_line_value;
using kernel::set_command_line;

class CommandLine : public ::testing::Test {
protected:
    void TearDown() override { set_command_line(""); }

    // The value of `key`, or "<absent>".
    static std::string value_of(const char* key) {
        char value[64];
        std::memset(value, '#', sizeof value);
        if (!command_line_value(key, value, sizeof value)) return "<absent>";
        return value;
    }
};

TEST_F(CommandLine, StoresTheText) {
    set_command_line("loglevel=7 demo=0");
    EXPECT_STREQ(kernel::command_line(), "loglevel=7 demo=0");
    set_command_line(nullptr);
    EXPECT_STREQ(kernel::command_line(), "");
}

TEST_F(CommandLine, LongTextIsTruncatedAndTerminated) {
    std::string text(5000, 'k');
    set_command_line(text.c_str());
    std::size_t length = std::strlen(kernel::command_line());
    EXPECT_GT(length, 0u);
    EXPECT_LT(length, text.size());
    EXPECT_EQ(std::string(kernel::command_line()), text.substr(0, length));
}

TEST_F(CommandLine, Values) {
    set_command_line("  loglevel=7   root=/dev/hda1 quiet init=/bin/sh empty= last=end");
    EXPECT_EQ(value_of("loglevel"), "7");
    EXPECT_EQ(value_of("root"), "/dev/hda1");
    EXPECT_EQ(value_of("quiet"), "");  // a bare word has the value ""
    EXPECT_EQ(value_of("init"), "/bin/sh");
    EXPECT_EQ(value_of("empty"), "");
    EXPECT_EQ(value_of("last"), "end");
    EXPECT_EQ(value_of("missing"), "<absent>");
}

TEST_F(CommandLine, KeysMatchWholeWordsOnly) {
    set_command_line("loglevel=7 quietly demo=1");
    EXPECT_EQ(value_of("log"), "<absent>");  // a prefix of a key is not the key
    EXPECT_EQ(value_of("quiet"), "<absent>");
    EXPECT_EQ(value_of("level"), "<absent>");
    EXPECT_EQ(value_of("7"), "<absent>");  // values are not keys
    EXPECT_EQ(value_of("demo"), "1");
}

TEST_F(CommandLine, ValueWithEqualsSign) {
    set_command_line("opt=a=b");
    EXPECT_EQ(value_of("opt"), "a=b");  // split at the first '='
}

TEST_F(CommandLine, SmallValueBuffers) {
    set_command_line("root=/dev/hda1");
    char value[5];
    std::memset(value, '#', sizeof value);
    EXPECT_TRUE(command_line_value("root", value, sizeof value));
    EXPECT_STREQ(value, "/dev");  // truncated and terminated
    std::memset(value, '#', sizeof value);
    EXPECT_TRUE(command_line_value("root", value, 0));  // size 0: found, nothing written
    EXPECT_EQ(value[0], '#');
    EXPECT_TRUE(command_line_value("root", value, 1));
    EXPECT_EQ(value[0], '\0');
    EXPECT_EQ(value[1], '#');
}

TEST_F(CommandLine, EmptyCommandLine) {
    set_command_line("");
    EXPECT_EQ(value_of("anything"), "<absent>");
    set_command_line("    ");
    EXPECT_EQ(value_of("anything"), "<absent>");
    EXPECT_EQ(command_line_int("anything", 5), 5);
}

TEST_F(CommandLine, Integers) {
    set_command_line("a=0 b=42 c=-17 d=12x e= f quiet g=x1 h=2147483648 i=-9223372036854775807");
    EXPECT_EQ(command_line_int("a", 99), 0);
    EXPECT_EQ(command_line_int("b", 99), 42);
    EXPECT_EQ(command_line_int("c", 99), -17);
    EXPECT_EQ(command_line_int("d", 99), 99);  // malformed
    EXPECT_EQ(command_line_int("e", 99), 99);  // empty
    EXPECT_EQ(command_line_int("f", 99), 99);  // bare word
    EXPECT_EQ(command_line_int("g", 99), 99);
    EXPECT_EQ(command_line_int("h", 99), 2147483648L);  // long is 64-bit
    EXPECT_EQ(command_line_int("i", 99), -9223372036854775807L);
    EXPECT_EQ(command_line_int("absent", -3), -3);
}

// Known defects of command_line_int (kernel/core/command_line.cpp, not lib code), kept here
// disabled so that whoever fixes them can enable the tests:
//  - a lone "-" is accepted and parsed as 0 instead of being malformed;
//  - a number too large for long overflows a signed long (undefined behaviour; UBSan aborts)
//    instead of being treated as malformed.
TEST_F(CommandLine, LoneMinusIsMalformed) {
    set_command_line("x=-");
    EXPECT_EQ(command_line_int("x", 99), 99);
}

TEST_F(CommandLine, OverflowIsMalformed) {
    set_command_line("x=99999999999999999999 y=-99999999999999999999");
    EXPECT_EQ(command_line_int("x", 99), 99);
    EXPECT_EQ(command_line_int("y", 99), 99);
}

}  // namespace
