// kernel/proc/script: "#!" lines, from a table and against the host kernel: each line is
// written into a script whose interpreter is the report program, the host execs it, and the
// argv (or errno) Linux produced must be what Newt's parse implies.
#include "kernel/proc/script.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "host_programs.h"

namespace {

using namespace proc_test;
using kernel::Errno;

struct Parse {
    bool ok = false;
    Errno error = Errno::enoexec;
    std::string path;
    std::optional<std::string> argument;
};

Parse parse(const std::string& text) {
    auto result = kernel::parse_script_line(reinterpret_cast<const kernel::u8*>(text.data()), text.size());
    Parse parse;
    if (result.is_error()) {
        EXPECT_TRUE(result.error() == Errno::enoexec || result.error() == Errno::eacces);
        parse.error = result.error();
        return parse;
    }
    parse.ok = true;
    parse.path.assign(result->path.data(), result->path.length());
    if (result->has_argument) parse.argument = std::string(result->argument.data(), result->argument.length());
    // Views stay inside the caller's buffer (or are empty).
    auto inside = [&](kernel::StringView view) {
        if (view.length() == 0) return true;
        const char* begin = text.data();
        return view.data() >= begin && view.data() + view.length() <= begin + text.size();
    };
    EXPECT_TRUE(inside(result->path));
    EXPECT_TRUE(inside(result->argument));
    return parse;
}

void expect_parse(const std::string& text, const char* path, std::optional<std::string> argument) {
    SCOPED_TRACE(testing::Message() << "line: \"" << text << "\"");
    Parse p = parse(text);
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.path, path);
    EXPECT_EQ(p.argument, argument);
}

void expect_refused(const std::string& text, Errno error = Errno::enoexec) {
    SCOPED_TRACE(testing::Message() << "line: \"" << text << "\"");
    Parse p = parse(text);
    EXPECT_FALSE(p.ok);
    EXPECT_EQ(p.error, error);
}

TEST(Script, Table) {
    using std::nullopt;
    expect_parse("#!/bin/sh\n", "/bin/sh", nullopt);
    expect_parse("#!/bin/sh", "/bin/sh", nullopt);  // no newline in a short file
    expect_parse("#! /bin/sh\n", "/bin/sh", nullopt);
    expect_parse("#!\t /bin/sh \t\n", "/bin/sh", nullopt);
    expect_parse("#!/bin/sh -e\n", "/bin/sh", "-e");
    expect_parse("#!/usr/bin/env -S a  b c  \n", "/usr/bin/env", "-S a  b c");  // one argument, inner blanks kept
    expect_parse("#!/bin/sh\t-a\tb\t\nmore\n", "/bin/sh", "-a\tb");
    expect_parse("#!/bin/sh\r\n", "/bin/sh\r", nullopt);  // CR is not a blank
    expect_parse("#!/bin/sh ", "/bin/sh", "");  // the argument starts at the padding NUL: empty
    expect_parse(std::string("#!/bin/sh -a\0b\n", 15), "/bin/sh", "-a");
    expect_parse(std::string("#!/bin/sh\0 -x\n", 14), "/bin/sh", nullopt);
    expect_refused("#!", Errno::eacces);  // the empty path: Linux opens the current directory
    expect_refused(std::string("#!\0/bin/sh\n", 11), Errno::eacces);
    expect_refused("#!\n");
    expect_refused("#!   \t \n/bin/sh\n");
    expect_refused("#!" + std::string(254, ' '));
    expect_refused("");
    expect_refused("#");
    expect_refused("!#/bin/sh\n");
    expect_refused(" #!/bin/sh\n");
    expect_refused("\x7f" "ELF");

    // The 256-byte buffer. The line may end with '\n' at byte 255 at the latest; without a
    // newline the line is bytes 0..254 and the path must be followed by a blank or NUL
    // at byte 255 or earlier.
    std::string path253(253, 'p');
    path253[0] = '/';
    expect_parse("#!" + path253 + "\n", path253.c_str(), nullopt);         // newline at 255
    expect_refused("#!" + path253 + "p\n");                                // newline at 256
    expect_parse("#!" + path253 + " xxxx", path253.c_str(), nullopt);      // blank at 255
    expect_refused("#!" + path253 + "p xxxx");                             // blank at 256
    expect_parse("#!" + path253.substr(1) + " xxxx", path253.substr(1).c_str(), nullopt);  // blank at 254: trimmed
    expect_parse("#!" + path253.substr(2) + " xxxx", path253.substr(2).c_str(), "x");      // blank at 253
    std::string long_argument(300, 'a');
    expect_parse("#!/bin/sh " + long_argument + "\n", "/bin/sh", std::string(255 - 10, 'a'));  // cut at byte 255
    expect_parse("#!/bin/sh " + long_argument, "/bin/sh", std::string(255 - 10, 'a'));
    // Only the first 256 bytes are looked at.
    expect_parse("#!/bin/sh\n" + std::string(1000, 'z'), "/bin/sh", nullopt);
}

TEST(Script, IsScript) {
    auto check = [](const char* text) { return kernel::is_script(reinterpret_cast<const kernel::u8*>(text), std::strlen(text)); };
    EXPECT_TRUE(check("#!"));
    EXPECT_TRUE(check("#!/bin/sh\n"));
    EXPECT_FALSE(check("#"));
    EXPECT_FALSE(check(""));
    EXPECT_FALSE(check("# !"));
}

class ScriptOnHost : public testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/newt-script-test-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        directory_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    // Writes `text` as an executable script, execs it on the host with two extra
    // arguments, and checks Linux's outcome against Newt's parse of the same bytes.
    void compare(const std::string& text) {
        SCOPED_TRACE(testing::Message() << "script: \"" << text.substr(0, 300) << "\"");
        std::string script = directory_ + "/script" + std::to_string(count_++);
        write_file(script, text, 0755);
        RunResult run = run_program(script, {"original-argv0", "extra1", "extra 2"}, {});
        Parse p = parse(text.substr(0, kernel::script_buffer_size));
        if (!p.ok) {
            EXPECT_EQ(errno_name(run.exec_errno), errno_name(static_cast<int>(p.error)));
            return;
        }
        struct stat info;
        if (stat(p.path.c_str(), &info) != 0) {
            EXPECT_EQ(errno_name(run.exec_errno), "ENOENT") << "Newt's interpreter path: " << p.path;
            return;
        }
        ASSERT_EQ(errno_name(run.exec_errno), "0");
        std::vector<std::string> expected = {p.path};
        if (p.argument) expected.push_back(*p.argument);
        expected.insert(expected.end(), {script, "extra1", "extra 2"});
        EXPECT_EQ(parse_report(run.output).arguments, expected);
        ++ran_;
    }

    std::string directory_;
    int count_ = 0;
    int ran_ = 0;
};

TEST_F(ScriptOnHost, LinuxBuildsTheSameArgv) {
    const std::string interpreter = static_program;
    // A path of `length` bytes naming the interpreter: leading slashes are harmless.
    auto padded = [&](size_t length) { return std::string(length - interpreter.size(), '/') + interpreter; };
    ASSERT_LT(interpreter.size(), 200u);

    compare("#!" + interpreter + "\n");
    compare("#!" + interpreter);
    compare("#! " + interpreter + "\n");
    compare("#!\t " + interpreter + " \t\n");
    compare("#!" + interpreter + " -x\n");
    compare("#!" + interpreter + "  -x  y z  \n");
    compare("#!" + interpreter + "\t-a\tb\t\nsecond line\n");
    compare("#!" + interpreter + " ");  // an empty argument
    compare("#!" + interpreter + " \n");
    compare(std::string("#!") + interpreter + std::string(" -a\0b\n", 6));
    compare(std::string("#!") + interpreter + std::string("\0 -x\n", 5));
    compare("#!" + interpreter + "\r\n");  // ENOENT: the path ends with a CR
    compare("#!\n");
    compare("#!");  // EACCES: the empty path
    compare(std::string("#!\0" "abc\n", 7));
    compare("#!   \n");
    compare("#!" + std::string(300, ' '));
    compare("#!" + interpreter + " " + std::string(400, 'x') + "\n");  // the argument is cut
    compare("#!" + interpreter + " " + std::string(400, 'x'));
    compare("#!" + padded(253) + "\n");             // newline at byte 255
    compare("#!" + padded(254) + "\n");             // newline at 256: ENOEXEC
    compare("#!" + padded(253) + " xxxx");          // blank at 255
    compare("#!" + padded(254) + " xxxx");          // blank at 256: ENOEXEC
    compare("#!" + padded(252) + " xxxx");          // blank at 254: trimmed, no argument
    compare("#!" + padded(252) + "  xxxx");         // blanks at 254 and 255
    compare("#!" + padded(251) + " xxxx");          // blank at 253: argument "x"
    compare("#!" + padded(250) + "\t\tyy\t\t" + std::string(20, 'z'));
    EXPECT_GE(ran_, 15);
}

}  // namespace
