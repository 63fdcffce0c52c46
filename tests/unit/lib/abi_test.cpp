// kernel/abi holds Linux ABI values written by hand; each must equal the host's (the host is
// Linux x86-64, the ABI Newt speaks).
#include <asm/hwcap2.h>
#include <elf.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <linux/fs.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../../kernel/abi/auxv.h"
#include "../../../kernel/abi/elf.h"
#include "../../../kernel/abi/fcntl.h"
#include "../../../kernel/abi/stat.h"

#include <dirent.h>

#include <cstddef>
#include <cstring>

namespace kabi = kernel::abi;

TEST(Abi, OpenFlagsMatchTheHost) {
    EXPECT_EQ(kabi::o_accmode, O_ACCMODE);
    EXPECT_EQ(kabi::o_rdonly, O_RDONLY);
    EXPECT_EQ(kabi::o_wronly, O_WRONLY);
    EXPECT_EQ(kabi::o_rdwr, O_RDWR);
    EXPECT_EQ(kabi::o_creat, O_CREAT);
    EXPECT_EQ(kabi::o_excl, O_EXCL);
    EXPECT_EQ(kabi::o_noctty, O_NOCTTY);
    EXPECT_EQ(kabi::o_trunc, O_TRUNC);
    EXPECT_EQ(kabi::o_append, O_APPEND);
    EXPECT_EQ(kabi::o_nonblock, O_NONBLOCK);
    EXPECT_EQ(kabi::o_dsync, O_DSYNC);
    EXPECT_EQ(kabi::o_direct, O_DIRECT);
    EXPECT_EQ(kabi::o_directory, O_DIRECTORY);
    EXPECT_EQ(kabi::o_nofollow, O_NOFOLLOW);
    EXPECT_EQ(kabi::o_noatime, O_NOATIME);
    EXPECT_EQ(kabi::o_cloexec, O_CLOEXEC);
    EXPECT_EQ(kabi::o_sync, O_SYNC);
    EXPECT_EQ(kabi::o_path, O_PATH);
    EXPECT_EQ(kabi::o_tmpfile, O_TMPFILE);
}

TEST(Abi, AtFlagsSeekAndRenameMatchTheHost) {
    EXPECT_EQ(kabi::at_fdcwd, AT_FDCWD);
    EXPECT_EQ(kabi::at_symlink_nofollow, AT_SYMLINK_NOFOLLOW);
    EXPECT_EQ(kabi::at_removedir, AT_REMOVEDIR);
    EXPECT_EQ(kabi::at_symlink_follow, AT_SYMLINK_FOLLOW);
    EXPECT_EQ(kabi::at_no_automount, AT_NO_AUTOMOUNT);
    EXPECT_EQ(kabi::at_empty_path, AT_EMPTY_PATH);
    EXPECT_EQ(kabi::at_eaccess, AT_EACCESS);
    EXPECT_EQ(kabi::seek_set, SEEK_SET);
    EXPECT_EQ(kabi::seek_cur, SEEK_CUR);
    EXPECT_EQ(kabi::seek_end, SEEK_END);
    EXPECT_EQ(kabi::seek_data, SEEK_DATA);
    EXPECT_EQ(kabi::seek_hole, SEEK_HOLE);
    EXPECT_EQ(kabi::rename_noreplace, RENAME_NOREPLACE);
    EXPECT_EQ(kabi::rename_exchange, RENAME_EXCHANGE);
    EXPECT_EQ(kabi::f_ok, F_OK);
    EXPECT_EQ(kabi::r_ok, R_OK);
    EXPECT_EQ(kabi::w_ok, W_OK);
    EXPECT_EQ(kabi::x_ok, X_OK);
}

TEST(Abi, FileModesMatchTheHost) {
    EXPECT_EQ(kabi::s_ifmt, S_IFMT);
    EXPECT_EQ(kabi::s_ifsock, S_IFSOCK);
    EXPECT_EQ(kabi::s_iflnk, S_IFLNK);
    EXPECT_EQ(kabi::s_ifreg, S_IFREG);
    EXPECT_EQ(kabi::s_ifblk, S_IFBLK);
    EXPECT_EQ(kabi::s_ifdir, S_IFDIR);
    EXPECT_EQ(kabi::s_ifchr, S_IFCHR);
    EXPECT_EQ(kabi::s_ififo, S_IFIFO);
    EXPECT_EQ(kabi::s_isuid, S_ISUID);
    EXPECT_EQ(kabi::s_isgid, S_ISGID);
    EXPECT_EQ(kabi::s_isvtx, S_ISVTX);
    for (kabi::mode_t mode : {S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO}) {
        EXPECT_EQ(kabi::dirent_type(mode), IFTODT(mode));
        EXPECT_EQ(kabi::s_isdir(mode), S_ISDIR(mode));
        EXPECT_EQ(kabi::s_isreg(mode), S_ISREG(mode));
        EXPECT_EQ(kabi::s_islnk(mode), S_ISLNK(mode));
    }
    EXPECT_EQ(kabi::dt_dir, DT_DIR);
    EXPECT_EQ(kabi::dt_reg, DT_REG);
    EXPECT_EQ(kabi::dt_lnk, DT_LNK);
    EXPECT_EQ(kabi::path_max, PATH_MAX);
    EXPECT_EQ(kabi::name_max, NAME_MAX);
    EXPECT_EQ(kabi::pipe_buf, PIPE_BUF);
}

TEST(Abi, DeviceNumbersMatchGlibc) {
    for (unsigned major : {0u, 1u, 4u, 136u, 254u, 255u, 256u, 4095u, 4096u, 0xfffffu})
        for (unsigned minor : {0u, 1u, 3u, 255u, 256u, 1000u, 0xfffffu}) {
            dev_t device = makedev(major, minor);
            EXPECT_EQ(kabi::make_device(major, minor), device);
            EXPECT_EQ(kabi::device_major(device), major);
            EXPECT_EQ(kabi::device_minor(device), minor);
        }
}

#define EXPECT_SAME_FIELD(ours, theirs, field)                              \
    do {                                                                     \
        EXPECT_EQ(offsetof(ours, field), offsetof(theirs, field)) << #field; \
        EXPECT_EQ(sizeof(ours::field), sizeof(theirs::field)) << #field;     \
    } while (0)

TEST(Abi, ElfHeadersMatchTheHost) {
    EXPECT_EQ(sizeof(kabi::ElfHeader), sizeof(Elf64_Ehdr));
    EXPECT_EQ(alignof(kabi::ElfHeader), alignof(Elf64_Ehdr));
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_ident);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_type);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_machine);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_version);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_entry);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_phoff);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_shoff);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_flags);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_ehsize);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_phentsize);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_phnum);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_shentsize);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_shnum);
    EXPECT_SAME_FIELD(kabi::ElfHeader, Elf64_Ehdr, e_shstrndx);

    EXPECT_EQ(sizeof(kabi::ProgramHeader), sizeof(Elf64_Phdr));
    EXPECT_EQ(alignof(kabi::ProgramHeader), alignof(Elf64_Phdr));
    EXPECT_SAME_FIELD(kabi::ProgramHeader, Elf64_Phdr, p_type);
    EXPECT_SAME_FIELD(kabi::ProgramHeader, Elf64_Phdr, p_flags);
    EXPECT_SAME_FIELD(kabi::ProgramHeader, Elf64_Phdr, p_offset);
    EXPECT_SAME_FIELD(kabi::ProgramHeader, Elf64_Phdr, p_vaddr);
    EXPECT_SAME_FIELD(kabi::ProgramHeader, Elf64_Phdr, p_paddr);
    EXPECT_SAME_FIELD(kabi::ProgramHeader, Elf64_Phdr, p_filesz);
    EXPECT_SAME_FIELD(kabi::ProgramHeader, Elf64_Phdr, p_memsz);
    EXPECT_SAME_FIELD(kabi::ProgramHeader, Elf64_Phdr, p_align);
}

TEST(Abi, ElfConstantsMatchTheHost) {
    EXPECT_EQ(kabi::ei_nident, unsigned(EI_NIDENT));
    EXPECT_EQ(kabi::ei_class, unsigned(EI_CLASS));
    EXPECT_EQ(kabi::ei_data, unsigned(EI_DATA));
    EXPECT_EQ(kabi::ei_version, unsigned(EI_VERSION));
    EXPECT_EQ(kabi::ei_osabi, unsigned(EI_OSABI));
    EXPECT_EQ(std::memcmp(kabi::elf_magic, ELFMAG, SELFMAG), 0);
    EXPECT_EQ(kabi::elfclass64, ELFCLASS64);
    EXPECT_EQ(kabi::elfdata2lsb, ELFDATA2LSB);
    EXPECT_EQ(kabi::ev_current, EV_CURRENT);
    EXPECT_EQ(kabi::et_none, ET_NONE);
    EXPECT_EQ(kabi::et_rel, ET_REL);
    EXPECT_EQ(kabi::et_exec, ET_EXEC);
    EXPECT_EQ(kabi::et_dyn, ET_DYN);
    EXPECT_EQ(kabi::et_core, ET_CORE);
    EXPECT_EQ(kabi::em_x86_64, EM_X86_64);
    EXPECT_EQ(kabi::pn_xnum, PN_XNUM);
    EXPECT_EQ(kabi::pt_null, unsigned(PT_NULL));
    EXPECT_EQ(kabi::pt_load, unsigned(PT_LOAD));
    EXPECT_EQ(kabi::pt_dynamic, unsigned(PT_DYNAMIC));
    EXPECT_EQ(kabi::pt_interp, unsigned(PT_INTERP));
    EXPECT_EQ(kabi::pt_note, unsigned(PT_NOTE));
    EXPECT_EQ(kabi::pt_shlib, unsigned(PT_SHLIB));
    EXPECT_EQ(kabi::pt_phdr, unsigned(PT_PHDR));
    EXPECT_EQ(kabi::pt_tls, unsigned(PT_TLS));
    EXPECT_EQ(kabi::pt_gnu_eh_frame, unsigned(PT_GNU_EH_FRAME));
    EXPECT_EQ(kabi::pt_gnu_stack, unsigned(PT_GNU_STACK));
    EXPECT_EQ(kabi::pt_gnu_relro, unsigned(PT_GNU_RELRO));
    EXPECT_EQ(kabi::pt_gnu_property, unsigned(PT_GNU_PROPERTY));
    EXPECT_EQ(kabi::pf_x, unsigned(PF_X));
    EXPECT_EQ(kabi::pf_w, unsigned(PF_W));
    EXPECT_EQ(kabi::pf_r, unsigned(PF_R));
}

TEST(Abi, AuxvKeysMatchTheHost) {
    EXPECT_EQ(kabi::at_null, unsigned(AT_NULL));
    EXPECT_EQ(kabi::at_ignore, unsigned(AT_IGNORE));
    EXPECT_EQ(kabi::at_execfd, unsigned(AT_EXECFD));
    EXPECT_EQ(kabi::at_phdr, unsigned(AT_PHDR));
    EXPECT_EQ(kabi::at_phent, unsigned(AT_PHENT));
    EXPECT_EQ(kabi::at_phnum, unsigned(AT_PHNUM));
    EXPECT_EQ(kabi::at_pagesz, unsigned(AT_PAGESZ));
    EXPECT_EQ(kabi::at_base, unsigned(AT_BASE));
    EXPECT_EQ(kabi::at_flags, unsigned(AT_FLAGS));
    EXPECT_EQ(kabi::at_entry, unsigned(AT_ENTRY));
    EXPECT_EQ(kabi::at_notelf, unsigned(AT_NOTELF));
    EXPECT_EQ(kabi::at_uid, unsigned(AT_UID));
    EXPECT_EQ(kabi::at_euid, unsigned(AT_EUID));
    EXPECT_EQ(kabi::at_gid, unsigned(AT_GID));
    EXPECT_EQ(kabi::at_egid, unsigned(AT_EGID));
    EXPECT_EQ(kabi::at_platform, unsigned(AT_PLATFORM));
    EXPECT_EQ(kabi::at_hwcap, unsigned(AT_HWCAP));
    EXPECT_EQ(kabi::at_clktck, unsigned(AT_CLKTCK));
    EXPECT_EQ(kabi::at_secure, unsigned(AT_SECURE));
    EXPECT_EQ(kabi::at_base_platform, unsigned(AT_BASE_PLATFORM));
    EXPECT_EQ(kabi::at_random, unsigned(AT_RANDOM));
    EXPECT_EQ(kabi::at_hwcap2, unsigned(AT_HWCAP2));
    EXPECT_EQ(kabi::at_rseq_feature_size, unsigned(AT_RSEQ_FEATURE_SIZE));
    EXPECT_EQ(kabi::at_rseq_align, unsigned(AT_RSEQ_ALIGN));
    EXPECT_EQ(kabi::at_execfn, unsigned(AT_EXECFN));
    EXPECT_EQ(kabi::at_sysinfo, unsigned(AT_SYSINFO));
    EXPECT_EQ(kabi::at_sysinfo_ehdr, unsigned(AT_SYSINFO_EHDR));
    EXPECT_EQ(kabi::at_minsigstksz, unsigned(AT_MINSIGSTKSZ));
    EXPECT_EQ(kabi::hwcap2_ring3mwait, HWCAP2_RING3MWAIT);
    EXPECT_EQ(kabi::hwcap2_fsgsbase, HWCAP2_FSGSBASE);
}
