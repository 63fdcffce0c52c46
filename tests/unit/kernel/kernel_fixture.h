// Boots one hosted Newt machine inside the test process (like LKL's boot test) and runs test
// bodies in kernel context, on a kernel thread, where the scheduler, wait queues and the
// kernel heap are usable.
#pragma once

#include <functional>

namespace newt_test {

// Runs `body` on a kernel thread of the machine booted for this test binary and waits for it
// to return. GoogleTest assertions work inside `body` (they only record failures).
//
// The body runs on a thread pinned to CPU 0, so host code it calls always resumes on the
// same host thread after a preemption. Threads it spawns must not call host code (no
// GoogleTest, no malloc): a second fiber on the same host thread could find a host lock held
// by the preempted body. They record results for the body to check.
void run_in_kernel(const std::function<void()>& body);

// Number of CPUs the test machine was booted with.
unsigned test_machine_cpus();

// Replaces the test machine's kernel command line (default "loglevel=4": warnings and worse
// on the console). Only before the machine boots: call it from a static initializer, e.g.
//   const bool configured = (newt_test::set_test_machine_command_line("loglevel=7"), true);
void set_test_machine_command_line(const char* command_line);

}  // namespace newt_test
