// The parts of the ELF64 format (System V gABI, x86-64 psABI) that loading a Linux x86-64
// executable needs: the file header and program headers, and their constants. Layouts and
// values equal glibc's <elf.h> (Elf64_Ehdr, Elf64_Phdr); a unit test compares them.
#pragma once

#include <cstdint>

namespace kernel::abi {

// e_ident: the 16 identification bytes at the start of every ELF file.
inline constexpr unsigned ei_nident = 16;
inline constexpr unsigned ei_class = 4;
inline constexpr unsigned ei_data = 5;
inline constexpr unsigned ei_version = 6;
inline constexpr unsigned ei_osabi = 7;
inline constexpr std::uint8_t elf_magic[4] = {0x7f, 'E', 'L', 'F'};
inline constexpr std::uint8_t elfclass64 = 2;
inline constexpr std::uint8_t elfdata2lsb = 1;  // little-endian
inline constexpr std::uint8_t ev_current = 1;

// e_type.
inline constexpr std::uint16_t et_none = 0;
inline constexpr std::uint16_t et_rel = 1;
inline constexpr std::uint16_t et_exec = 2;  // fixed addresses
inline constexpr std::uint16_t et_dyn = 3;   // position-independent (static-PIE, shared objects)
inline constexpr std::uint16_t et_core = 4;

// e_machine.
inline constexpr std::uint16_t em_x86_64 = 62;

// e_phnum value meaning "the real count is in section header 0" (not supported by Newt).
inline constexpr std::uint16_t pn_xnum = 0xffff;

// Elf64_Ehdr.
struct ElfHeader {
    std::uint8_t e_ident[ei_nident];
    std::uint16_t e_type;
    std::uint16_t e_machine;
    std::uint32_t e_version;
    std::uint64_t e_entry;
    std::uint64_t e_phoff;
    std::uint64_t e_shoff;
    std::uint32_t e_flags;
    std::uint16_t e_ehsize;
    std::uint16_t e_phentsize;
    std::uint16_t e_phnum;
    std::uint16_t e_shentsize;
    std::uint16_t e_shnum;
    std::uint16_t e_shstrndx;
};
static_assert(sizeof(ElfHeader) == 64);

// p_type.
inline constexpr std::uint32_t pt_null = 0;
inline constexpr std::uint32_t pt_load = 1;
inline constexpr std::uint32_t pt_dynamic = 2;
inline constexpr std::uint32_t pt_interp = 3;
inline constexpr std::uint32_t pt_note = 4;
inline constexpr std::uint32_t pt_shlib = 5;
inline constexpr std::uint32_t pt_phdr = 6;
inline constexpr std::uint32_t pt_tls = 7;
inline constexpr std::uint32_t pt_gnu_eh_frame = 0x6474e550;
inline constexpr std::uint32_t pt_gnu_stack = 0x6474e551;
inline constexpr std::uint32_t pt_gnu_relro = 0x6474e552;
inline constexpr std::uint32_t pt_gnu_property = 0x6474e553;

// p_flags.
inline constexpr std::uint32_t pf_x = 1;
inline constexpr std::uint32_t pf_w = 2;
inline constexpr std::uint32_t pf_r = 4;

// Elf64_Phdr.
struct ProgramHeader {
    std::uint32_t p_type;
    std::uint32_t p_flags;
    std::uint64_t p_offset;
    std::uint64_t p_vaddr;
    std::uint64_t p_paddr;
    std::uint64_t p_filesz;
    std::uint64_t p_memsz;
    std::uint64_t p_align;
};
static_assert(sizeof(ProgramHeader) == 56);

}  // namespace kernel::abi
