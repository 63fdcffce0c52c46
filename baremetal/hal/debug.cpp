// hal debugging on x86_64: COM1 as the early console, frame-pointer backtraces, power off
// and reset.
#include "../../kernel/hal/debug.h"
#include "../../kernel/lib/string.h"
#include "../../kernel/lib/format.h"
#include "../x86_64/acpi.h"
#include "../x86_64/arch.h"

namespace {

// Layout written by baremetal/tools/kernel_symbols.py: the count, the entries sorted by
// address, then the names.
struct KernelSymbol {
    kernel::u64 address;
    kernel::u32 size;
    kernel::u32 name_offset;
};
struct KernelSymbolTable {
    kernel::u64 count;
    KernelSymbol symbols[];
};

}  // namespace

extern "C" const KernelSymbolTable kernel_symbol_table;

namespace hal {

void early_console_write(const char* text, kernel::usize length) {
    constexpr kernel::u16 com1 = 0x3f8;
    for (kernel::usize i = 0; i < length; ++i) {
        for (int spin = 0; spin < 100000 && !(x86::inb(com1 + 5) & 0x20); ++spin) {
        }
        x86::outb(com1, static_cast<kernel::u8>(text[i]));
    }
}

kernel::usize backtrace(kernel::uptr* frames, kernel::usize max_frames) {
    // Kernel code keeps frame pointers; the boot code and new threads start with rbp = 0.
    auto* frame = static_cast<kernel::uptr*>(__builtin_frame_address(0));
    kernel::usize count = 0;
    while (frame && count < max_frames) {
        auto address = reinterpret_cast<kernel::uptr>(frame);
        if (address < x86::direct_map_base || (address & 7)) break;
        kernel::uptr return_address = frame[1];
        if (return_address < x86::kernel_base) break;
        frames[count++] = return_address;
        auto* next = reinterpret_cast<kernel::uptr*>(frame[0]);
        if (next <= frame) break;  // stacks grow down: callers' frames are higher
        frame = next;
    }
    return count;
}

kernel::uptr symbolize(kernel::uptr address, char* buffer, kernel::usize buffer_size) {
    // The table the build generates from the first link (baremetal/tools/kernel_symbols.py),
    // sorted by address: find the last function starting at or below `address`.
    const auto count = static_cast<kernel::usize>(kernel_symbol_table.count);
    const KernelSymbol* symbols = kernel_symbol_table.symbols;
    const char* names = reinterpret_cast<const char*>(symbols + count);
    buffer[0] = '\0';
    kernel::usize low = 0, high = count;
    while (low < high) {
        kernel::usize middle = low + (high - low) / 2;
        if (symbols[middle].address <= address) low = middle + 1;
        else high = middle;
    }
    if (low == 0) return 0;
    const KernelSymbol& symbol = symbols[low - 1];
    kernel::uptr offset = address - symbol.address;
    // A size of 0 (assembly without .size) still names the nearest function.
    if (symbol.size && offset >= symbol.size) return 0;
    kstd::strlcpy(buffer, names + symbol.name_offset, buffer_size);
    return offset;
}

void reboot() { x86::reset_machine(); }

void poweroff(int status) {
    x86::cli();
    // The last line on the serial port: emulators without an exit-status device (Bochs) and
    // test scripts read the status from it.
    char line[48];
    early_console_write(line, kstd::format(line, sizeof line, "newt: power off, status %d\r\n", status));
    for (int spin = 0; spin < 100000 && !(x86::inb(0x3f8 + 5) & 0x40); ++spin) {  // until it has left
    }
    x86::acpi_poweroff(status);
    for (;;) x86::halt();
}

}  // namespace hal
