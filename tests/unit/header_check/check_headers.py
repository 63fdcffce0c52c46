#!/usr/bin/env python3
"""Checks that the portable kernel and the device drivers include only what they may.

Usage: check_headers.py REPO_ROOT

Every source file under REPO_ROOT/kernel and REPO_ROOT/devices may include:
  - the freestanding standard headers in ALLOWED_STANDARD_HEADERS, as <name>;
  - <hal_backend/...>: the selected backend's part of the HAL contract;
  - "relative/path.h" naming an existing file that, resolved from the including file's
    folder (symbolic links followed), lies inside kernel/ or devices/.
Anything else (a host or libc header, a quoted include that escapes into hosted/ or that does
not exist and would therefore be looked up on the include path, a computed #include MACRO,
#include_next) is reported as FILE:LINE: directive -- reason, and the exit status is 1.
Comments are stripped first, so an #include inside a comment is not a directive.
"""

import os
import re
import sys

ALLOWED_STANDARD_HEADERS = frozenset({
    "cstddef", "cstdint", "climits", "type_traits", "utility", "new", "atomic", "bit",
    "concepts", "initializer_list", "limits",
})
BACKEND_PREFIX = "hal_backend/"
CHECKED_FOLDERS = ("kernel", "devices")
SOURCE_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".inc", ".ipp", ".c", ".cc", ".cpp", ".cxx", ".S", ".s")

DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*(include_next|include|import)\b[ \t]*(.*?)[ \t]*$")


def strip_comments(text):
    """Replaces comments with spaces, keeping newlines (and so line numbers) and literals."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":  # continued comment
                    out.append("\n")
                    i += 2
                    continue
                i += 1
        elif c == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:end]))
            i = end
        elif c == "R" and i + 1 < n and text[i + 1] == '"' and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            match = re.match(r'R"([^()\\ \t\n]{0,16})\(', text[i:])
            if not match:
                out.append(c)
                i += 1
                continue
            close = ")" + match.group(1) + '"'
            end = text.find(close, i + match.end())
            end = n if end < 0 else end + len(close)
            out.append(text[i:end])
            i = end
        elif c == "'" and is_digit_separator(text, i):
            out.append(c)
            i += 1
        elif c in "\"'":
            # A string or character literal; an #include's "name" never spans lines.
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n) if j < n and text[j] == c else j
            out.append(text[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def is_digit_separator(text, i):
    """True for the ' in 1'000'000 or 0xffff'ffff (C++14), not for u'x' or L'x'."""
    start = i
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'."):
        start -= 1
    return start < i and text[start].isdigit() and i + 1 < len(text) and text[i + 1].isalnum()


def logical_lines(text):
    """(first line number, line) pairs with backslash-newline continuations joined."""
    lines = text.split("\n")
    number = 0
    while number < len(lines):
        first = number
        line = lines[number]
        while line.endswith("\\") and number + 1 < len(lines):
            number += 1
            line = line[:-1] + lines[number]
        yield first + 1, line
        number += 1


def inside(path, folders):
    return any(path == folder or path.startswith(folder + os.sep) for folder in folders)


def check_directive(root, source, kind, operand):
    """Returns why the directive is not allowed, or None."""
    if kind != "include":
        return "#%s is not allowed" % kind
    if operand.startswith("<"):
        match = re.fullmatch(r"<([^<>]+)>", operand)
        if not match:
            return "malformed #include"
        name = match.group(1)
        if name in ALLOWED_STANDARD_HEADERS:
            return None
        if name.startswith(BACKEND_PREFIX):
            parts = name.split("/")
            if len(parts) >= 2 and all(part not in ("", ".", "..") for part in parts):
                return None
            return "a <hal_backend/...> include must name a file below hal_backend/"
        return "<%s> is not an allowed header (freestanding standard headers and <hal_backend/...> only)" % name
    if operand.startswith('"'):
        match = re.fullmatch(r'"([^"]+)"', operand)
        if not match:
            return "malformed #include"
        name = match.group(1)
        if os.path.isabs(name):
            return "absolute include path"
        allowed = [os.path.join(root, folder) for folder in CHECKED_FOLDERS]
        target = os.path.normpath(os.path.join(os.path.dirname(source), name))
        if not inside(target, allowed):
            return '"%s" resolves outside kernel/ and devices/' % name
        if not os.path.isfile(target):
            return '"%s" is not a file next to the includer (it would be searched on the include path)' % name
        real_allowed = [os.path.realpath(folder) for folder in allowed]
        if not inside(os.path.realpath(target), real_allowed):
            return '"%s" is a link to a file outside kernel/ and devices/' % name
        return None
    return "computed #include (a macro) cannot be checked"


def source_files(root):
    for folder in CHECKED_FOLDERS:
        top = os.path.join(root, folder)
        for directory, subdirectories, files in os.walk(top):
            subdirectories.sort()
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.join(directory, name)


def quoted_target(source, operand):
    match = re.fullmatch(r'"([^"]+)"', operand)
    return os.path.normpath(os.path.join(os.path.dirname(source), match.group(1))) if match else None


def main(argv):
    if len(argv) != 2:
        print("usage: check_headers.py REPO_ROOT", file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1])
    missing = [folder for folder in CHECKED_FOLDERS if not os.path.isdir(os.path.join(root, folder))]
    if missing:
        print("check_headers: %s has no %s/ folder" % (root, " or ".join(missing)), file=sys.stderr)
        return 2

    files = directives = 0
    offences = []
    # Source files by suffix, plus whatever they include by a quoted name (a ".def" or
    # suffix-less file included from kernel code is checked too).
    pending = list(source_files(root))
    seen = set(pending)
    while pending:
        path = pending.pop(0)
        files += 1
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = strip_comments(handle.read())
        for number, line in logical_lines(text):
            match = DIRECTIVE.match(line)
            if not match:
                continue
            directives += 1
            kind, operand = match.group(1), match.group(2)
            reason = check_directive(root, path, kind, operand)
            if reason:
                offences.append("%s:%d: %s -- %s" % (os.path.relpath(path, root), number, line.strip(), reason))
            elif kind == "include":
                target = quoted_target(path, operand)
                if target and target not in seen:
                    seen.add(target)
                    pending.append(target)

    if files == 0:
        print("check_headers: no source files under %s" % root, file=sys.stderr)
        return 2
    for offence in offences:
        print(offence)
    print("check_headers: %d files, %d #include directives, %d not allowed" % (files, directives, len(offences)))
    return 1 if offences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
