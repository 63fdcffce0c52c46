// The per-process files of procfs (/proc/<pid>/...): what each shows of a Process, in
// Linux's formats (docs/devices-and-proc.md). Each appends the whole file to `text`.
#pragma once

#include "../../lib/result.h"
#include "../../lib/text_buffer.h"

namespace kernel {

class Process;
struct Path;

// The reader's view of the tree: procfs shows paths (maps, the links) from the calling
// process's root, as Linux's d_path does; the global root for kernel threads.
Path reader_root();

void generate_process_cmdline(Process& process, TextBuffer& text);
void generate_process_comm(Process& process, TextBuffer& text);
void generate_process_environ(Process& process, TextBuffer& text);
void generate_process_limits(Process& process, TextBuffer& text);
void generate_process_maps(Process& process, TextBuffer& text);
void generate_process_stat(Process& process, TextBuffer& text);
void generate_process_statm(Process& process, TextBuffer& text);
void generate_process_status(Process& process, TextBuffer& text);

}  // namespace kernel
