// Job control as Linux does it: SIGSTOP/SIGTSTP stop a process, wait reports it
// (WUNTRACED, waitid WSTOPPED), SIGCONT continues it (WCONTINUED), a read the stop
// interrupted goes on afterwards, a fatal signal kills a stopped process. Prints facts that
// hold on any Linux, so the host and Newt must print the same.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void expect(const char* what, int ok) {
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) exit(1);
}

static char state_of(pid_t pid) {
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE* file = fopen(path, "r");
    if (!file) return '?';
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = '\0';
    char* close = strrchr(text, ')');
    return close && close[1] == ' ' ? close[2] : '?';
}

// Until the process's state is (or is not) `state`, at most about 5 s.
static char wait_state(pid_t pid, char state, int want) {
    char now = state_of(pid);
    for (int i = 0; i < 5000 && (now == state) != want; ++i) {
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
        now = state_of(pid);
    }
    return now;
}

static volatile sig_atomic_t tstp_hits, cont_hits;
static void on_tstp(int signal) { (void)signal; ++tstp_hits; }
static void on_cont(int signal) { (void)signal; ++cont_hits; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int pipe_fds[2], ready[2];
    pipe(pipe_fds);
    pipe(ready);

    // A child blocked in read: stopped, reported, continued; its read goes on.
    pid_t child = fork();
    if (child == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_cont;
        action.sa_flags = SA_RESTART;  // without it the read would end with EINTR
        sigaction(SIGCONT, &action, NULL);
        write(ready[1], "r", 1);  // the handler is in place
        char byte;
        ssize_t got = read(pipe_fds[0], &byte, 1);
        _exit(got == 1 && byte == 'x' && cont_hits == 1 ? 0 : 10 + (int)got);
    }
    char byte;
    read(ready[0], &byte, 1);
    wait_state(child, 'S', 1);  // in its read, most likely (a stop before it works as well)
    kill(child, SIGSTOP);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int r = waitid(P_PID, child, &info, WSTOPPED | WNOWAIT);
    expect("waitid WSTOPPED: CLD_STOPPED by SIGSTOP",
           r == 0 && info.si_pid == child && info.si_code == CLD_STOPPED && info.si_status == SIGSTOP);
    int status;
    expect("waitpid WUNTRACED: stopped by SIGSTOP",
           waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    expect("the report is taken once", waitpid(child, &status, WUNTRACED | WNOHANG) == 0);
    expect("/proc says T", state_of(child) == 'T');
    kill(child, SIGCONT);
    expect("waitpid WCONTINUED: continued",
           waitpid(child, &status, WCONTINUED) == child && WIFCONTINUED(status));
    expect("/proc no longer says T", wait_state(child, 'T', 0) != 'T');
    write(pipe_fds[1], "x", 1);
    expect("the interrupted read went on, the SIGCONT handler ran",
           waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    // SIGTSTP with a handler runs it; by default it stops; SIGKILL ends a stopped child.
    // The child leads a process group of its own, not orphaned (its parent is in another
    // group of the same session): terminal stops act there.
    child = fork();
    if (child == 0) {
        setpgid(0, 0);
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_tstp;
        sigaction(SIGTSTP, &action, NULL);
        raise(SIGTSTP);
        if (tstp_hits != 1) _exit(1);
        signal(SIGTSTP, SIG_DFL);
        raise(SIGTSTP);  // stops here until continued
        _exit(7);
    }
    expect("SIGTSTP by default stops (after its handler ran once)",
           waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP);
    kill(child, SIGCONT);
    expect("continued, it carries on to its exit", waitpid(child, &status, 0) == child && WIFEXITED(status) &&
                                                         WEXITSTATUS(status) == 7);

    // In an orphaned process group (a new session's), SIGTSTP is discarded; SIGSTOP is not.
    child = fork();
    if (child == 0) {
        setsid();
        raise(SIGTSTP);
        raise(SIGTTOU);
        _exit(3);
    }
    expect("terminal stops are discarded in an orphaned group",
           waitpid(child, &status, WUNTRACED) == child && WIFEXITED(status) && WEXITSTATUS(status) == 3);
    child = fork();
    if (child == 0) {
        setsid();
        raise(SIGSTOP);
        _exit(3);
    }
    expect("SIGSTOP stops it all the same", waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status));
    kill(child, SIGCONT);
    waitpid(child, &status, 0);

    child = fork();
    if (child == 0) {
        for (;;) pause();
    }
    kill(child, SIGSTOP);
    waitpid(child, &status, WUNTRACED);
    kill(child, SIGTERM);
    struct timespec moment = {0, 100 * 1000 * 1000};
    nanosleep(&moment, NULL);
    expect("SIGTERM waits while the process is stopped", state_of(child) == 'T' && waitpid(child, &status, WNOHANG) == 0);
    kill(child, SIGCONT);
    expect("continued, SIGTERM kills it", waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
                                              WTERMSIG(status) == SIGTERM);
    child = fork();
    if (child == 0) {
        for (;;) pause();
    }
    kill(child, SIGSTOP);
    waitpid(child, &status, WUNTRACED);
    kill(child, SIGKILL);
    expect("SIGKILL kills a stopped process", waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
                                                  WTERMSIG(status) == SIGKILL);

    // SIGCHLD reports stops too, unless SA_NOCLDSTOP.
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    child = fork();
    if (child == 0) {
        for (;;) pause();
    }
    kill(child, SIGSTOP);
    struct timespec second = {2, 0};
    int got = sigtimedwait(&chld, &info, &second);
    expect("SIGCHLD with CLD_STOPPED", got == SIGCHLD && info.si_code == CLD_STOPPED && info.si_pid == child);
    kill(child, SIGCONT);
    got = sigtimedwait(&chld, &info, &second);
    expect("SIGCHLD with CLD_CONTINUED", got == SIGCHLD && info.si_code == CLD_CONTINUED && info.si_pid == child);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    sigtimedwait(&chld, &info, &second);  // its exit's SIGCHLD
    printf("all job control checks passed\n");
    return 0;
}
