// Default signal actions across processes: a child blocked reading an empty pipe is killed
// by SIGTERM; a writer to a pipe without readers dies of SIGPIPE; with SIGPIPE ignored the
// write fails with EPIPE instead; a blocked SIGTERM waits until it is unblocked.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void pause_ms(long ms) {
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

static int wait_signal(pid_t child) {
    int status = 0;
    if (waitpid(child, &status, 0) != child) return -1;
    return WIFSIGNALED(status) ? WTERMSIG(status) : 1000 + WEXITSTATUS(status);
}

int main(void) {
    int fds[2];
    if (pipe(fds) != 0) return 2;
    pid_t reader = fork();
    if (reader == 0) {
        char byte;
        close(fds[1]);
        read(fds[0], &byte, 1);  // blocks: the parent keeps the write end open
        _exit(0);
    }
    pause_ms(100);
    kill(reader, SIGTERM);
    printf("blocked reader: signal %d\n", wait_signal(reader));
    close(fds[0]);
    close(fds[1]);

    if (pipe(fds) != 0) return 2;
    close(fds[0]);
    pid_t writer = fork();
    if (writer == 0) {
        write(fds[1], "x", 1);
        _exit(0);
    }
    printf("writer without readers: signal %d\n", wait_signal(writer));

    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    long written = write(fds[1], "x", 1);
    printf("with SIGPIPE ignored: write %ld, %s\n", written, errno == EPIPE ? "EPIPE" : "other");
    close(fds[1]);

    pid_t blocker = fork();
    if (blocker == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigprocmask(SIG_BLOCK, &set, NULL);
        pause_ms(200);  // SIGTERM arrives meanwhile and waits
        printf("blocked SIGTERM: still alive\n");
        fflush(stdout);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        _exit(0);  // not reached: the pending SIGTERM acts on unblocking
    }
    pause_ms(50);
    kill(blocker, SIGTERM);
    printf("blocked then unblocked: signal %d\n", wait_signal(blocker));
    return 0;
}
