// "#!" scripts, parsed by the rules of Linux's fs/binfmt_script.c (Linux 5.1 and later).
//
// The exec code reads the first script_buffer_size bytes of the file (fewer if the file is
// shorter) and passes them here. For "#!INTERPRETER [ARGUMENT]" it gets the interpreter path
// and the optional argument and runs the interpreter instead, with the argv
//     INTERPRETER [ARGUMENT] SCRIPT-PATH argv[1] argv[2] ...
// (SCRIPT-PATH is the path given to execve; the original argv[0] is dropped; AT_EXECFN stays
// the script's path). It limits how deep scripts may nest (Linux: ELOOP after 5 levels).
//
// The rules, on the buffer padded with NULs to script_buffer_size bytes as Linux reads it:
// - the line ends at the first '\n' (a NUL before it hides it); with no '\n' in the buffer
//   the line is cut at byte 255, and that is accepted only if a blank (space or tab) or
//   NUL follows the interpreter path inside the buffer: a path that may be truncated is
//   ENOEXEC, a truncated argument is fine;
// - trailing blanks are removed, leading blanks skipped; the interpreter is what follows,
//   up to the first blank or NUL; the argument is everything after the blanks that follow
//   it, inner blanks included, up to the end of the line or a NUL;
// - no interpreter on the line ("#!\n", "#!  \n") is ENOEXEC; an argument that starts with a
//   NUL is an empty argument, not none;
// - an interpreter that starts with a NUL ("#!" alone in a file, "#!\0...") is the empty
//   path, which Linux resolves to the current directory and refuses to execute: EACCES
//   (returned here, so the exec code needs no special case).
#pragma once

#include "../lib/result.h"
#include "../lib/string_view.h"
#include "../lib/types.h"

namespace kernel {

inline constexpr usize script_buffer_size = 256;  // Linux's BINPRM_BUF_SIZE

struct ScriptInterpreter {
    StringView path;      // points into the caller's buffer; never empty, never contains a NUL
    bool has_argument = false;
    StringView argument;  // likewise; may be empty even when has_argument is true
};

// True when the file starts with "#!" (the exec code's test for a script).
bool is_script(const u8* buffer, usize length);

// Parses the "#!" line at the start of buffer[0, length) (length is capped at
// script_buffer_size). ENOEXEC when the buffer does not start with "#!" or the line names no
// usable interpreter; EACCES for the empty interpreter path.
Result<ScriptInterpreter> parse_script_line(const u8* buffer, usize length);

}  // namespace kernel
