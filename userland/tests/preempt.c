// A child spins in user mode forever; the parent, on the same CPU or not, must still get
// to run: it sleeps, reports, kills the child with SIGKILL and checks how it died.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        volatile unsigned long counter = 0;
        for (;;) ++counter;
    }
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    printf("parent ran while the child spun\n");
    fflush(stdout);
    if (kill(child, SIGKILL) != 0) return 3;
    int status = 0;
    if (waitpid(child, &status, 0) != child) return 4;
    printf("child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 : 1;
}
