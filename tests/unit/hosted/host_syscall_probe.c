/* host_syscall_probe NUMBER: installs a seccomp filter that traps syscall NUMBER (SIGSYS,
 * left at its default action, kills the probe), then makes that raw x86-64 syscall (no
 * arguments) and exits with the negated result (an errno), or 0 for a non-negative one.
 * So a SIGSYS death means the filter saw the call; another signal (SIGILL) or an exit means
 * the host kernel answered it before any filter. The hosted user-mode tests expect a
 * guest's syscall to go the same way in its stub. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 2) return 255;
    long number = (long)strtoull(argv[1], 0, 0), result;
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)number, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {sizeof filter / sizeof filter[0], filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 254;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) return 253;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(0), "S"(0), "d"(0) : "rcx", "r11", "memory");
    return result < 0 && result > -250 ? (int)-result : 0;
}
