// Deliberate kernel faults, for testing the CPU-exception paths end to end (like Linux's
// lkdtm): the monitor's `crash KIND` calls these. Each one faults and never returns.
#pragma once

namespace kernel {

struct CrashKind {
    const char* name;
    const char* description;
    void (*run)();
};

// The kinds, ending with {nullptr, ...}.
extern const CrashKind crash_kinds[];

}  // namespace kernel
