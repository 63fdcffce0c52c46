#!/usr/bin/env python3
"""Self-test of check_headers.py: runs it on small fake trees and checks that a clean tree
passes and that every kind of forbidden include makes it fail and names the offending line.
Without this, a broken checker could pass silently.

Usage: check_headers_selftest.py [PATH_TO_check_headers.py]
"""

import os
import subprocess
import sys
import tempfile

CHECKER = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_headers.py")

# A tree with everything that is allowed, including look-alikes of forbidden includes that
# are not directives (comments, string literals).
CLEAN_TREE = {
    "kernel/lib/types.h": "#pragma once\n#include <cstddef>\n#include <cstdint>\n",
    "kernel/lib/list.h": (
        "#pragma once\n"
        "#include <climits>\n#include <type_traits>\n#include <utility>\n#include <new>\n"
        "#include <atomic>\n#include <bit>\n#include <concepts>\n#include <initializer_list>\n"
        "#include <limits>\n"
        '#include "types.h"  // #include <stdio.h> in a comment is fine\n'
        '#include "table.def"\n'
        "/* a block comment\n#include <vector>\n*/\n"
        'const char* text = "#include <string.h>";\n'
        "constexpr long million = 1'000'000;  /* the quote is a digit separator */\n"
        "constexpr char quote = '\"';  // a quote character\n"
    ),
    "kernel/lib/table.def": "ENTRY(a)\n",
    "kernel/core/thing.cpp": (
        '#include "../lib/list.h"\n'
        "  #  include <hal_backend/backend.h>\n"
        "#include \\\n    <cstddef>\n"
    ),
    "kernel/hal/backend.h": "#include <hal_backend/backend.h>\n#include \"../lib/types.h\"\n",
    "devices/uart.cpp": '#include "../kernel/lib/types.h"\n#include "uart.h"\n',
    "devices/uart.h": "#pragma once\n#include <cstdint>\n",
    # Outside the checked folders anything goes.
    "hosted/x.h": "#include <stdio.h>\n",
    "hosted/main.cpp": "#include <vector>\n#include \"x.h\"\n",
    "CMakeLists.txt": "# include(anything)\n",
}

# name -> (extra or replaced files, symbolic links, text that must appear in the report)
BAD_CASES = {
    "libc header": ({"kernel/lib/bad.h": "#pragma once\n#include <stdio.h>\n"}, {}, "kernel/lib/bad.h:2:"),
    "escape into hosted/": ({"kernel/core/bad.cpp": '#include "../../hosted/x.h"\n'}, {}, "kernel/core/bad.cpp:1:"),
    "escape from devices/": ({"devices/bad.cpp": '#include "../hosted/x.h"\n'}, {}, "devices/bad.cpp:1:"),
    "missing quoted file": ({"kernel/lib/bad.h": '#include "nowhere.h"\n'}, {}, "kernel/lib/bad.h:1:"),
    "absolute path": ({"kernel/lib/bad.h": '#include "/usr/include/stdio.h"\n'}, {}, "kernel/lib/bad.h:1:"),
    "backend path escape": ({"kernel/lib/bad.h": "#include <hal_backend/../../stdio.h>\n"}, {}, "kernel/lib/bad.h:1:"),
    "other standard header": ({"kernel/lib/bad.h": "#include <vector>\n"}, {}, "kernel/lib/bad.h:1:"),
    "c header of the allowed one": ({"kernel/lib/bad.h": "#include <stddef.h>\n"}, {}, "kernel/lib/bad.h:1:"),
    "spaced directive": ({"kernel/lib/bad.h": "\n\n   #   include   <string.h>\n"}, {}, "kernel/lib/bad.h:3:"),
    "computed include": ({"kernel/lib/bad.h": "#define H <stdio.h>\n#include H\n"}, {}, "kernel/lib/bad.h:2:"),
    "include_next": ({"kernel/lib/bad.h": "#include_next <cstddef>\n"}, {}, "kernel/lib/bad.h:1:"),
    "continued directive": ({"kernel/lib/bad.h": "#include \\\n<stdio.h>\n"}, {}, "kernel/lib/bad.h:1:"),
    "after a block comment": ({"kernel/lib/bad.h": "/* x */ #include <stdio.h>\n/*\n*/#include <stdlib.h>\n"}, {}, "kernel/lib/bad.h:3:"),
    "assembly file": ({"kernel/arch/entry.S": "#include <asm/unistd.h>\n"}, {}, "kernel/arch/entry.S:1:"),
    "included non-source file": ({"kernel/lib/table.def": "#include <stdio.h>\n"}, {}, "kernel/lib/table.def:1:"),
    "link out of the tree": ({"kernel/lib/bad.h": '#include "linked.h"\n'}, {"kernel/lib/linked.h": "../../hosted/x.h"}, "kernel/lib/bad.h:1:"),
}


def make_tree(root, files, links):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as handle:
            handle.write(text)
    for path, target in links.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        os.symlink(target, full)


def run(root):
    result = subprocess.run([sys.executable, CHECKER, root], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return result.returncode, result.stdout


def main():
    failures = []
    with tempfile.TemporaryDirectory(prefix="newt-header-check-") as temporary:
        clean = os.path.join(temporary, "clean")
        make_tree(clean, CLEAN_TREE, {})
        status, output = run(clean)
        if status != 0:
            failures.append("clean tree: expected success, got %d:\n%s" % (status, output))
        elif "0 not allowed" not in output:
            failures.append("clean tree: unexpected report:\n%s" % output)

        for index, (name, (files, links, expected)) in enumerate(sorted(BAD_CASES.items())):
            root = os.path.join(temporary, "bad%d" % index)
            make_tree(root, dict(CLEAN_TREE, **files), links)
            status, output = run(root)
            offending = [line for line in output.splitlines() if " -- " in line]
            if status != 1:
                failures.append("%s: expected failure (1), got %d:\n%s" % (name, status, output))
            elif not any(line.startswith(expected) for line in offending):
                failures.append("%s: report does not name %s:\n%s" % (name, expected, output))
            elif any(line.split(":")[0] in CLEAN_TREE and line.split(":")[0] not in files for line in offending):
                failures.append("%s: files of the clean tree were reported too:\n%s" % (name, output))

        empty = os.path.join(temporary, "empty")
        os.makedirs(empty)
        status, output = run(empty)
        if status == 0:
            failures.append("a root without kernel/ and devices/ must not pass:\n%s" % output)

    for failure in failures:
        print("FAIL", failure)
    print("check_headers self-test: %d cases, %d failures" % (len(BAD_CASES) + 2, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
