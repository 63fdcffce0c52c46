// The PCI functions of the hosted PC besides the host bridge, with the IDs, classes and BAR
// addresses QEMU's -M pc shows after SeaBIOS: 00:01.0 PIIX3 ISA bridge (multi-function),
// 00:01.1 PIIX3 IDE, 00:02.0 standard VGA. They are configuration space only; a model that
// implements one of these chips replaces its entry.
#pragma once

namespace hosted {

class PciHostModel;

void add_pc_pci_functions(PciHostModel& host);

}  // namespace hosted
