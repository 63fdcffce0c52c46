// Dies the way its argument says: "segv" (a store to address 0), "ill" (ud2), "fpe" (divide
// by zero), "abort" (SIGABRT through raise).
#include <signal.h>
#include <string.h>

int main(int argc, char** argv) {
    const char* how = argc > 1 ? argv[1] : "segv";
    if (strcmp(how, "ill") == 0) __asm__ volatile("ud2");
    if (strcmp(how, "fpe") == 0) {
        // A numerator the compiler cannot turn into a comparison (it does so for 1 / x).
        volatile int zero = 0, numerator = 1000;
        return numerator / zero;
    }
    if (strcmp(how, "abort") == 0) raise(SIGABRT);
    *(volatile int*)0 = 1;
    return 0;
}
