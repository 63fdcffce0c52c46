// Signal handlers as Linux runs them: siginfo, masks during and after a handler,
// SA_RESETHAND, SA_RESTART and EINTR, SIGCHLD, sigsuspend, pause, sigpending, the
// alternate stack, FPU state kept across a handler, siglongjmp out of one. Prints facts
// that hold on any Linux, so the host and Newt must print the same.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits, last_signal, last_code, blocked_inside, on_alternate;
static volatile pid_t last_pid;
static volatile int last_status;
static char alternate[64 * 1024];

static void expect(const char* what, int ok) {
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) exit(1);
}

static void counting(int signal) {
    ++hits;
    last_signal = signal;
}

static void with_info(int signal, siginfo_t* info, void* context) {
    (void)context;
    ++hits;
    last_signal = signal;
    last_code = info->si_code;
    last_pid = info->si_pid;
    last_status = info->si_status;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    blocked_inside = sigismember(&now, signal) && sigismember(&now, SIGUSR2);
    stack_t stack;
    sigaltstack(NULL, &stack);
    on_alternate = (stack.ss_flags & SS_ONSTACK) != 0 && (char*)&stack >= alternate &&
                   (char*)&stack < alternate + sizeof alternate;
}

static void fpu_scribbler(int signal) {
    (void)signal;
    volatile double x = 1e300;
    for (int i = 0; i < 10; ++i) x = x * 3.7 + 1.1;  // leaves the FPU and SSE registers changed
    ++hits;
}

static unsigned read_mxcsr(void) {
    unsigned value;
    __asm__ volatile("stmxcsr %0" : "=m"(value));
    return value;
}
static void write_mxcsr(unsigned value) { __asm__ volatile("ldmxcsr %0" ::"m"(value)); }

static volatile unsigned mxcsr_inside;
static void mxcsr_reader(int signal) {
    (void)signal;
    mxcsr_inside = read_mxcsr();
}

static volatile sig_atomic_t reaped_in_handler;
static void reaper(int signal) {
    (void)signal;
    while (waitpid(-1, NULL, WNOHANG) > 0) ++reaped_in_handler;
}

static sigjmp_buf escape;
static void jumper(int signal) { siglongjmp(escape, signal); }

static void install(int signal, void (*handler)(int), int flags) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigaction(signal, &action, NULL);
}

static void install_info(int signal, int flags) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = with_info;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGUSR2);
    sigaction(signal, &action, NULL);
}

// A child that sends `signal` to the parent after `delay_ms`, then writes to `fd` (if >= 0)
// after twice that.
static pid_t signal_later(int signal, int delay_ms, int fd) {
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        struct timespec pause = {0, delay_ms * 1000000L};
        nanosleep(&pause, NULL);
        kill(parent, signal);
        if (fd >= 0) {
            nanosleep(&pause, NULL);
            write(fd, "late", 4);
        }
        _exit(0);
    }
    return child;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    // A handler with siginfo: kill() from ourselves, the mask inside, the mask after.
    install_info(SIGUSR1, 0);
    kill(getpid(), SIGUSR1);
    expect("handler ran once", hits == 1 && last_signal == SIGUSR1);
    expect("siginfo from kill: SI_USER and our pid", last_code == SI_USER && last_pid == getpid());
    expect("the signal and sa_mask blocked inside", blocked_inside);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    expect("mask restored after", !sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2));

    // Registers and FPU state survive a handler that changes them.
    install(SIGUSR2, fpu_scribbler, 0);
    volatile double kept = 2.5;
    double before = kept * 1.5;
    raise(SIGUSR2);
    expect("FPU state kept across a handler", before == 3.75 && kept * 1.5 == 3.75);

    // A handler starts with a clean FPU (MXCSR 0x1f80); the interrupted code gets its own back.
    install(SIGUSR2, mxcsr_reader, 0);
    unsigned saved_mxcsr = read_mxcsr();
    write_mxcsr((saved_mxcsr & ~0x6000u) | 0x4000u);  // round up
    raise(SIGUSR2);
    unsigned after_mxcsr = read_mxcsr();
    write_mxcsr(saved_mxcsr);
    expect("handler's MXCSR is the default, ours is kept",
           mxcsr_inside == 0x1f80 && (after_mxcsr & 0x6000u) == 0x4000u);

    // SA_RESETHAND: the disposition is back to SIG_DFL after one delivery.
    install(SIGUSR2, counting, SA_RESETHAND);
    hits = 0;
    raise(SIGUSR2);
    struct sigaction current;
    sigaction(SIGUSR2, NULL, &current);
    expect("SA_RESETHAND ran once and reset", hits == 1 && current.sa_handler == SIG_DFL);

    // Blocked signals wait in sigpending and run when unblocked.
    install(SIGUSR2, counting, 0);
    hits = 0;
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    raise(SIGUSR2);
    sigset_t pending;
    sigpending(&pending);
    expect("blocked signal pending, not run", hits == 0 && sigismember(&pending, SIGUSR2));
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
    expect("runs when unblocked", hits == 1);

    // SIGCHLD with siginfo when a child exits.
    install_info(SIGCHLD, 0);
    hits = 0;
    pid_t child = fork();
    if (child == 0) _exit(9);
    while (!hits) pause();
    int status;
    waitpid(child, &status, 0);
    expect("SIGCHLD: CLD_EXITED with pid and status",
           last_signal == SIGCHLD && last_code == CLD_EXITED && last_pid == child && last_status == 9);
    install(SIGCHLD, SIG_DFL, 0);

    // A child's SIGCHLD is pending by the time wait can see it, and a SIGCHLD handler's
    // WNOHANG wait always finds the child that sent it.
    sigset_t child_signal;
    sigemptyset(&child_signal);
    sigaddset(&child_signal, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child_signal, NULL);
    int signalled_first = 1;
    for (int round = 0; round < 20; ++round) {
        child = fork();
        if (child == 0) _exit(0);
        waitpid(child, &status, 0);
        sigpending(&pending);
        signalled_first &= sigismember(&pending, SIGCHLD);
        struct timespec none = {0, 0};
        sigtimedwait(&child_signal, NULL, &none);
    }
    expect("SIGCHLD is pending when wait returns the child", signalled_first);
    install(SIGCHLD, reaper, 0);
    reaped_in_handler = 0;
    for (int round = 0; round < 20; ++round) {
        if (fork() == 0) _exit(0);
    }
    sigset_t waiting_mask;
    sigemptyset(&waiting_mask);
    while (reaped_in_handler < 20) sigsuspend(&waiting_mask);
    sigprocmask(SIG_UNBLOCK, &child_signal, NULL);
    install(SIGCHLD, SIG_DFL, 0);
    expect("a SIGCHLD handler reaps every child with WNOHANG", reaped_in_handler == 20);

    // A blocking read interrupted: EINTR without SA_RESTART, resumed with it.
    int pipe_fds[2];
    pipe(pipe_fds);
    install(SIGUSR1, counting, 0);
    child = signal_later(SIGUSR1, 50, -1);
    char buffer[8];
    errno = 0;
    ssize_t got = read(pipe_fds[0], buffer, sizeof buffer);
    expect("read interrupted: EINTR", got == -1 && errno == EINTR);
    waitpid(child, &status, 0);
    install(SIGUSR1, counting, SA_RESTART);
    hits = 0;
    child = signal_later(SIGUSR1, 50, pipe_fds[1]);
    got = read(pipe_fds[0], buffer, sizeof buffer);
    expect("read with SA_RESTART resumes and gets the data", got == 4 && hits == 1 && memcmp(buffer, "late", 4) == 0);
    waitpid(child, &status, 0);

    // nanosleep ends with EINTR even with SA_RESTART.
    child = signal_later(SIGUSR1, 50, -1);
    struct timespec long_sleep = {5, 0};
    expect("nanosleep interrupted", nanosleep(&long_sleep, NULL) == -1 && errno == EINTR);
    waitpid(child, &status, 0);

    // sigsuspend: waits with a temporary mask, the old one is back after.
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    hits = 0;
    child = signal_later(SIGUSR1, 30, -1);
    sigset_t open_mask;
    sigemptyset(&open_mask);
    int suspended = sigsuspend(&open_mask);
    sigprocmask(SIG_BLOCK, NULL, &now);
    expect("sigsuspend returns EINTR after the handler", suspended == -1 && errno == EINTR && hits == 1);
    expect("sigsuspend restores the mask", sigismember(&now, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    waitpid(child, &status, 0);

    // ppoll with a mask that lets SIGUSR1 in: the handler runs, the old mask is back after.
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    hits = 0;
    child = signal_later(SIGUSR1, 30, -1);
    struct pollfd never = {.fd = pipe_fds[0], .events = POLLIN};
    int polled = ppoll(&never, 1, NULL, &open_mask);
    sigprocmask(SIG_BLOCK, NULL, &now);
    expect("ppoll: EINTR, the handler ran, the mask is back", polled == -1 && errno == EINTR && hits == 1 &&
                                                                  sigismember(&now, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    waitpid(child, &status, 0);

    // pause.
    hits = 0;
    child = signal_later(SIGUSR1, 30, -1);
    expect("pause returns EINTR", pause() == -1 && errno == EINTR && hits == 1);
    waitpid(child, &status, 0);

    // The alternate stack.
    stack_t stack = {.ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0};
    expect("sigaltstack set", sigaltstack(&stack, NULL) == 0);
    stack_t small = {.ss_sp = alternate, .ss_size = 100, .ss_flags = 0};
    expect("sigaltstack too small: ENOMEM", sigaltstack(&small, NULL) == -1 && errno == ENOMEM);
    install_info(SIGUSR1, SA_ONSTACK);
    kill(getpid(), SIGUSR1);
    expect("SA_ONSTACK handler runs on the alternate stack", on_alternate);
    install_info(SIGUSR1, 0);
    kill(getpid(), SIGUSR1);
    expect("without SA_ONSTACK it does not", !on_alternate);

    // siglongjmp out of a handler restores the saved mask.
    install(SIGUSR2, jumper, 0);
    int jumped = sigsetjmp(escape, 1);
    if (!jumped) {
        raise(SIGUSR2);
        expect("siglongjmp left the handler", 0);
    }
    sigprocmask(SIG_BLOCK, NULL, &now);
    expect("siglongjmp: back with the mask unblocked", jumped == SIGUSR2 && !sigismember(&now, SIGUSR2));

    // A fault's handler gets the address; siglongjmp leaves the faulting code.
    struct sigaction fault;
    memset(&fault, 0, sizeof fault);
    fault.sa_sigaction = with_info;
    fault.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &fault, NULL);
    static volatile sig_atomic_t segv_step;
    segv_step = 0;
    install(SIGUSR2, jumper, 0);
    if (!sigsetjmp(escape, 1)) {
        struct sigaction jump;
        memset(&jump, 0, sizeof jump);
        jump.sa_handler = jumper;
        jump.sa_flags = SA_NODEFER;
        sigaction(SIGSEGV, &jump, NULL);
        segv_step = 1;
        volatile int* volatile bad = (volatile int*)16;
        *bad = 1;  // faults
        segv_step = 2;
    }
    expect("SIGSEGV handler ran and jumped out", segv_step == 1);
    install(SIGSEGV, SIG_DFL, 0);
    child = fork();
    if (child == 0) {
        sigaction(SIGSEGV, &fault, NULL);
        hits = 0;
        // The handler returns, the access faults again: after the first report, give up.
        struct sigaction once;
        memset(&once, 0, sizeof once);
        once.sa_sigaction = with_info;
        once.sa_flags = SA_SIGINFO | SA_RESETHAND;
        sigaction(SIGSEGV, &once, NULL);
        volatile int* volatile bad = (volatile int*)24;
        *bad = 1;
        _exit(0);
    }
    waitpid(child, &status, 0);
    expect("a returning SIGSEGV handler with SA_RESETHAND: the retry kills", WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);

    // sigtimedwait takes blocked signals without running handlers.
    install(SIGUSR1, counting, 0);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    hits = 0;
    kill(getpid(), SIGUSR1);
    siginfo_t waited;
    struct timespec second = {1, 0};
    int taken = sigtimedwait(&usr1, &waited, &second);
    expect("sigtimedwait takes a pending signal with its siginfo",
           taken == SIGUSR1 && waited.si_code == SI_USER && waited.si_pid == getpid() && hits == 0);
    struct timespec short_wait = {0, 50 * 1000 * 1000};
    expect("sigtimedwait: EAGAIN after the timeout", sigtimedwait(&usr1, &waited, &short_wait) == -1 && errno == EAGAIN);
    child = signal_later(SIGUSR1, 30, -1);
    struct timespec long_wait = {5, 0};
    expect("sigtimedwait: a signal that arrives while waiting",
           sigtimedwait(&usr1, &waited, &long_wait) == SIGUSR1 && waited.si_pid == child && hits == 0);
    waitpid(child, &status, 0);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    // A blocked SIGCHLD with its default action stays pending for sigwaitinfo.
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    child = fork();
    if (child == 0) _exit(4);
    expect("sigwaitinfo: SIGCHLD of the child",
           sigwaitinfo(&chld, &waited) == SIGCHLD && waited.si_pid == child && waited.si_status == 4);
    waitpid(child, &status, 0);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    // A blocked signal is pending even when ignored; unblocked, it vanishes.
    install(SIGUSR2, SIG_IGN, 0);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    raise(SIGUSR2);
    sigpending(&pending);
    expect("blocked and ignored: still pending", sigismember(&pending, SIGUSR2));
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
    sigpending(&pending);
    expect("unblocked: discarded", !sigismember(&pending, SIGUSR2));

    // alarm and setitimer (ITIMER_REAL).
    expect("alarm: no earlier alarm", alarm(5) == 0);
    expect("alarm: the earlier one's seconds", alarm(0) == 5);
    install(SIGALRM, counting, 0);
    hits = 0;
    struct itimerval timer = {.it_interval = {0, 0}, .it_value = {0, 50000}};
    expect("setitimer", setitimer(ITIMER_REAL, &timer, NULL) == 0);
    struct itimerval left;
    getitimer(ITIMER_REAL, &left);
    expect("getitimer: armed, at most what was set",
           left.it_value.tv_sec == 0 && left.it_value.tv_usec > 0 && left.it_value.tv_usec <= 50000);
    got = read(pipe_fds[0], buffer, sizeof buffer);  // nothing comes: the alarm ends it
    expect("SIGALRM interrupts a read: EINTR", got == -1 && errno == EINTR && hits == 1 && last_signal == SIGALRM);
    getitimer(ITIMER_REAL, &left);
    expect("getitimer: disarmed after firing", left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0);
    // An interval timer fires again and again.
    sigprocmask(SIG_BLOCK, NULL, &now);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    hits = 0;
    struct itimerval repeating = {.it_interval = {0, 20000}, .it_value = {0, 20000}};
    setitimer(ITIMER_REAL, &repeating, NULL);
    while (hits < 3) sigsuspend(&open_mask);
    struct itimerval off = {{0, 0}, {0, 0}}, previous;
    setitimer(ITIMER_REAL, &off, &previous);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
    expect("interval timer: three expiries, the interval reported back",
           hits >= 3 && previous.it_interval.tv_sec == 0 && previous.it_interval.tv_usec == 20000);
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    expect("setitimer: microseconds out of range: EINVAL", setitimer(ITIMER_REAL, &bad, NULL) == -1 && errno == EINVAL);
    expect("setitimer: unknown timer: EINVAL", setitimer(7, &off, NULL) == -1 && errno == EINVAL);
    child = fork();
    if (child == 0) {
        install(SIGALRM, SIG_DFL, 0);
        alarm(1);
        for (;;) pause();
    }
    waitpid(child, &status, 0);
    expect("SIGALRM by default kills", WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM);

    // A handler for SIGTERM keeps the process alive; then the default kills.
    install(SIGTERM, counting, 0);
    hits = 0;
    kill(getpid(), SIGTERM);
    expect("SIGTERM caught", hits == 1);
    child = fork();
    if (child == 0) {
        install(SIGTERM, SIG_DFL, 0);
        raise(SIGTERM);
        _exit(0);
    }
    waitpid(child, &status, 0);
    expect("SIGTERM by default kills", WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    printf("all signal checks passed\n");
    return 0;
}
