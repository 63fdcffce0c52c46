// The files of /proc and the functions that generate their text. Each appends the whole
// file to `text` (TextBuffer reports running out of memory at the end).
#pragma once

#include "../../lib/text_buffer.h"

namespace kernel {

void generate_cpuinfo(TextBuffer& text);      // cpuinfo.cpp
void generate_filesystems(TextBuffer& text);  // filesystems.cpp
void generate_loadavg(TextBuffer& text);      // loadavg.cpp
void generate_meminfo(TextBuffer& text);      // meminfo.cpp
void generate_mounts(TextBuffer& text);       // mounts.cpp
void generate_stat(TextBuffer& text);         // stat.cpp
void generate_uptime(TextBuffer& text);       // uptime.cpp
void generate_version(TextBuffer& text);      // version.cpp

struct ProcFileEntry {
    const char* name;
    void (*generate)(TextBuffer& text);
};

// The entries of the /proc root, in directory order.
inline constexpr ProcFileEntry proc_root_files[] = {
    {"cpuinfo", generate_cpuinfo}, {"filesystems", generate_filesystems}, {"loadavg", generate_loadavg},
    {"meminfo", generate_meminfo}, {"mounts", generate_mounts},           {"stat", generate_stat},
    {"uptime", generate_uptime},   {"version", generate_version},
};
inline constexpr usize proc_root_file_count = sizeof proc_root_files / sizeof proc_root_files[0];

}  // namespace kernel
