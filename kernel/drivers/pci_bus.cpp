#include "pci_bus.h"

#include "../core/klog.h"
#include "../hal/timer.h"
#include "../lib/format.h"
#include "../lib/string.h"
#include "../mm/kmalloc.h"
#include "../tty/console.h"

namespace kernel {
namespace {

PciFunction* functions = nullptr;
usize function_count = 0;
usize capacity = 0;

void record(const PciFunction& function, void*) {
    if (function_count == capacity) {
        const usize bigger = capacity ? capacity * 2 : 16;
        auto* grown = static_cast<PciFunction*>(kmalloc(bigger * sizeof(PciFunction)));
        if (!grown) {
            klog_error("pci: out of memory, %02x:%02x.%u not recorded", function.address.bus, function.address.device,
                       function.address.function);
            return;
        }
        if (functions) kstd::memcpy(grown, functions, function_count * sizeof(PciFunction));
        kfree(functions);
        functions = grown;
        capacity = bigger;
    }
    functions[function_count++] = function;
}

const PciFunction* find(const PciFunction* after, bool (*match)(const PciFunction&, u32, u32), u32 a, u32 b) {
    const PciFunction* start = after ? after + 1 : functions;
    for (const PciFunction* function = start; function && function < functions + function_count; ++function)
        if (match(*function, a, b)) return function;
    return nullptr;
}

// "16", "4K", "16M", "2G": the largest unit that divides the size.
void format_size(char* buffer, usize size, u64 bytes) {
    if (bytes >= GiB && bytes % GiB == 0) kstd::format(buffer, size, "%lluG", static_cast<unsigned long long>(bytes / GiB));
    else if (bytes >= MiB && bytes % MiB == 0) kstd::format(buffer, size, "%lluM", static_cast<unsigned long long>(bytes / MiB));
    else if (bytes >= KiB && bytes % KiB == 0) kstd::format(buffer, size, "%lluK", static_cast<unsigned long long>(bytes / KiB));
    else kstd::format(buffer, size, "%llu", static_cast<unsigned long long>(bytes));
}

}  // namespace

void init_pci_bus() {
    const u64 start = hal::monotonic_ns();
    auto found = devices::pci::enumerate(record, nullptr);
    if (found.is_error()) {
        klog_info("pci: no configuration mechanism #1 at 0xcf8 (%s), no PCI", errno_name(found.error()));
        return;
    }
    const u64 elapsed_us = (hal::monotonic_ns() - start) / 1000;
    for (const PciFunction& function : pci_functions())
        klog_info("pci: %02x:%02x.%u %04x:%04x %s", function.address.bus, function.address.device,
                  function.address.function, function.vendor_id, function.device_id,
                  devices::pci::class_name(function.class_code, function.subclass));
    klog_info("pci: %zu functions, scanned in %llu us", function_count, static_cast<unsigned long long>(elapsed_us));
}

PciFunctionList pci_functions() { return {functions, function_count}; }

const PciFunction* pci_find_device(u16 vendor_id, u16 device_id, const PciFunction* after) {
    return find(after, [](const PciFunction& f, u32 vendor, u32 device) { return f.vendor_id == vendor && f.device_id == device; },
                vendor_id, device_id);
}

const PciFunction* pci_find_class(u8 class_code, u8 subclass, const PciFunction* after) {
    return find(after, [](const PciFunction& f, u32 code, u32 sub) {
        return f.class_code == code && (sub == 0xff || f.subclass == sub);
    }, class_code, subclass);
}

void print_pci_functions() {
    if (function_count == 0) {
        kprintf("no PCI functions\n");
        return;
    }
    for (const PciFunction& f : pci_functions()) {
        kprintf("%02x:%02x.%u %s [%02x%02x]: %04x:%04x (rev %02x)", f.address.bus, f.address.device, f.address.function,
                devices::pci::class_name(f.class_code, f.subclass), f.class_code, f.subclass, f.vendor_id, f.device_id,
                f.revision);
        if (f.interrupt_pin) {
            if (f.interrupt_line == 0xff) kprintf(" no IRQ");
            else kprintf(" IRQ %u", f.interrupt_line);
        }
        kprintf("\n");
        if (f.header_layout == devices::pci::header_pci_bridge)
            kprintf("\tbuses: secondary %02x, subordinate %02x\n", f.secondary_bus, f.subordinate_bus);
        for (unsigned i = 0; i < f.bar_count; ++i) {
            const devices::pci::Bar& bar = f.bars[i];
            if (bar.kind == devices::pci::BarKind::unused) continue;
            char size[16];
            format_size(size, sizeof size, bar.size);
            if (bar.kind == devices::pci::BarKind::io)
                kprintf("\tBAR%u: I/O at %#llx [size %s]\n", i, static_cast<unsigned long long>(bar.base), size);
            else
                kprintf("\tBAR%u: memory at %#llx (%s, %s) [size %s]\n", i, static_cast<unsigned long long>(bar.base),
                        bar.is_64bit ? "64-bit" : "32-bit", bar.prefetchable ? "prefetchable" : "non-prefetchable", size);
        }
    }
}

}  // namespace kernel
