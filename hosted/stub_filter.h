// The seccomp filter every user-mode stub installs (raw classic BPF: it needs the exact
// instruction-pointer check that libseccomp cannot express).
//
// - A syscall made anywhere but the stub's one syscall instruction (that includes every
//   syscall of the guest, int 0x80 and x32 calls) is SECCOMP_RET_TRAP: the stub gets
//   SIGSYS and reports it.
// - From the stub's instruction: rt_sigreturn, munmap, exit and exit_group are allowed;
//   mmap and the report syscall go to the kernel as user notifications (mmap is checked
//   against the space's page table, stub_mmap_policy.h); arch_prctl only for the fs/gs
//   bases; futex only to wake the kernel on the startup word; anything else fails EPERM.
#pragma once

#include <linux/filter.h>

namespace hosted {

// Writes the program into `program` (at most `capacity` instructions); returns its length.
unsigned build_stub_filter(sock_filter* program, unsigned capacity);

}  // namespace hosted
