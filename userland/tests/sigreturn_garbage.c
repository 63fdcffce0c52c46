// Hostile rt_sigreturn frames: random bytes, a frame with kernel and non-canonical
// addresses, every rflags bit, a garbage FPU area. Each child must end with a signal (or
// run on where the frame says, if that happens to be valid) and the kernel must carry on.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void sigreturn_with(const unsigned char* frame, size_t size) {
    static unsigned char stack[16384] __attribute__((aligned(64)));
    unsigned char* top = stack + sizeof stack - size;
    memcpy(top, frame, size);
    // rt_sigreturn reads the frame at rsp - 8 (the handler's ret popped the return address).
    __asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall\n\tud2" ::"r"(top + 8) : "memory");
}

int main(int argc, char** argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 200;
    int signalled = 0, exited = 0;
    srand(12345);
    for (int round = 0; round < rounds; ++round) {
        unsigned char frame[8192];
        for (size_t i = 0; i < sizeof frame; ++i) frame[i] = (unsigned char)rand();
        uint64_t* words = (uint64_t*)frame;
        switch (round % 4) {
        case 0: break;  // all random
        case 1: words[1 + 2 + 3 + 16] = 0xffffffff81000000ull; break;  // rip into the kernel half
        case 2: words[1 + 2 + 3 + 16] = 0x0000800000000000ull; words[1 + 2 + 3 + 17] = ~0ull; break;  // non-canonical rip, every flag
        case 3: words[1 + 2 + 3 + 23] = (uint64_t)(frame + 1024); break;  // fpstate pointing at garbage
        }
        fflush(stdout);
        pid_t child = fork();
        if (child == 0) {
            sigreturn_with(frame, sizeof frame);
            _exit(0);
        }
        int status;
        waitpid(child, &status, 0);
        if (WIFSIGNALED(status)) ++signalled;
        else ++exited;
    }
    printf("sigreturn_garbage: %d rounds, %d ended by a signal, %d exited\n", rounds, signalled, exited);
    return signalled + exited == rounds ? 0 : 1;
}
