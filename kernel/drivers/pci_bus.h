// The PCI functions found at boot. Drivers look their devices up here.
#pragma once

#include "../../devices/pci.h"
#include "../lib/types.h"

namespace kernel {

using PciFunction = devices::pci::Function;

// Enumerates the buses once, during boot on CPU 0 before the other CPUs start. The list
// never changes afterwards, so readers take no lock. Logs and leaves the list empty when
// there is no PCI (configuration mechanism #1 absent).
void init_pci_bus();

// Every function found, in scan order (bus by bus, then device and function number).
struct PciFunctionList {
    const PciFunction* first;
    usize count;
    const PciFunction* begin() const { return first; }
    const PciFunction* end() const { return first + count; }
    usize size() const { return count; }
};
PciFunctionList pci_functions();

// The next function after `after` (nullptr: from the start) with these IDs or this class
// (subclass 0xff: any), or nullptr.
const PciFunction* pci_find_device(u16 vendor_id, u16 device_id, const PciFunction* after = nullptr);
const PciFunction* pci_find_class(u8 class_code, u8 subclass, const PciFunction* after = nullptr);

// The monitor's `pci` listing (lspci -nn style, BARs on indented lines).
void print_pci_functions();

}  // namespace kernel
