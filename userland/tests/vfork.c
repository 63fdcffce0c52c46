// vfork, posix_spawn and system: the parent is suspended until the child execs or exits,
// and a vfork child shares the parent's memory until then.
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

int main(void) {
    volatile int written_by_child = 0;
    pid_t child = vfork();
    if (child == 0) {
        // The parent must not run while this sleeps.
        struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL);
        written_by_child = 42;
        _exit(7);
    }
    printf("vfork: parent sees %d after the child's exit\n", written_by_child);
    int status;
    waitpid(child, &status, 0);
    printf("vfork: child exited %d\n", WEXITSTATUS(status));

    // vfork then exec: the parent resumes when the program is replaced.
    fflush(stdout);
    child = vfork();
    if (child == 0) {
        execl("/bin/busybox", "busybox", "echo", "vfork: exec'd child runs", (char*)NULL);
        _exit(127);
    }
    waitpid(child, &status, 0);
    printf("vfork: exec'd child exited %d\n", WEXITSTATUS(status));

    // posix_spawn uses clone(CLONE_VM | CLONE_VFORK) in glibc.
    fflush(stdout);
    char* argv[] = {"busybox", "sh", "-c", "echo posix_spawn: child runs; exit 5", NULL};
    pid_t spawned;
    int error = posix_spawn(&spawned, "/bin/busybox", NULL, NULL, argv, environ);
    if (error) printf("posix_spawn: %s\n", strerror(error));
    else {
        waitpid(spawned, &status, 0);
        printf("posix_spawn: exited %d\n", WEXITSTATUS(status));
    }

    // system() runs /bin/sh -c.
    fflush(stdout);
    int result = system("echo system: shell runs; exit 3");
    printf("system: returned %d\n", WIFEXITED(result) ? WEXITSTATUS(result) : -1);
    return 0;
}
