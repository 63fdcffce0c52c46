// newt: boots the Newt kernel as a Linux process.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "../kernel/hal/backend.h"
#include "machine.h"

namespace {

// "256M", "1G", "65536K", "1048576" -> bytes; 0 when malformed.
std::size_t parse_size(const std::string& text) {
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    if (digits == 0 || digits + 1 < text.size()) return 0;
    std::size_t value = std::stoull(text.substr(0, digits));
    char unit = digits < text.size() ? static_cast<char>(std::toupper(static_cast<unsigned char>(text[digits]))) : 'M';
    switch (unit) {
    case 'K': return value << 10;
    case 'M': return value << 20;
    case 'G': return value << 30;
    default: return 0;
    }
}

}  // namespace

#if defined(NEWT_ASAN)
namespace {
// Set at power-off: the machine is dropped as a real one is, with processes (their stubs,
// page tables) still alive, so what they hold is not a leak.
std::atomic<bool> machine_abandoned {false};
}  // namespace
// LeakSanitizer asks this at exit.
extern "C" int __lsan_is_turned_off() { return machine_abandoned.load() ? 1 : 0; }
#endif

int main(int argc, char** argv) {
    CLI::App app {"Newt, a Unix-like OS, running as a Linux process", "newt"};
    hosted::MachineConfig config;
    std::string memory = "256M";
    std::string display = "none";
    app.add_option("--smp", config.cpus, "Number of CPUs")->check(CLI::Range(1u, hal::max_cpus));
    app.add_option("--mem", memory, "RAM size (suffix K, M or G; plain numbers are MiB)")->capture_default_str();
    app.add_option("--display", display, "Display: none (sdl arrives with the display step)")
        ->check(CLI::IsMember({"none"}))
        ->capture_default_str();
    app.add_option("--append", config.command_line, "Kernel command line (\"loglevel=7 demo=0\")");
    config.initrd_path = NEWT_DEFAULT_INITRD;
    app.add_option("--initrd", config.initrd_path,
                   "Initramfs (a cpio archive) unpacked into the root file system; 'none' for none")
        ->capture_default_str();
    std::vector<std::string> host_mounts;
    app.add_option("--mount-host", host_mounts, "Mount host directory HOSTDIR on GUESTDIR with hostfs (repeatable)")
        ->option_text("HOSTDIR:GUESTDIR")
        ->allow_extra_args(false);
    std::vector<std::string> command;
    app.add_option("command", command,
                   "After --: a program and its arguments for init to run (in /tmp, on the console); newt exits "
                   "with its status (128+N if signal N killed it)");
    app.positionals_at_end();
    CLI11_PARSE(app, argc, argv);
    if (!command.empty()) {
        // init receives the words after "--" on the kernel command line, as on Linux; a
        // word with blanks travels in double quotes.
        std::string words = " --";
        for (const std::string& word : command) {
            if (word.empty() || word.find_first_of("\"\n") != std::string::npos) {
                std::fprintf(stderr, "newt: command words may not be empty or contain '\"' or newlines: '%s'\n",
                             word.c_str());
                return 2;
            }
            bool quote = word.find_first_of(" \t") != std::string::npos;
            words += quote ? " \"" + word + "\"" : " " + word;
        }
        config.command_line += words;
    }

    if (config.initrd_path == "none") config.initrd_path.clear();
    for (const std::string& text : host_mounts) {
        hosted::HostMount mount;
        std::string problem = hosted::parse_host_mount(text, mount);
        if (!problem.empty()) {
            std::fprintf(stderr, "newt: --mount-host %s: %s\n", text.c_str(), problem.c_str());
            return 2;
        }
        config.host_mounts.push_back(mount);
    }

    config.memory_bytes = parse_size(memory);
    if (config.memory_bytes < (16u << 20) || config.memory_bytes > (64ull << 30)) {
        std::fprintf(stderr, "newt: --mem must be between 16M and 64G (got '%s')\n", memory.c_str());
        return 2;
    }
    if (!hosted::start_machine(config)) return 1;
    int status = hosted::wait_for_poweroff();
#if defined(NEWT_ASAN)
    machine_abandoned = true;
#endif
    if (hosted::reboot_requested()) {
        // A new boot in a fresh process: nothing of the old machine survives, as on a PC.
        std::fputs("newt: rebooting\r\n", stderr);
        execv("/proc/self/exe", argv);
        std::perror("newt: reboot failed");
        return 1;
    }
    return status;
}
