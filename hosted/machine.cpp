// The hosted machine's lifetime: RAM, devices, CPU threads, and power-off.
//
// Power-off: whoever stops the machine (the kernel through hal::poweroff, a SIGTERM, Ctrl-A x)
// sets `stopping` and kicks every CPU. Each CPU thread, wherever its kernel code is, switches
// back to its own pthread stack (the host context saved when it started) and returns; the
// thread that called start_machine joins them in wait_for_poweroff.
#include "machine.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../kernel/hal/context.h"
#include "../kernel/hal/debug.h"
#include "../kernel/hal/interrupts.h"
#include "../kernel/hal/physmem.h"
#include "cpu_faults.h"
#include "host_cpu.h"
#include "interrupts.h"
#include "models/cmos_rtc_model.h"
#include "models/pc_pci_functions.h"
#include "models/pci_host_model.h"
#include "models/i8042_model.h"
#include "models/uart16550_model.h"
#include "models/vga_text_model.h"
#include "physmem.h"
#include "terminal.h"

namespace hosted {

void set_cpu_count(unsigned count);     // cpu.cpp
void bind_this_thread(HostCpu* cpu);    // cpu.cpp

namespace {

constexpr std::size_t boot_stack_size = 1u << 20;
constexpr std::uint16_t com1_base = 0x3f8;
constexpr unsigned com1_irq = 4;
constexpr unsigned keyboard_irq = 1;
// As on a PC, [640 KiB, 1 MiB) is not RAM: VGA memory and ROMs live there.
constexpr std::size_t legacy_hole_start = 0xa0000;
constexpr std::size_t legacy_hole_end = 0x100000;

hal::BootInfo boot_info;
std::string command_line;
unsigned machine_cpus = 1;
bool handle_signals = false;
std::atomic<bool> stopping {false};
std::atomic<bool> rebooting {false};
std::atomic<int> exit_status {0};
int poweroff_event = -1;
pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;  // CPU thread creation vs. join
Uart16550Model* com1 = nullptr;
PciHostModel* pci_host = nullptr;
CmosRtcModel* cmos_rtc = nullptr;
VgaTextModel* vga = nullptr;
I8042Model* i8042 = nullptr;

void cpu_entry(void* argument) {
    auto& cpu = *static_cast<HostCpu*>(argument);
    if (cpu.index == 0) kernel_main(boot_info);
    kernel_secondary_main(cpu.index);
}

void* cpu_thread_main(void* argument) {
    auto& cpu = *static_cast<HostCpu*>(argument);
    bind_this_thread(&cpu);
    cpu.tid = static_cast<int>(gettid());
    char name[16];
    std::snprintf(name, sizeof name, "newt-cpu%u", cpu.index);
    pthread_setname_np(pthread_self(), name);  // what gdb's `info threads` shows
    sigset_t kick;
    sigemptyset(&kick);
    sigaddset(&kick, kick_signal());
    pthread_sigmask(SIG_UNBLOCK, &kick, nullptr);
    give_this_cpu_a_fault_stack();
    create_cpu_timer(cpu);
    capture_host_context(cpu.host_context);
    cpu.boot_stack = mmap(nullptr, boot_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (cpu.boot_stack == MAP_FAILED) {
        perror("newt: CPU stack");
        std::exit(1);
    }
    hal::context_init(cpu.boot_context, cpu.boot_stack, boot_stack_size, cpu_entry, &cpu);
    cpu.started.store(true);
    if (!stopping.load()) hal::switch_context(cpu.host_context, cpu.boot_context);
    // Power-off lands here.
    delete_cpu_timer(cpu);
    return nullptr;
}

// Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A h prints help (as QEMU's -nographic).
bool console_escape(char byte) {
    static bool after_prefix = false;
    if (!after_prefix) {
        if (byte != 0x01) return true;
        after_prefix = true;
        return false;
    }
    after_prefix = false;
    if (byte == 'x' || byte == 'X') {
        static const char message[] = "\r\nnewt: Ctrl-A x: powering off\r\n";
        hal::early_console_write(message, sizeof message - 1);
        request_poweroff(0);
        return false;
    }
    if (byte == 'h') {
        static const char help[] = "\r\nC-a x  power off Newt\r\nC-a C-a  send C-a\r\nC-a h  this help\r\n";
        hal::early_console_write(help, sizeof help - 1);
        return false;
    }
    return byte == 0x01;
}

}  // namespace

bool machine_stopping() { return stopping.load(); }

void stop_this_cpu() {
    HostCpu* cpu = this_host_cpu();
    // No kick may run on this thread again: the host context can be resumed only once.
    sigset_t kick;
    sigemptyset(&kick);
    sigaddset(&kick, kick_signal());
    pthread_sigmask(SIG_BLOCK, &kick, nullptr);
    bind_this_thread(nullptr);
    hal::Context abandoned;
    hal::switch_context(abandoned, cpu->host_context);
    __builtin_unreachable();
}

void start_cpu_thread(unsigned index) {
    pthread_mutex_lock(&threads_lock);
    HostCpu& cpu = host_cpu(index);
    cpu.index = index;
    if (!stopping.load()) {
        cpu.created = true;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setstacksize(&attributes, 1u << 20);
        if (pthread_create(&cpu.thread, &attributes, cpu_thread_main, &cpu) != 0) {
            perror("newt: starting a CPU thread");
            std::exit(1);
        }
        pthread_attr_destroy(&attributes);
    }
    pthread_mutex_unlock(&threads_lock);
}

namespace {

// Loads the initrd file at the top of RAM, page aligned; returns its base (0 on failure).
kernel::PhysAddr load_initrd(const std::string& path, std::uint64_t& size) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat status {};
    if (fd < 0 || fstat(fd, &status) != 0) {
        std::fprintf(stderr, "newt: --initrd %s: %s\n", path.c_str(), std::strerror(errno));
        if (fd >= 0) close(fd);
        return 0;
    }
    size = static_cast<std::uint64_t>(status.st_size);
    // Leave at least half of RAM to the kernel, as a boot loader would refuse to squeeze it.
    if (size == 0 || size > physical_memory_size() / 2) {
        std::fprintf(stderr, "newt: --initrd %s: %s\n", path.c_str(), size ? "larger than half of RAM" : "empty file");
        close(fd);
        return 0;
    }
    kernel::PhysAddr base = (physical_memory_size() - size) & ~kernel::PhysAddr(hal::page_size - 1);
    auto* destination = static_cast<char*>(hal::phys_to_virt(base));
    for (std::uint64_t done = 0; done < size;) {
        ssize_t got = read(fd, destination + done, size - done);
        if (got <= 0) {
            if (got < 0 && errno == EINTR) continue;
            std::fprintf(stderr, "newt: --initrd %s: short read\n", path.c_str());
            close(fd);
            return 0;
        }
        done += static_cast<std::uint64_t>(got);
    }
    close(fd);
    return base;
}

}  // namespace

bool start_machine(const MachineConfig& config) {
    machine_cpus = config.cpus;
    handle_signals = config.handle_termination_signals;
    if (handle_signals) {
        // Every thread started from here on inherits the block; wait_for_poweroff reads them.
        sigset_t termination;
        sigemptyset(&termination);
        sigaddset(&termination, SIGINT);
        sigaddset(&termination, SIGTERM);
        sigaddset(&termination, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &termination, nullptr);
    }
    install_interrupt_handler();
    if (config.kernel_fault_handlers) install_cpu_fault_handlers();
    create_physical_memory(config.memory_bytes);
    set_cpu_count(config.cpus);

    command_line = config.command_line;
    boot_info.command_line = command_line.c_str();
    add_hostfs_boot_step(config.host_mounts);
    boot_info.memory_map[0] = {hal::page_size, legacy_hole_start - hal::page_size, hal::MemoryType::usable};
    boot_info.memory_map[1] = {legacy_hole_start, legacy_hole_end - legacy_hole_start, hal::MemoryType::reserved};
    boot_info.memory_map[2] = {legacy_hole_end, physical_memory_size() - legacy_hole_end, hal::MemoryType::usable};
    boot_info.memory_range_count = 3;
    if (!config.initrd_path.empty()) {
        std::uint64_t size = 0;
        kernel::PhysAddr base = load_initrd(config.initrd_path, size);
        if (!base) return false;
        boot_info.memory_map[2].length = base - legacy_hole_end;
        boot_info.memory_map[3] = {base, size, hal::MemoryType::initrd};
        boot_info.memory_range_count = 4;
        boot_info.initrd_base = base;
        boot_info.initrd_size = size;
    }
    boot_info.cpu_count = config.cpus;
    poweroff_event = eventfd(0, EFD_CLOEXEC);

    com1 = new Uart16550Model(com1_irq, STDOUT_FILENO);
    attach_io_device(com1_base, 8, *com1);
    vga = new VgaTextModel;
    vga->attach();
    i8042 = new I8042Model(keyboard_irq);
    i8042->attach();
    if (config.console_input) {
        enter_raw_terminal();
        com1->start_input_thread(STDIN_FILENO, console_escape);
    }
    pci_host = new PciHostModel();
    add_pc_pci_functions(*pci_host);
    attach_io_device(PciHostModel::base_port, PciHostModel::port_count, *pci_host);
    cmos_rtc = new CmosRtcModel();
    attach_io_device(CmosRtcModel::base_port, CmosRtcModel::port_count, *cmos_rtc);
    boot_info.rtc_century_register = CmosRtcModel::century_register;  // what a PC's FADT would say
    start_cpu_thread(0);
    return true;
}

void request_poweroff(int status) {
    static std::atomic<bool> requested {false};
    if (requested.exchange(true)) return;  // the first request decides the status
    // Status and wake-up first: once `stopping` is set, CPUs may leave the kernel at any time.
    exit_status.store(status);
    std::uint64_t one = 1;
    while (write(poweroff_event, &one, sizeof one) < 0 && errno == EINTR) {
    }
    stopping.store(true);
    for (unsigned i = 0; i < machine_cpus; ++i) post_interrupt(i, 0);
}

int wait_for_poweroff() {
    int signals = -1;
    if (handle_signals) {
        sigset_t termination;
        sigemptyset(&termination);
        sigaddset(&termination, SIGINT);
        sigaddset(&termination, SIGTERM);
        sigaddset(&termination, SIGHUP);
        signals = signalfd(-1, &termination, SFD_CLOEXEC);
    }
    for (;;) {
        pollfd fds[2] = {{poweroff_event, POLLIN, 0}, {signals, POLLIN, 0}};
        if (poll(fds, signals >= 0 ? 2 : 1, -1) < 0) continue;
        if (fds[0].revents) break;
        if (signals >= 0 && fds[1].revents) {
            signalfd_siginfo info {};
            if (read(signals, &info, sizeof info) == sizeof info) {
                char message[96];
                int length = std::snprintf(message, sizeof message, "\r\nnewt: %s received, powering off\r\n",
                                           strsignal(static_cast<int>(info.ssi_signo)));
                hal::early_console_write(message, static_cast<kernel::usize>(length));
                request_poweroff(0);
            }
        }
    }
    // Keep kicking until every CPU has left the kernel (a kick may land before a CPU can act).
    pthread_mutex_lock(&threads_lock);
    for (unsigned i = 0; i < machine_cpus; ++i) {
        HostCpu& cpu = host_cpu(i);
        if (!cpu.created) continue;
        for (;;) {
            timespec deadline;
            clock_gettime(CLOCK_REALTIME, &deadline);
            deadline.tv_nsec += 10'000'000;
            if (deadline.tv_nsec >= 1'000'000'000) deadline.tv_sec++, deadline.tv_nsec -= 1'000'000'000;
            if (pthread_timedjoin_np(cpu.thread, nullptr, &deadline) == 0) break;
            if (cpu.started.load()) pthread_kill(cpu.thread, kick_signal());
        }
    }
    pthread_mutex_unlock(&threads_lock);
    if (signals >= 0) close(signals);
    restore_terminal();
    return exit_status.load();
}

void request_reboot() {
    if (!stopping.load()) rebooting.store(true);  // unless a power-off came first
    request_poweroff(0);
}

bool reboot_requested() { return rebooting.load(); }

bool poweroff_requested(int* status) {
    if (!stopping.load()) return false;
    *status = exit_status.load();
    return true;
}

void inject_console_input(const char* text) {
    if (com1) com1->receive(text, std::strlen(text));
}

PciHostModel& pci_host_model() { return *pci_host; }
CmosRtcModel& cmos_rtc_model() { return *cmos_rtc; }
// Both take a model's lock, which the kernel's interrupt handlers take too: from a CPU
// thread (a test body), no interrupt may run on this CPU meanwhile.
VgaTextScreen vga_text_screen() {
    hal::InterruptGuard interrupts;
    return vga ? vga->screen() : VgaTextScreen {};
}

void inject_keyboard_scancodes(const std::vector<std::uint8_t>& scancodes) {
    hal::InterruptGuard interrupts;
    if (i8042) i8042->inject_scancodes(scancodes.data(), scancodes.size());
}

}  // namespace hosted

namespace hal {

void poweroff(int status) {
    hosted::request_poweroff(status);
    if (hosted::this_host_cpu()) hosted::stop_this_cpu();
    for (;;) pause();
}

void reboot() {
    hosted::request_reboot();
    if (hosted::this_host_cpu()) hosted::stop_this_cpu();
    for (;;) pause();
}

}  // namespace hal
