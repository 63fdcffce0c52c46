#include "acpi.h"

#include "../../kernel/lib/string.h"
#include "arch.h"

namespace x86 {
namespace {

struct [[gnu::packed]] Rsdp {
    char signature[8];
    std::uint8_t checksum;
    char oem[6];
    std::uint8_t revision;
    std::uint32_t rsdt;
    std::uint32_t length;
    std::uint64_t xsdt;
    std::uint8_t extended_checksum;
    std::uint8_t reserved[3];
};

struct [[gnu::packed]] SdtHeader {
    char signature[4];
    std::uint32_t length;
    std::uint8_t revision, checksum;
    char oem[6], oem_table[8];
    std::uint32_t oem_revision, creator, creator_revision;
};

AcpiInfo info;

bool checksum_ok(const void* table, std::size_t length) {
    std::uint8_t sum = 0;
    for (std::size_t i = 0; i < length; ++i) sum += static_cast<const std::uint8_t*>(table)[i];
    return sum == 0;
}

std::uint64_t find_rsdp() {
    auto scan = [](std::uint64_t start, std::uint64_t end) -> std::uint64_t {
        for (std::uint64_t address = start; address + 20 <= end; address += 16)
            if (kstd::memcmp(physical(address), "RSD PTR ", 8) == 0 && checksum_ok(physical(address), 20)) return address;
        return 0;
    };
    std::uint64_t ebda = std::uint64_t(*physical<std::uint16_t>(0x40e)) << 4;
    if (std::uint64_t found = ebda ? scan(ebda, ebda + 1024) : 0) return found;
    return scan(0xe0000, 0x100000);
}

void parse_madt(const SdtHeader* madt) {
    auto* bytes = reinterpret_cast<const std::uint8_t*>(madt);
    info.cpu_count = 0;
    for (std::uint32_t offset = sizeof(SdtHeader) + 8; offset + 2 <= madt->length;) {
        std::uint8_t type = bytes[offset], length = bytes[offset + 1];
        if (length < 2) break;
        const std::uint8_t* entry = bytes + offset;
        if (type == 0 && length >= 8) {  // processor local APIC: enabled (online-capable ones are for hot-plug)
            std::uint32_t flags;
            kstd::memcpy(&flags, entry + 4, 4);
            if ((flags & 1) && info.cpu_count < AcpiInfo::max_cpus) info.cpu_apic_ids[info.cpu_count++] = entry[3];
        } else if (type == 1 && length >= 12) {  // IOAPIC (the first one routes the ISA lines)
            std::uint32_t address, gsi_base;
            kstd::memcpy(&address, entry + 4, 4);
            kstd::memcpy(&gsi_base, entry + 8, 4);
            if (gsi_base == 0) info.ioapic_address = address;
        } else if (type == 2 && length >= 10) {  // interrupt source override
            std::uint8_t source = entry[3];
            std::uint32_t gsi;
            std::uint16_t flags;
            kstd::memcpy(&gsi, entry + 4, 4);
            kstd::memcpy(&flags, entry + 8, 2);
            if (source < 16) info.isa_overrides[source] = {gsi, flags};
        }
        offset += length;
    }
    if (info.cpu_count == 0) info.cpu_count = 1;
}

// \_S5 is a package in the DSDT's AML: "_S5_" NameOp PackageOp PkgLength NumElements
// then SLP_TYPa and SLP_TYPb as (Byte-prefixed) integers.
void find_s5(const SdtHeader* dsdt) {
    auto* aml = reinterpret_cast<const std::uint8_t*>(dsdt);
    for (std::uint32_t i = sizeof(SdtHeader); i + 12 < dsdt->length; ++i) {
        if (kstd::memcmp(aml + i, "_S5_", 4) != 0 || aml[i + 4] != 0x12) continue;
        const std::uint8_t* p = aml + i + 5;
        p += ((*p & 0xc0) >> 6) + 1;  // PkgLength
        ++p;                          // NumElements
        auto integer = [&p]() -> std::uint16_t {
            if (*p == 0x0a) {  // BytePrefix
                std::uint16_t value = p[1];
                p += 2;
                return value;
            }
            return *p++;  // ZeroOp (0) / OneOp (1)
        };
        info.slp_typ_a = integer();
        info.slp_typ_b = integer();
        info.s5_known = true;
        return;
    }
}

void parse_fadt(const SdtHeader* fadt) {
    auto* bytes = reinterpret_cast<const std::uint8_t*>(fadt);
    if (fadt->length < 72) return;  // too short for the ACPI 1.0 fields used here
    std::uint32_t dsdt = 0, pm1a = 0, pm1b = 0;
    kstd::memcpy(&dsdt, bytes + 40, 4);
    kstd::memcpy(&pm1a, bytes + 64, 4);
    kstd::memcpy(&pm1b, bytes + 68, 4);
    info.pm1a_control = static_cast<std::uint16_t>(pm1a);
    info.pm1b_control = static_cast<std::uint16_t>(pm1b);
    if (fadt->length > 108) info.rtc_century_register = bytes[108];  // CENTURY (ACPI 1.0 and later)
    if (dsdt) {
        auto* table = physical<const SdtHeader>(dsdt);
        if (kstd::memcmp(table->signature, "DSDT", 4) == 0 && table->length < (1u << 24)) find_s5(table);
    }
    // ACPI 2.0+: flags at 112 (bit 10 RESET_REG_SUP), RESET_REG at 116, RESET_VALUE at 128.
    if (fadt->length >= 129) {
        std::uint32_t flags;
        kstd::memcpy(&flags, bytes + 112, 4);
        info.reset_supported = flags & (1u << 10);
        info.reset_space = bytes[116];
        kstd::memcpy(&info.reset_address, bytes + 120, 8);
        info.reset_value = bytes[128];
    }
}

}  // namespace

void acpi_init(std::uint64_t rsdp_address) {
    for (unsigned line = 0; line < 16; ++line) info.isa_overrides[line] = {line, 0};
    if (!rsdp_address) rsdp_address = find_rsdp();
    if (!rsdp_address) return;
    auto* rsdp = physical<const Rsdp>(rsdp_address);
    bool extended = rsdp->revision >= 2 && rsdp->xsdt;
    auto* root = physical<const SdtHeader>(extended ? rsdp->xsdt : rsdp->rsdt);
    if (!checksum_ok(root, root->length)) return;
    info.found = true;
    std::size_t entry_size = extended ? 8 : 4;
    std::size_t count = (root->length - sizeof(SdtHeader)) / entry_size;
    auto* entries = reinterpret_cast<const std::uint8_t*>(root) + sizeof(SdtHeader);
    for (std::size_t i = 0; i < count; ++i) {
        std::uint64_t address = 0;
        kstd::memcpy(&address, entries + i * entry_size, entry_size);
        auto* table = physical<const SdtHeader>(address);
        if (!checksum_ok(table, table->length)) continue;
        if (kstd::memcmp(table->signature, "APIC", 4) == 0) parse_madt(table);
        else if (kstd::memcmp(table->signature, "FACP", 4) == 0) parse_fadt(table);
    }
}

const AcpiInfo& acpi_info() { return info; }

void acpi_poweroff(int status) {
    outb(0xf4, static_cast<std::uint8_t>(status));  // QEMU isa-debug-exit: exits (status << 1) | 1
    if (info.s5_known && info.pm1a_control) {
        outw(info.pm1a_control, static_cast<std::uint16_t>(info.slp_typ_a << 10 | 1u << 13));
        if (info.pm1b_control) outw(info.pm1b_control, static_cast<std::uint16_t>(info.slp_typ_b << 10 | 1u << 13));
    }
    outw(0x604, 0x2000);   // QEMU (PIIX4 PM) fallback
    outw(0xb004, 0x2000);  // older Bochs/QEMU
    for (const char* c = "Shutdown"; *c; ++c) outb(0x8900, static_cast<std::uint8_t>(*c));  // Bochs
}

void reset_machine() {
    cli();
    if (info.reset_supported && info.reset_address) {
        if (info.reset_space == 1) outb(static_cast<std::uint16_t>(info.reset_address), info.reset_value);
        else if (info.reset_space == 0) *physical<volatile std::uint8_t>(info.reset_address) = info.reset_value;
        for (int i = 0; i < 1000; ++i) pause();
    }
    // PIIX/ICH reset control register: system reset (bit 1) with full CPU reset (bit 2).
    outb(0xcf9, 0x02);
    outb(0xcf9, 0x06);
    for (int i = 0; i < 1000; ++i) pause();
    // The keyboard controller's output port bit 0 is wired to the CPU's reset line.
    for (int i = 0; i < 100000 && (inb(0x64) & 0x02); ++i) pause();
    outb(0x64, 0xfe);
    for (int i = 0; i < 1000; ++i) pause();
    // An empty IDT turns the next exception into a triple fault, which resets the CPU.
    struct [[gnu::packed]] {
        std::uint16_t limit = 0;
        std::uint64_t base = 0;
    } empty;
    asm volatile("lidt %0; int3" ::"m"(empty));
    for (;;) halt();
}

}  // namespace x86
