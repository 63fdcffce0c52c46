// The kernel monitor: a line-oriented prompt on the console until the shell arrives.
#include "../drivers/pci_bus.h"
#include "../hal/cpu.h"
#include "../hal/debug.h"
#include "../hal/timer.h"
#include "../lib/civil_time.h"
#include "../lib/format.h"
#include "../lib/string.h"
#include "../mm/frame_allocator.h"
#include "../mm/kmalloc.h"
#include "../tty/console.h"
#include "boot.h"
#include "crash.h"
#include "monitor_file_commands.h"
#include "klog.h"
#include "panic.h"
#include "scheduler.h"
#include "user_mode_selftest.h"
#include "wall_clock.h"

namespace kernel {
namespace {

struct Command {
    const char* name;
    const char* help;
    void (*run)(const char* arguments);  // the rest of the line, leading spaces skipped
};

void print_seconds(u64 ns) {
    kprintf("%llu.%03llu s", static_cast<unsigned long long>(ns / 1'000'000'000),
            static_cast<unsigned long long>(ns / 1'000'000 % 1000));
}

const char* state_name(ThreadState state) {
    switch (state) {
    case ThreadState::runnable: return "runnable";
    case ThreadState::blocked: return "blocked";
    case ThreadState::dead: return "dead";
    }
    return "?";
}

void command_help(const char*);

void command_threads(const char*) {
    kprintf("%5s  %-16s %-9s %3s %4s %12s %9s\n", "TID", "NAME", "STATE", "PRI", "CPU", "RUNTIME(ms)", "SWITCHES");
    for_each_thread([](const ThreadInfo& info) {
        const char* state = info.running ? "running" : state_name(info.state);
        char cpu[8];
        kstd::format(cpu, sizeof cpu, "%u%s", info.cpu, info.pinned_cpu >= 0 ? "p" : "");
        kprintf("%5u  %-16s %-9s %3d %4s %12llu %9llu\n", info.id, info.name, state, info.priority, cpu,
                static_cast<unsigned long long>(info.runtime_ns / 1'000'000),
                static_cast<unsigned long long>(info.switches));
    });
}

void command_mem(const char*) {
    mm::FrameStats frames = mm::frame_stats();
    kprintf("frames: %zu total, %zu free, %zu used (%zu KiB free); %zu allocations, %zu failed\n",
            frames.total_frames, frames.free_frames, frames.total_frames - frames.free_frames,
            frames.free_frames * 4, frames.allocations, frames.failures);
    HeapStats heap = heap_stats();
    kprintf("%-14s %8s %8s %8s %12s\n", "CACHE", "OBJSIZE", "SLABS", "IN USE", "ALLOCATIONS");
    for (const SlabCacheStats& cache : heap.caches)
        kprintf("%-14s %8zu %8zu %8zu %12zu\n", cache.name, cache.object_size, cache.slabs, cache.in_use,
                cache.allocations);
    kprintf("large blocks: %zu in use, %zu KiB; failed allocations: %zu\n", heap.large_in_use, heap.large_bytes / 1024,
            heap.failures);
}

void command_uptime(const char*) {
    kprintf("up ");
    print_seconds(hal::monotonic_ns());
    kprintf(", %u CPUs\n", hal::cpu_count());
    for (unsigned c = 0; c < hal::cpu_count(); ++c) {
        CpuStats stats = cpu_stats(c);
        kprintf("  cpu%u: busy ", c);
        print_seconds(stats.busy_ns);
        kprintf(", idle ");
        print_seconds(stats.idle_ns);
        kprintf(", %llu switches, %llu preemptions, %zu queued, running %s\n",
                static_cast<unsigned long long>(stats.context_switches), static_cast<unsigned long long>(stats.preemptions),
                stats.runnable, stats.current);
    }
}

void command_log(const char*) {
    for_each_kernel_log_line([](const char* line, usize length) { console_write(line, length); });
}

void command_date(const char*) {
    char text[32];
    format_civil_time(text, sizeof text, from_unix_seconds(static_cast<i64>(realtime_ns() / 1'000'000'000)));
    kprintf("%s UTC\n", text);
}

void command_poweroff(const char*) {
    klog_info("monitor: powering off");
    hal::poweroff(0);
}

void command_reboot(const char*) {
    klog_info("monitor: rebooting");
    hal::reboot();
}

void command_panic(const char*) { panic("requested from the monitor"); }

void command_crash(const char* kind) {
    for (const CrashKind* crash = crash_kinds; crash->name; ++crash) {
        if (kstd::strcmp(crash->name, kind) == 0) {
            klog_warn("monitor: crash %s: %s", crash->name, crash->description);
            crash->run();
            kprintf("crash %s: the kernel survived (the fault did not happen)\n", crash->name);
            return;
        }
    }
    kprintf("usage: crash KIND, where KIND is one of\n");
    for (const CrashKind* crash = crash_kinds; crash->name; ++crash)
        kprintf("  %-8s %s\n", crash->name, crash->description);
}

// usertest [COUNT] [TEXT]: the cases whose name contains TEXT, each COUNT times.
void command_usertest(const char* arguments) {
    unsigned repeat = 0;
    const char* text = arguments;
    while (*text >= '0' && *text <= '9' && repeat < 100000) repeat = repeat * 10 + static_cast<unsigned>(*text++ - '0');
    if (repeat && (*text == ' ' || *text == '\0')) {
        while (*text == ' ') ++text;
    } else {
        repeat = 1;
        text = arguments;
    }
    run_user_mode_selftest(*text ? text : nullptr, repeat);
}

const Command commands[] = {
    {"help", "list the commands", command_help},
    {"threads", "list kernel threads", command_threads},
    {"mem", "physical frames and kernel heap statistics", command_mem},
    {"uptime", "time since boot and per-CPU load", command_uptime},
    {"log", "print the kernel log", command_log},
    {"date", "the wall clock (UTC)", command_date},
    {"ls", "list a directory: ls [PATH]", monitor_ls},
    {"cat", "print a file: cat FILE", monitor_cat},
    {"mounts", "list the mounted file systems", monitor_mounts},
    {"pci", "list the PCI functions and their BARs", [](const char*) { print_pci_functions(); }},
    {"demo", "run the preemption self-demo again", [](const char*) { run_self_demo(); }},
    {"poweroff", "stop Newt", command_poweroff},
    {"reboot", "restart Newt", command_reboot},
    {"panic", "crash the kernel on purpose (tests the panic path)", command_panic},
    {"crash", "take a CPU exception on purpose: crash null|rodata|exec|divide|ud2", command_crash},
    {"usertest", "the user-mode self-test through the HAL: usertest [COUNT] [TEXT]", command_usertest},
};

void command_help(const char*) {
    for (const Command& command : commands) kprintf("  %-10s %s\n", command.name, command.help);
}

// Reads a line with echo, backspace and Ctrl-C/Ctrl-U handling.
usize read_line(char* line, usize capacity) {
    static bool last_was_cr = false;
    usize length = 0;
    for (;;) {
        char c = console_read_char();
        if (c == '\n' && last_was_cr) {  // "\r\n": the '\n' belongs to the Enter already seen
            last_was_cr = false;
            continue;
        }
        last_was_cr = c == '\r';
        if (c == '\r' || c == '\n') {
            console_write("\n", 1);
            line[length] = '\0';
            return length;
        }
        if (c == 0x7f || c == '\b') {
            if (length) {
                --length;
                console_write("\b \b", 3);
            }
        } else if (c == 0x03) {  // Ctrl-C: abandon the line
            console_write("^C\n", 3);
            length = 0;
            line[0] = '\0';
            return 0;
        } else if (c == 0x15) {  // Ctrl-U: erase the line
            while (length) {
                --length;
                console_write("\b \b", 3);
            }
        } else if (c >= ' ' && c < 0x7f && length + 1 < capacity) {
            line[length++] = c;
            console_write(&c, 1);
        }
    }
}

}  // namespace

void run_monitor() {
    kprintf("Newt kernel monitor. Type 'help' for commands.\n");
    char line[128];
    for (;;) {
        kprintf("newt> ");
        read_line(line, sizeof line);
        char* word = line;
        while (*word == ' ') ++word;
        char* end = word;
        while (*end && *end != ' ') ++end;
        char* arguments = end;
        if (*end) *arguments++ = '\0';
        while (*arguments == ' ') ++arguments;
        if (!*word) continue;
        bool found = false;
        for (const Command& command : commands) {
            if (kstd::strcmp(command.name, word) == 0) {
                command.run(arguments);
                found = true;
                break;
            }
        }
        if (!found) kprintf("%s: unknown command (try 'help')\n", word);
    }
}

}  // namespace kernel
