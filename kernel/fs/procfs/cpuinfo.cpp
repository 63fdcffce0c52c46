// /proc/cpuinfo: one block per CPU in Linux's x86 layout (label, tabs to the column, ": ",
// value), each followed by a blank line. Newt reports the fields it knows
// (hal::describe_cpu); every CPU of a machine is alike.
#include "../../hal/cpu.h"
#include "proc_files.h"

namespace kernel {

void generate_cpuinfo(TextBuffer& text) {
    hal::CpuDescription cpu;
    hal::describe_cpu(cpu);
    for (unsigned index = 0; index < hal::cpu_count(); ++index) {
        text.appendf("processor\t: %u\n", index);
        text.appendf("vendor_id\t: %s\n", cpu.vendor[0] ? cpu.vendor : "unknown");
        text.appendf("cpu family\t: %u\n", cpu.family);
        text.appendf("model\t\t: %u\n", cpu.model);
        text.appendf("model name\t: %s\n", cpu.model_name[0] ? cpu.model_name : "unknown");
        text.appendf("stepping\t: %u\n", cpu.stepping);
        text.appendf("cpu MHz\t\t: %llu.%03llu\n", static_cast<unsigned long long>(cpu.frequency_khz / 1000),
                     static_cast<unsigned long long>(cpu.frequency_khz % 1000));
        text.append("\n", 1);
    }
}

}  // namespace kernel
