// The kernel command line: Linux-style "key=value" words ("loglevel=7 demo=0").
#pragma once

#include "../lib/types.h"

namespace kernel {

void set_command_line(const char* text);
const char* command_line();
// Copies the value of `key` into `value`; false when the key is absent. A bare word
// ("quiet") has the value "".
bool command_line_value(const char* key, char* value, usize size);
// The value of `key` as a decimal integer, or `fallback` when absent or malformed.
long command_line_int(const char* key, long fallback);
// What follows a "--" word: arguments for init (Linux passes them the same way); nullptr
// when there is no "--". Words are separated by spaces; init_process.cpp splits them
// (double quotes keep blanks in one word).
const char* command_line_init_arguments();

}  // namespace kernel
