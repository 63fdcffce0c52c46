// The hosted machine: physical memory, CPU threads, devices, and power. `newt` and the unit
// tests both boot Newt through this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hostfs/host_mounts.h"
#include "models/vga_text_model.h"

namespace hosted {

struct MachineConfig {
    unsigned cpus = 2;
    std::size_t memory_bytes = 256u << 20;
    std::string command_line;
    // An initramfs (cpio archive) to load at the top of RAM, as a boot loader would; "" for none.
    std::string initrd_path;
    // Console on the terminal: raw mode and stdin feeding the 16550 model. When false, the
    // UART still prints to stdout but receives nothing.
    bool console_input = true;
    // SIGINT/SIGTERM/SIGHUP power the machine off cleanly (blocked in every thread, read by
    // wait_for_poweroff). Off for the unit tests.
    bool handle_termination_signals = true;
    // SIGSEGV/SIGBUS/SIGFPE/SIGILL on a CPU thread become kernel panics (cpu_faults.h). Off
    // for fuzzing, where libFuzzer's own handlers save the crashing input.
    bool kernel_fault_handlers = true;
    // Host directories hostfs mounts at boot (`--mount-host`), after the root file system.
    std::vector<HostMount> host_mounts;
};

// Creates RAM and devices and starts CPU 0 in kernel_main. Returns at once. Returns false
// (with a message on stderr) when the configuration cannot be met (an unreadable or too
// large initrd).
bool start_machine(const MachineConfig& config);

// Blocks until the kernel powers off (or a termination signal asks it to), joins every CPU
// thread, restores the terminal, and returns the exit status.
int wait_for_poweroff();

// Stops the machine from outside kernel context (a signal, Ctrl-A x, a test).
void request_poweroff(int status);

// Stops the machine like request_poweroff(0), but asks for a new boot: after
// wait_for_poweroff, reboot_requested() is true and `newt` starts over.
void request_reboot();
bool reboot_requested();

// Whether the machine is powering off, and with which status (tests that wait on something
// else use it to notice a kernel panic).
bool poweroff_requested(int* status);

// Lines queued for the console input, as if typed (tests).
void inject_console_input(const char* text);

// The machine's device models, for tests (valid after start_machine).
class PciHostModel;
class CmosRtcModel;
PciHostModel& pci_host_model();
CmosRtcModel& cmos_rtc_model();
// A copy of the VGA text screen: lines, attributes, cursor (tests).
VgaTextScreen vga_text_screen();

// Bytes from the PS/2 keyboard, scancode set 1 as the i8042 delivers them with translation
// on, e.g. {0x2e, 0xae} for 'c' pressed and released (tests).
void inject_keyboard_scancodes(const std::vector<std::uint8_t>& scancodes);

// While set, hal::entropy fails: it leaves its buffer untouched and returns false, as a
// backend without a working source would (tests of the kernel's fallback).
void fail_entropy_source(bool fail);

}  // namespace hosted
