#include "exec.h"

#include "../abi/fcntl.h"
#include "../abi/stat.h"
#include "../core/klog.h"
#include "../core/random.h"
#include "../fs/permission.h"
#include "../hal/cpu.h"
#include "../hal/usermode.h"
#include "../mm/kmalloc.h"
#include "../mm/user_memory.h"
#include "elf_loader.h"
#include "initial_stack.h"
#include "script.h"
#include "user_thread.h"

namespace kernel {
namespace {

constexpr usize page_size = hal::page_size;
constexpr int max_interpreter_depth = 4;  // Linux's BINPRM_MAX_RECURSION: ELOOP beyond it
constexpr usize initial_stack_headroom = 32 * page_size;

Result<Path> find_executable(const VfsContext& context, const Path* base, StringView path, int flags) {
    if (path.is_empty()) {
        if (!(flags & exec_empty_path) || !base) return Errno::enoent;
        return *base;
    }
    return resolve_path(context, base, path, (flags & exec_symlink_nofollow) ? 0 : resolve_follow);
}

// Linux's do_open_execat + may_open: a regular file with execute permission.
Result<void> check_executable(const Path& found, const Credentials& credentials) {
    Inode& inode = found.inode();
    if (inode.is_symlink()) return Errno::eloop;  // AT_SYMLINK_NOFOLLOW on a link
    if (inode.is_directory() || !inode.is_regular()) return Errno::eacces;
    TRY(check_permission(inode, credentials, may_execute));
    // Even root needs one execute bit on a file (Linux: MAY_EXEC needs some x bit).
    if (!(inode.mode() & 0111)) return Errno::eacces;
    return ok();
}

StringView base_name(StringView path) {
    usize start = 0;
    for (usize i = 0; i < path.length(); ++i)
        if (path.data()[i] == '/') start = i + 1;
    return {path.data() + start, path.length() - start};
}

struct LoadedImage {
    RefPtr<AddressSpace> memory;
    uptr entry = 0;
    uptr stack_pointer = 0;
};

Result<void> map_segments(AddressSpace& memory, const LoadPlan& plan, RefPtr<OpenFile> file) {
    for (usize i = 0; i < plan.segment_count; ++i) {
        const LoadSegment& segment = plan.segments[i];
        usize file_pages = align_up<usize>(segment.file_bytes, page_size);
        if (file_pages > segment.length) file_pages = segment.length;
        if (file_pages) {
            MapRequest request;
            request.address = segment.start;
            request.length = file_pages;
            request.protection = segment.protection;
            request.fixed = true;
            request.offset = segment.file_offset;
            request.source = TRY(file->mmap_source());
            request.file = file;
            TRY(memory.map(std::move(request)));
            // The rest of the last file page belongs to the bss: zero it (Linux's padzero).
            usize tail = file_pages - segment.file_bytes;
            if (tail && (segment.protection & hal::prot_write))
                TRY(clear_user(memory, segment.start + segment.file_bytes, tail));
        }
        if (segment.length > file_pages) {
            MapRequest request;
            request.address = segment.start + file_pages;
            request.length = segment.length - file_pages;
            request.protection = segment.protection;
            request.fixed = true;
            TRY(memory.map(std::move(request)));
        }
    }
    return ok();
}

Result<LoadedImage> load_image(Process& process, const Path& found, const Credentials& credentials,
                               StringView executable_path, const ExecArguments& arguments) {
    Inode& inode = found.inode();
    RefPtr<OpenFile> file = TRY(inode.open(found, abi::o_rdonly));
    auto read = [&](u64 offset, void* buffer, usize length) -> Result<usize> {
        IoBuffer io = IoBuffer::kernel(buffer, length);
        return inode.read(offset, io, length);
    };
    ElfFile elf {read, inode.size()};
    ElfDiagnostic why;
    auto span = elf_load_span(elf, &why);
    if (span.is_error()) {
        if (span.error() == Errno::enoexec && why.reason)
            klog(LogLevel::debug, "exec: %.*s: %s", int(executable_path.length()), executable_path.data(), why.reason);
        return span.error();
    }
    uptr bias = 0;
    if (span->position_independent) {
        // Linux's ELF_ET_DYN_BASE: two thirds of the way up the user range.
        uptr base = align_down<uptr>(hal::user_space_end / 3 * 2, span->alignment);
        bias = base - span->start;
    }
    auto planned = plan_elf_load(elf, bias, &why);
    if (planned.is_error()) {
        if (planned.error() == Errno::enoexec && why.reason)
            klog(LogLevel::debug, "exec: %.*s: %s", int(executable_path.length()), executable_path.data(), why.reason);
        return planned.error();
    }
    const LoadPlan& plan = planned.value();

    LoadedImage image;
    image.memory = TRY(AddressSpace::create());
    abi::Rlimit stack_limit = process.limit(abi::rlimit_stack);
    u64 stack_bytes = stack_limit.current > (u64(1) << 40) ? (u64(1) << 40) : stack_limit.current;
    uptr stack_top = hal::user_space_end;
    image.memory->set_layout(0, stack_top, stack_bytes);
    TRY(map_segments(*image.memory, plan, file));
    image.memory->set_brk_start(plan.brk_start);

    u8 random[16];
    get_random_bytes(random, sizeof random);
    InitialStackSpec spec;
    spec.stack_top = stack_top;
    spec.arguments = arguments.arguments;
    spec.argument_count = arguments.argument_count;
    spec.environment = arguments.environment;
    spec.environment_count = arguments.environment_count;
    spec.executable_path = executable_path;
    spec.argument_limit = argument_space_limit(stack_limit.current);
    spec.random_bytes = random;
    spec.program_headers = plan.program_headers;
    spec.program_header_size = plan.program_header_size;
    spec.program_header_count = plan.program_header_count;
    spec.entry = plan.entry;
    spec.uid = credentials.uid;
    spec.euid = credentials.euid;
    spec.gid = credentials.gid;
    spec.egid = credentials.egid;
    spec.secure = credentials.uid != credentials.euid || credentials.gid != credentials.egid;
    spec.minimum_signal_stack_size = hal::fpu_state_size + 1024;
    hal::CpuDescription cpu;  // a few CPUID instructions; every exec asks afresh
    hal::describe_cpu(cpu);
    spec.hwcap = cpu.user_hwcap;
    spec.hwcap2 = cpu.user_hwcap2;
    usize size = TRY(initial_stack_size(spec));
    auto* buffer = static_cast<u8*>(kmalloc(size));
    if (!buffer) return Errno::enomem;
    auto built = build_initial_stack(spec, buffer, size);
    if (built.is_error()) {
        kfree(buffer);
        return built.error();
    }
    // The stack VMA: the image and some room below; it grows down from there.
    uptr stack_bottom = align_down<uptr>(built->stack_pointer, page_size) - initial_stack_headroom;
    MapRequest stack;
    stack.address = stack_bottom;
    stack.length = stack_top - stack_bottom;
    stack.protection = hal::prot_read | hal::prot_write | (plan.executable_stack ? u32(hal::prot_exec) : 0u);
    stack.fixed = true;
    stack.grows_down = true;
    stack.role = VmaRole::stack;
    auto mapped = image.memory->map(std::move(stack));
    Result<void> copied = mapped.is_error() ? Result<void>(mapped.error())
                                            : copy_to_user(*image.memory, built->stack_pointer, buffer, size);
    kfree(buffer);
    TRY(copied);
    image.memory->set_string_areas({built->arguments_start, built->arguments_end, built->environment_start,
                                    built->environment_end, built->stack_pointer});
    image.entry = plan.entry;
    image.stack_pointer = built->stack_pointer;
    return image;
}

// Set-user-ID and set-group-ID files run with their owner's ids (unless the caller asked
// for no new privileges). Then, set-id file or not, the saved and the file-system ids
// become the effective ones, as Linux's exec does (a setfsuid or a setresuid's saved id
// does not survive an exec).
Credentials credentials_for(const Inode& inode, Credentials credentials, bool no_new_privileges) {
    u32 mode = no_new_privileges ? 0u : inode.mode();
    if (mode & abi::s_isuid) credentials.euid = inode.uid();
    if ((mode & abi::s_isgid) && (mode & 0010)) credentials.egid = inode.gid();
    credentials.suid = credentials.fsuid = credentials.euid;
    credentials.sgid = credentials.fsgid = credentials.egid;
    return credentials;
}

}  // namespace

Result<void> execute(UserThread& thread, const Path* base, StringView path, const ExecArguments& arguments,
                     int flags) {
    Process& process = thread.process();
    VfsContext context = process.vfs_context();
    StringView executable_path = path;
    // Scripts rebuild argv: the interpreter, its argument, the script, then argv[1..].
    u8 line_buffers[max_interpreter_depth + 1][script_buffer_size];
    ExecArguments current = arguments;
    // The rebuilt argv needs one array per level; they are small, so each level gets a
    // kernel copy of the vector (pointers only; the strings stay where they are).
    StringView* rebuilt[max_interpreter_depth + 1] = {};
    auto free_rebuilt = [&] {
        for (StringView* vector : rebuilt) kfree(vector);
    };
    const Path* lookup_base = base;
    StringView lookup = path;
    int lookup_flags = flags;
    for (int depth = 0;; ++depth) {
        auto found_or_error = find_executable(context, lookup_base, lookup, lookup_flags);
        if (found_or_error.is_error()) {
            free_rebuilt();
            return found_or_error.error();
        }
        Path found = found_or_error.release_value();
        if (auto checked = check_executable(found, context.credentials); checked.is_error()) {
            free_rebuilt();
            return checked.error();
        }
        u8* line = line_buffers[depth];
        IoBuffer io = IoBuffer::kernel(line, script_buffer_size);
        auto head = found.inode().read(0, io, script_buffer_size);
        if (head.is_error()) {
            free_rebuilt();
            return head.error();
        }
        if (is_script(line, head.value())) {
            if (depth >= max_interpreter_depth) {
                free_rebuilt();
                return Errno::eloop;
            }
            auto parsed = parse_script_line(line, head.value());
            if (parsed.is_error()) {
                free_rebuilt();
                return parsed.error();
            }
            usize rest = current.argument_count > 1 ? current.argument_count - 1 : 0;
            usize count = 2 + (parsed->has_argument ? 1 : 0) + rest;
            auto* vector = static_cast<StringView*>(kmalloc(sizeof(StringView) * count));
            if (!vector) {
                free_rebuilt();
                return Errno::enomem;
            }
            rebuilt[depth] = vector;
            usize at = 0;
            vector[at++] = parsed->path;
            if (parsed->has_argument) vector[at++] = parsed->argument;
            vector[at++] = lookup;  // the script as it was named
            for (usize i = 0; i < rest; ++i) vector[at++] = current.arguments[1 + i];
            current.arguments = vector;
            current.argument_count = count;
            lookup = parsed->path;
            lookup_base = nullptr;
            lookup_flags = 0;
            continue;
        }
        Credentials credentials = credentials_for(found.inode(), context.credentials, process.no_new_privileges());
        auto image = load_image(process, found, credentials, executable_path, current);
        free_rebuilt();
        TRY(image);

        // The point of no return.
        process.set_memory(image->memory);
        thread.release_vfork_parent();
        process.files().close_on_exec_now();
        process.reset_signal_actions_for_exec();
        process.change_vfs_context([&](VfsContext& vfs) { vfs.credentials = credentials; });
        process.set_name(base_name(executable_path));
        process.set_executable(found);
        // Linux's setup_new_exec: dumpable again, unless the exec changed the ids.
        process.set_dumpable(credentials.euid == credentials.uid && credentials.egid == credentials.gid);
        hal::UserContext& registers = thread.context();
        hal::reset_user_context(registers);
        registers.rip = image->entry;
        registers.rsp = image->stack_pointer;
        thread.mark_new_context();
        return ok();
    }
}

}  // namespace kernel
