#include "system.h"

#include "../abi/io.h"
#include "../core/boot.h"
#include "../core/load_average.h"
#include "../core/random.h"
#include "../fs/tmpfs/tmpfs.h"
#include "../hal/timer.h"
#include "../mm/frame_allocator.h"
#include "../lib/string.h"
#include "../mm/user_memory.h"
#include "../proc/user_thread.h"

namespace kernel {
namespace {

void copy_field(char (&field)[65], const char* text) {
    usize length = kstd::strlen(text);
    if (length > 64) length = 64;
    kstd::memcpy(field, text, length);
    field[length] = '\0';
}

AddressSpace& memory() { return current_user_thread()->process().memory(); }

}  // namespace

// Newt answers as the Linux it imitates (sysname "Linux", a 6.1 release), as gVisor does:
// programs compare these to decide which kernel features exist. The version field says
// what it really is.
Result<long> sys_uname(UserPtr<abi::Utsname> name) {
    abi::Utsname result {};
    copy_field(result.sysname, "Linux");
    copy_field(result.nodename, "newt");
    copy_field(result.release, "6.1.0-newt");
    char version_text[65];
    usize length = 0;
    for (const char* part : {"#1 SMP Newt ", version}) {
        for (const char* c = part; *c && length < 64; ++c) version_text[length++] = *c;
    }
    version_text[length] = '\0';
    copy_field(result.version, version_text);
    copy_field(result.machine, "x86_64");
    copy_field(result.domainname, "(none)");
    TRY(copy_to_user(memory(), name.address(), &result, sizeof result));
    return 0;
}

// sysinfo(2): memory in pages (mem_unit = the page size), shared = tmpfs pages as
// /proc/meminfo's Shmem; no swap, buffers or high memory.
Result<long> sys_sysinfo(UserPtr<abi::Sysinfo> info) {
    abi::Sysinfo result {};
    result.uptime = static_cast<i64>(hal::monotonic_ns() / 1'000'000'000);
    LoadAverage load = load_average();
    // Linux scales its FSHIFT (11-bit) averages to SI_LOAD_SHIFT (16 bits).
    for (int i = 0; i < 3; ++i) result.loads[i] = load.averages[i] << (abi::si_load_shift - 11);
    mm::FrameStats frames = mm::frame_stats();
    result.totalram = frames.total_frames;
    result.freeram = frames.free_frames;
    result.sharedram = tmpfs_total_pages();
    usize processes = Process::count();
    result.procs = static_cast<u16>(processes > 0xffff ? 0xffff : processes);
    result.mem_unit = hal::page_size;
    TRY(copy_to_user(memory(), info.address(), &result, sizeof result));
    return 0;
}

// getrandom(2): the generator is seeded at boot and never blocks, so GRND_NONBLOCK and
// GRND_RANDOM change nothing. Fills in 256-byte pieces; a fault after some bytes returns
// what was written, as does a request to stop (a signal, on Linux).
Result<long> sys_getrandom(UserPtr<u8> buffer, usize count, u32 flags) {
    if (flags & ~(abi::grnd_nonblock | abi::grnd_random | abi::grnd_insecure)) return Errno::einval;
    if ((flags & abi::grnd_insecure) && (flags & abi::grnd_random)) return Errno::einval;
    constexpr usize max_count = 0x7ffff000;  // MAX_RW_COUNT
    if (count > max_count) count = max_count;
    u8 piece[256];
    usize done = 0;
    while (done < count) {
        usize length = count - done < sizeof piece ? count - done : sizeof piece;
        get_random_bytes(piece, length);
        auto copied = copy_to_user(memory(), buffer.address() + done, piece, length);
        if (copied.is_error()) {
            if (done) break;
            return copied.error();
        }
        done += length;
        if (done < count && current_thread_must_stop()) break;
    }
    kstd::memset(piece, 0, sizeof piece);  // no copy of the output stays on the stack
    return static_cast<long>(done);
}

}  // namespace kernel
