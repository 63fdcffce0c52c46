#include "boot.h"

#include "../drivers/console_device.h"
#include "../drivers/memory_devices.h"
#include "../drivers/pci_bus.h"
#include "../drivers/rtc_clock.h"
#include "../drivers/keyboard.h"
#include "../drivers/serial_console.h"
#include "../fs/root_file_system.h"
#include "../proc/init_process.h"
#include "../drivers/vga_console.h"
#include "../hal/boot.h"
#include "../hal/cpu.h"
#include "../hal/debug.h"
#include "../hal/timer.h"
#include "../mm/frame_allocator.h"
#include "command_line.h"
#include "klog.h"
#include "load_average.h"
#include "panic.h"
#include "random.h"
#include "scheduler.h"

namespace kernel {
namespace {

BootHook boot_hook = nullptr;
BootStep boot_steps[max_boot_steps];
unsigned boot_step_count = 0;
PhysAddr initrd_base = 0;  // from the BootInfo, for the first thread
u64 initrd_size = 0;

const char* memory_type_name(hal::MemoryType type) {
    switch (type) {
    case hal::MemoryType::usable: return "usable";
    case hal::MemoryType::reserved: return "reserved";
    case hal::MemoryType::kernel: return "kernel";
    case hal::MemoryType::initrd: return "initrd";
    }
    return "?";
}

void wait_for_cpus() {
    u64 give_up = hal::monotonic_ns() + 5'000'000'000ull;
    while (online_cpu_count() < hal::cpu_count() && hal::monotonic_ns() < give_up) sleep_ns(1'000'000);
    klog_info("smp: %u of %u CPUs online", online_cpu_count(), hal::cpu_count());
}

// The first kernel thread: finishes bring-up, then runs the demo and the monitor.
void first_thread(void*) {
    wait_for_cpus();
    // In a thread: the VFS takes mutexes, which an idle thread must never wait on.
    if (auto result = init_root_file_system(initrd_base, initrd_size); result.is_error())
        panic("root file system: %s", errno_name(result.error()));
    // Character devices and their nodes in /dev.
    if (auto result = init_memory_devices(); result.is_error())
        klog_error("memory devices: %s", errno_name(result.error()));
    if (auto result = init_console_device(); result.is_error())
        klog_error("/dev/console: %s", errno_name(result.error()));
    for (unsigned i = 0; i < boot_step_count; ++i) {
        if (auto result = boot_steps[i](); result.is_error()) {
            klog_error("boot: a backend step failed (%s): powering off", errno_name(result.error()));
            hal::poweroff(1);
        }
    }
    if (boot_hook) {
        boot_hook();
        exit_thread(0);
    }
    if (auto result = start_load_average(); result.is_error()) klog_warn("loadavg: %s", errno_name(result.error()));
    auto init = start_init();
    if (init.is_error()) klog_error("init: %s", errno_name(init.error()));
    // A command for init ("-- /path args") owns the console; otherwise the monitor stays
    // (until there is a shell).
    if (init.has_value() && init->with_command) exit_thread(0);
    if (command_line_int("demo", 1)) run_self_demo();
    run_monitor();
}

}  // namespace

void set_boot_hook(BootHook hook) { boot_hook = hook; }

bool add_boot_step(BootStep step) {
    if (boot_step_count == max_boot_steps) return false;
    boot_steps[boot_step_count++] = step;
    return true;
}

}  // namespace kernel

void kernel_main(const hal::BootInfo& boot_info) {
    using namespace kernel;
    set_command_line(boot_info.command_line);
    set_console_log_level(static_cast<int>(command_line_int("loglevel", 7)));
    klog_info("Newt %s booting on the %s backend", version, hal::backend::Traits::name);
    klog_info("command line: '%s'", command_line());

    u64 usable = 0;
    for (usize i = 0; i < boot_info.memory_range_count; ++i) {
        const hal::MemoryRange& range = boot_info.memory_map[i];
        klog_info("memory: [%#012llx-%#012llx] %s", static_cast<unsigned long long>(range.base),
                  static_cast<unsigned long long>(range.base + range.length - 1), memory_type_name(range.type));
        if (range.type == hal::MemoryType::usable) usable += range.length;
    }
    if (auto result = mm::init_frame_allocator(boot_info); result.is_error())
        panic("frame allocator: %s", errno_name(result.error()));
    mm::FrameStats frames = mm::frame_stats();
    klog_info("memory: %llu MiB usable, %zu frames managed, %zu free", static_cast<unsigned long long>(usable / MiB),
              frames.total_frames, frames.free_frames);

    initrd_base = boot_info.initrd_base;
    initrd_size = boot_info.initrd_size;
    scheduler_init_cpu(0);
    random_init();
    init_serial_console();
    init_rtc_clock(boot_info.rtc_century_register);
    init_pci_bus();
    init_vga_console();
    init_keyboard();
    if (auto result = scheduler_start_services(); result.is_error())
        panic("scheduler services: %s", errno_name(result.error()));

    klog_info("cpu: %u CPUs present, starting the secondaries", boot_info.cpu_count);
    hal::start_secondary_cpus();
    if (auto thread = spawn_thread(first_thread, nullptr, {.name = "main"}); thread.is_error())
        panic("cannot start the first thread: %s", errno_name(thread.error()));
    idle_loop();
}

void kernel_secondary_main(unsigned cpu) {
    kernel::scheduler_init_cpu(cpu);
    klog_info("cpu%u: online", cpu);
    kernel::idle_loop();
}
