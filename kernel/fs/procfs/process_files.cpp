// /proc/<pid>/{cmdline,comm,environ,limits,maps,stat,statm,status}: Linux's formats
// (fs/proc/array.c, task_mmu.c, base.c), from what Newt keeps of a process. Differences,
// documented in docs/devices-and-proc.md: no tty layer (tty_nr 0, tpgid -1), CPU time is
// all "user" time, faults are not counted, one thread per process.
#include "process_files.h"

#include "../../abi/stat.h"
#include "../../core/thread.h"
#include "../../hal/cpu.h"
#include "../../lib/format.h"
#include "../../mm/kmalloc.h"
#include "../../mm/user_memory.h"
#include "../../proc/process.h"
#include "../../proc/user_thread.h"
#include "../mount.h"
#include "proc_files.h"

namespace kernel {
namespace {

constexpr u64 ns_per_tick = 10'000'000;  // USER_HZ = 100
constexpr u64 page_kib = hal::page_size / 1024;
// Linux 6.1's full capability set (CAP_LAST_CAP 40): what root has.
constexpr u64 full_capabilities = 0x1ffffffffffull;

using ull = unsigned long long;

// Copies [start, end) of the process's memory into `text` (cmdline, environ). A range the
// process unmapped reads as nothing.
void append_user_range(AddressSpace& memory, uptr start, uptr end, TextBuffer& text) {
    char chunk[256];
    while (start < end) {
        usize count = end - start < sizeof chunk ? end - start : sizeof chunk;
        if (copy_from_user(memory, chunk, start, count).is_error()) return;
        text.append(chunk, count);
        start += count;
    }
}

char state_letter(Process& process) {
    if (process.state() != ProcessState::alive) return 'Z';
    if (process.is_stopped()) return 'T';
    UserThread* thread = process.main_thread();
    Thread* kernel_thread = thread ? thread->kernel_thread() : nullptr;
    if (kernel_thread && kernel_thread->state() == ThreadState::runnable) return 'R';
    return 'S';
}

const char* state_name(char letter) {
    switch (letter) {
    case 'R': return "R (running)";
    case 'Z': return "Z (zombie)";
    case 'T': return "T (stopped)";
    default: return "S (sleeping)";
    }
}

// Ignored and caught signals, as bit masks (bit N-1 for signal N).
void signal_masks(Process& process, u64& ignored, u64& caught) {
    ignored = caught = 0;
    for (int signal = 1; signal <= abi::signal_count; ++signal) {
        abi::KernelSigaction action = process.signal_action(signal);
        if (action.handler == abi::sig_ign) ignored |= abi::signal_bit(signal);
        else if (action.handler != abi::sig_dfl) caught |= abi::signal_bit(signal);
    }
}

// The resident set and sizes by kind, as /proc/<pid>/status and statm split them.
struct MemoryBreakdown {
    usize total_bytes = 0;
    usize resident = 0, resident_anonymous = 0, resident_file = 0, resident_shared_memory = 0;  // pages
    usize data_bytes = 0, stack_bytes = 0, text_bytes = 0;
    uptr start_code = 0, end_code = 0, start_data = 0, end_data = 0;
};

MemoryBreakdown memory_breakdown(AddressSpace& memory) {
    MemoryBreakdown breakdown;
    memory.for_each_vma_resident([&](const Vma& vma, usize resident) {
        breakdown.total_bytes += vma.length();
        breakdown.resident += resident;
        bool has_file = vma.file && vma.file->path().is_valid();
        if (vma.is_anonymous()) breakdown.resident_anonymous += resident;
        else if (has_file && !vma.shared) breakdown.resident_file += resident;  // private copies count as file
        else if (has_file) breakdown.resident_file += resident;
        else breakdown.resident_shared_memory += resident;  // shared anonymous memory (shmem)
        if (vma.role == VmaRole::stack || vma.grows_down) breakdown.stack_bytes += vma.length();
        else if ((vma.protection & hal::prot_exec) && has_file) {
            breakdown.text_bytes += vma.length();
            if (!breakdown.start_code) breakdown.start_code = vma.start, breakdown.end_code = vma.end;
        } else if (!vma.shared && (vma.protection & hal::prot_write)) {
            breakdown.data_bytes += vma.length();
            if (has_file && !breakdown.start_data) breakdown.start_data = vma.start, breakdown.end_data = vma.end;
        }
    });
    return breakdown;
}

// Set bits (no popcount instruction or libgcc helper in the bare-metal kernel).
int signal_count_in(u64 mask) {
    int count = 0;
    for (; mask; mask &= mask - 1) ++count;
    return count;
}

void append_kib(TextBuffer& text, const char* name, usize bytes) {
    text.appendf("%s\t%8llu kB\n", name, static_cast<ull>(bytes / 1024));
}

}  // namespace

Path reader_root() {
    if (UserThread* thread = current_user_thread()) return thread->process().vfs_context().root;
    return root_path();
}

void generate_process_cmdline(Process& process, TextBuffer& text) {
    RefPtr<AddressSpace> memory = process.memory_ref();
    if (!memory) return;  // a zombie: empty, as on Linux
    const AddressSpace::StringAreas& areas = memory->string_areas();
    append_user_range(*memory, areas.arguments_start, areas.arguments_end, text);
}

void generate_process_environ(Process& process, TextBuffer& text) {
    RefPtr<AddressSpace> memory = process.memory_ref();
    if (!memory) return;
    const AddressSpace::StringAreas& areas = memory->string_areas();
    append_user_range(*memory, areas.environment_start, areas.environment_end, text);
}

void generate_process_comm(Process& process, TextBuffer& text) {
    char name[16];
    process.copy_name(name, sizeof name);
    text.appendf("%s\n", name);
}

void generate_process_limits(Process& process, TextBuffer& text) {
    struct Row {
        const char* name;
        int resource;
        const char* unit;
    };
    static constexpr Row rows[] = {
        {"Max cpu time", abi::rlimit_cpu, "seconds"},     {"Max file size", abi::rlimit_fsize, "bytes"},
        {"Max data size", abi::rlimit_data, "bytes"},     {"Max stack size", abi::rlimit_stack, "bytes"},
        {"Max core file size", abi::rlimit_core, "bytes"}, {"Max resident set", abi::rlimit_rss, "bytes"},
        {"Max processes", abi::rlimit_nproc, "processes"}, {"Max open files", abi::rlimit_nofile, "files"},
        {"Max locked memory", abi::rlimit_memlock, "bytes"}, {"Max address space", abi::rlimit_as, "bytes"},
        {"Max file locks", abi::rlimit_locks, "locks"},   {"Max pending signals", abi::rlimit_sigpending, "signals"},
        {"Max msgqueue size", abi::rlimit_msgqueue, "bytes"}, {"Max nice priority", abi::rlimit_nice, ""},
        {"Max realtime priority", abi::rlimit_rtprio, ""}, {"Max realtime timeout", abi::rlimit_rttime, "us"},
    };
    text.appendf("%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (const Row& row : rows) {
        abi::Rlimit limit = process.limit(row.resource);
        char soft[24], hard[24];
        if (limit.current == abi::rlim_infinity) kstd::format(soft, sizeof soft, "unlimited");
        else kstd::format(soft, sizeof soft, "%llu", static_cast<ull>(limit.current));
        if (limit.maximum == abi::rlim_infinity) kstd::format(hard, sizeof hard, "unlimited");
        else kstd::format(hard, sizeof hard, "%llu", static_cast<ull>(limit.maximum));
        text.appendf("%-25s %-20s %-20s %-10s\n", row.name, soft, hard, row.unit);
    }
}

void generate_process_maps(Process& process, TextBuffer& text) {
    RefPtr<AddressSpace> memory = process.memory_ref();
    if (!memory) return;
    Path root = reader_root();
    char* path = static_cast<char*>(kmalloc(abi::path_max + 16));
    if (!path) {
        text.fail();
        return;
    }
    memory->for_each_vma([&](const Vma& vma) {
        u64 device = 0, inode = 0;
        const char* name = nullptr;
        bool has_file = vma.file && vma.file->path().is_valid();
        if (has_file) {
            FileStat stat = vma.file->path().inode().stat();
            device = stat.device;
            inode = stat.inode;
            auto length = absolute_path(vma.file->path(), root, path, abi::path_max);
            if (length.has_value()) {
                if (vma.file->path().dentry->is_detached())
                    kstd::memcpy(path + length.value(), " (deleted)", sizeof " (deleted)");
                name = path;
            }
        } else if (!vma.is_anonymous()) {
            name = "/dev/zero (deleted)";  // shared anonymous memory, as Linux names it
            inode = vma.source.inode ? vma.source.inode->number() : 0;
        } else if (vma.role == VmaRole::heap) {
            name = "[heap]";
        } else if (vma.role == VmaRole::stack) {
            name = "[stack]";
        }
        usize before = text.length();
        text.appendf("%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", static_cast<ull>(vma.start),
                     static_cast<ull>(vma.end), (vma.protection & hal::prot_read) ? 'r' : '-',
                     (vma.protection & hal::prot_write) ? 'w' : '-', (vma.protection & hal::prot_exec) ? 'x' : '-',
                     vma.shared ? 's' : 'p', static_cast<ull>(vma.offset), abi::device_major(device),
                     abi::device_minor(device), static_cast<ull>(inode));
        if (name) {
            // Linux pads the header to 73 columns before the name.
            constexpr usize name_column = 25 + sizeof(void*) * 6;
            for (usize column = text.length() - before; column < name_column; ++column) text.append(" ", 1);
            text.append(StringView(name));
        }
        text.append("\n", 1);
    });
    kfree(path);
}

void generate_process_stat(Process& process, TextBuffer& text) {
    char name[16];
    process.copy_name(name, sizeof name);
    char state = state_letter(process);
    UserThread* thread = process.main_thread();
    Thread* kernel_thread = thread ? thread->kernel_thread() : nullptr;
    u64 runtime = kernel_thread ? kernel_thread->runtime_ns() : 0;
    u64 ignored, caught;
    signal_masks(process, ignored, caught);
    RefPtr<AddressSpace> memory = process.memory_ref();
    MemoryBreakdown breakdown;
    AddressSpace::StringAreas areas;
    uptr brk_start = 0;
    if (memory) {
        breakdown = memory_breakdown(*memory);
        areas = memory->string_areas();
        brk_start = memory->brk_start();
    }
    abi::Rlimit rss_limit = process.limit(abi::rlimit_rss);
    int exit_code = process.state() == ProcessState::alive ? 0 : process.exit_status().wait_status();
    // Fields 1-52 of proc(5).
    text.appendf("%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 %llu 0 0 0 20 0 1 0 %llu %llu %llu %llu ", process.pid(), name,
                 state, process.parent_pid(), process.process_group(), process.session(), 0u,
                 static_cast<ull>(runtime / ns_per_tick), static_cast<ull>(process.start_ns() / ns_per_tick),
                 static_cast<ull>(breakdown.total_bytes), static_cast<ull>(breakdown.resident),
                 static_cast<ull>(rss_limit.current));
    text.appendf("%llu %llu %llu 0 0 %llu %llu %llu %llu 0 0 0 17 %u 0 0 0 0 0 ", static_cast<ull>(breakdown.start_code),
                 static_cast<ull>(breakdown.end_code), static_cast<ull>(areas.initial_stack),
                 static_cast<ull>(thread ? thread->pending_signals() : 0),
                 static_cast<ull>(thread ? thread->blocked_signals() : 0), static_cast<ull>(ignored),
                 static_cast<ull>(caught), kernel_thread ? kernel_thread->last_cpu() : 0u);
    text.appendf("%llu %llu %llu %llu %llu %llu %llu %d\n", static_cast<ull>(breakdown.start_data),
                 static_cast<ull>(breakdown.end_data), static_cast<ull>(brk_start),
                 static_cast<ull>(areas.arguments_start), static_cast<ull>(areas.arguments_end),
                 static_cast<ull>(areas.environment_start), static_cast<ull>(areas.environment_end), exit_code);
}

void generate_process_statm(Process& process, TextBuffer& text) {
    RefPtr<AddressSpace> memory = process.memory_ref();
    MemoryBreakdown breakdown;
    if (memory) breakdown = memory_breakdown(*memory);
    text.appendf("%llu %llu %llu %llu 0 %llu 0\n", static_cast<ull>(breakdown.total_bytes / hal::page_size),
                 static_cast<ull>(breakdown.resident),
                 static_cast<ull>(breakdown.resident_file + breakdown.resident_shared_memory),
                 static_cast<ull>(breakdown.text_bytes / hal::page_size),
                 static_cast<ull>((breakdown.data_bytes + breakdown.stack_bytes) / hal::page_size));
}

void generate_process_status(Process& process, TextBuffer& text) {
    char name[16];
    process.copy_name(name, sizeof name);
    char state = state_letter(process);
    VfsContext context = process.vfs_context();
    const Credentials& ids = context.credentials;
    Pid pid = process.pid();
    text.appendf("Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", name,
                 context.umask, state_name(state), pid, pid, process.parent_pid());
    text.appendf("Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", ids.uid, ids.euid, ids.suid, ids.fsuid, ids.gid,
                 ids.egid, ids.sgid, ids.fsgid);
    RefPtr<FileDescriptorTable> files = process.files_ref();
    text.appendf("FDSize:\t%d\nGroups:\t", files ? files->capacity() : 0);
    for (usize i = 0; i < ids.group_count; ++i) text.appendf("%u ", ids.groups[i]);
    text.appendf("\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", pid, pid, process.process_group(),
                 process.session());
    if (RefPtr<AddressSpace> memory = process.memory_ref()) {
        MemoryBreakdown breakdown = memory_breakdown(*memory);
        append_kib(text, "VmSize:", breakdown.total_bytes);
        append_kib(text, "VmLck:", 0);
        append_kib(text, "VmPin:", 0);
        append_kib(text, "VmRSS:", breakdown.resident * hal::page_size);
        text.appendf("RssAnon:\t%8llu kB\nRssFile:\t%8llu kB\nRssShmem:\t%8llu kB\n",
                     static_cast<ull>(breakdown.resident_anonymous * page_kib),
                     static_cast<ull>(breakdown.resident_file * page_kib),
                     static_cast<ull>(breakdown.resident_shared_memory * page_kib));
        append_kib(text, "VmData:", breakdown.data_bytes);
        append_kib(text, "VmStk:", breakdown.stack_bytes);
        append_kib(text, "VmExe:", breakdown.text_bytes);
        append_kib(text, "VmLib:", 0);
        append_kib(text, "VmSwap:", 0);
    }
    UserThread* thread = process.main_thread();
    u64 pending = thread ? thread->pending_signals() : 0;
    u64 ignored, caught;
    signal_masks(process, ignored, caught);
    u64 capabilities = ids.euid == 0 ? full_capabilities : 0;
    text.appendf("Threads:\t1\nSigQ:\t%d/%llu\nSigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
                 "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
                 signal_count_in(pending), static_cast<ull>(process.limit(abi::rlimit_sigpending).current), 0ull,
                 static_cast<ull>(pending), static_cast<ull>(thread ? thread->blocked_signals() : 0),
                 static_cast<ull>(ignored), static_cast<ull>(caught));
    text.appendf("CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\nCapAmb:\t%016llx\n"
                 "NoNewPrivs:\t0\nSeccomp:\t0\n",
                 0ull, static_cast<ull>(capabilities), static_cast<ull>(capabilities), static_cast<ull>(full_capabilities), 0ull);
}

}  // namespace kernel
