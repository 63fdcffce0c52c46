// What a process sees of itself and its child in /proc, printed as facts that hold on any
// Linux: the same binary must print the same lines on the host and on Newt.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(const char* name, int ok, const char* detail) {
    if (ok) printf("ok %s\n", name);
    else {
        printf("FAIL %s: %s\n", name, detail);
        ++failures;
    }
}

static ssize_t read_file(const char* path, char* buffer, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -errno;
    ssize_t total = 0, got;
    while (total < (ssize_t)size - 1 && (got = read(fd, buffer + total, size - 1 - total)) > 0) total += got;
    close(fd);
    buffer[total] = '\0';
    return total;
}

static const char* link_of(const char* path) {
    static char target[4096];
    ssize_t length = readlink(path, target, sizeof target - 1);
    if (length < 0) snprintf(target, sizeof target, "<%s>", strerror(errno));
    else target[length] = '\0';
    return target;
}

// The maps line whose range holds `address`, or NULL.
static const char* maps_line_for(const char* maps, unsigned long address) {
    static char line[512];
    for (const char* at = maps; *at;) {
        const char* end = strchr(at, '\n');
        size_t length = end ? (size_t)(end - at) : strlen(at);
        unsigned long start, stop;
        if (sscanf(at, "%lx-%lx", &start, &stop) == 2 && address >= start && address < stop) {
            snprintf(line, sizeof line, "%.*s", (int)length, at);
            return line;
        }
        if (!end) break;
        at = end + 1;
    }
    return NULL;
}

static int ends_with(const char* text, const char* suffix) {
    size_t a = strlen(text), b = strlen(suffix);
    return a >= b && strcmp(text + a - b, suffix) == 0;
}

static char big[1 << 16];

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "environ") == 0) {
        // Exec'd with a known environment: print /proc/self/environ with NULs as '|'.
        ssize_t length = read_file("/proc/self/environ", big, sizeof big);
        for (ssize_t i = 0; i < length; ++i) putchar(big[i] ? big[i] : '|');
        putchar('\n');
        return 0;
    }
    char expected[4096], detail[8192];
    pid_t pid = getpid();

    // /proc/self names the caller; exe is the program (as realpath names it).
    snprintf(expected, sizeof expected, "%d", pid);
    check("self", strcmp(link_of("/proc/self"), expected) == 0, link_of("/proc/self"));
    char* real = realpath(argv[0], NULL);
    check("exe", real && strcmp(link_of("/proc/self/exe"), real) == 0, link_of("/proc/self/exe"));
    struct stat through, direct;
    check("exe_opens_the_program", stat("/proc/self/exe", &through) == 0 && stat(real, &direct) == 0 &&
                                       through.st_ino == direct.st_ino && through.st_dev == direct.st_dev,
          "stat differs");
    free(real);

    // cmdline: argv, each string with its NUL.
    ssize_t length = read_file("/proc/self/cmdline", big, sizeof big);
    size_t at = 0;
    int same = 1;
    for (int i = 0; i < argc; ++i) {
        size_t n = strlen(argv[i]) + 1;
        if (at + n > (size_t)length || memcmp(big + at, argv[i], n) != 0) same = 0;
        at += n;
    }
    check("cmdline", same && at == (size_t)length, big);

    // stat: pid, (comm), state, ppid, pgrp, session.
    read_file("/proc/self/stat", big, sizeof big);
    int stat_pid, ppid, pgrp, session;
    char comm[64], state;
    int fields = sscanf(big, "%d (%63[^)]) %c %d %d %d", &stat_pid, comm, &state, &ppid, &pgrp, &session);
    snprintf(detail, sizeof detail, "%.4000s", big);
    check("stat", fields == 6 && stat_pid == pid && state == 'R' && ppid == getppid() && pgrp == getpgrp() &&
                      session == getsid(0),
          detail);
    char comm_file[64];
    read_file("/proc/self/comm", comm_file, sizeof comm_file);
    snprintf(expected, sizeof expected, "%s\n", comm);
    check("comm", strcmp(comm_file, expected) == 0 && strncmp(comm, "procself", 8) == 0, comm_file);

    // status: the same facts in its own form.
    read_file("/proc/self/status", big, sizeof big);
    snprintf(expected, sizeof expected, "Name:\t%s\n", comm);
    int status_ok = strstr(big, expected) == big;
    snprintf(expected, sizeof expected, "\nPid:\t%d\nPPid:\t%d\n", pid, getppid());
    status_ok &= strstr(big, expected) != NULL;
    snprintf(expected, sizeof expected, "\nUid:\t%u\t%u\t%u\t%u\n", getuid(), geteuid(), geteuid(), geteuid());
    status_ok &= strstr(big, expected) != NULL;
    status_ok &= strstr(big, "\nState:\tR (running)\n") != NULL && strstr(big, "\nThreads:\t1\n") != NULL;
    check("status", status_ok, big);
    // statm's size (pages) and status's VmSize (kB) describe the same memory.
    unsigned long vm_kib = 0, statm_pages = 0;
    const char* vm = strstr(big, "\nVmSize:");
    if (vm) sscanf(vm, "\nVmSize: %lu kB", &vm_kib);
    read_file("/proc/self/statm", detail, sizeof detail);
    sscanf(detail, "%lu", &statm_pages);
    check("statm", vm_kib > 0 && statm_pages * (sysconf(_SC_PAGESIZE) / 1024) == vm_kib, detail);

    // comm can be renamed through its file.
    int comm_fd = open("/proc/self/comm", O_WRONLY);
    check("comm_write", comm_fd >= 0 && write(comm_fd, "renamed", 7) == 7, strerror(errno));
    close(comm_fd);
    read_file("/proc/self/comm", comm_file, sizeof comm_file);
    check("comm_renamed", strcmp(comm_file, "renamed\n") == 0, comm_file);

    // maps: the stack, the program's code, an anonymous mapping that comes and goes.
    read_file("/proc/self/maps", big, sizeof big);
    int local = 0;
    const char* line = maps_line_for(big, (unsigned long)&local);
    check("maps_stack", line && ends_with(line, " [stack]") && strstr(line, " rw-p "), line ? line : "none");
    line = maps_line_for(big, (unsigned long)&main);
    const char* exe = link_of("/proc/self/exe");
    check("maps_code", line && ends_with(line, exe) && strstr(line, " r-xp "), line ? line : "none");
    char* mapped = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    read_file("/proc/self/maps", big, sizeof big);
    line = maps_line_for(big, (unsigned long)mapped + 4096);
    char range[64];
    snprintf(range, sizeof range, "%08lx-%08lx r--p 00000000 00:00 0", (unsigned long)mapped,
             (unsigned long)mapped + 3 * 4096);
    check("maps_anonymous", line && strncmp(line, range, strlen(range)) == 0, line ? line : "none");
    munmap(mapped, 3 * 4096);
    read_file("/proc/self/maps", big, sizeof big);
    check("maps_unmapped", maps_line_for(big, (unsigned long)mapped + 4096) == NULL, "still there");

    // cwd and root.
    mkdir("/tmp/procself-dir", 0755);
    chdir("/tmp/procself-dir");
    check("cwd", strcmp(link_of("/proc/self/cwd"), "/tmp/procself-dir") == 0, link_of("/proc/self/cwd"));
    check("root", strcmp(link_of("/proc/self/root"), "/") == 0, link_of("/proc/self/root"));

    // fd: a file, the same file once deleted, a pipe; the listing; opening through a link.
    int fd = open("/tmp/procself-dir/file", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
    check("fd_file", strcmp(link_of(fd_path), "/tmp/procself-dir/file") == 0, link_of(fd_path));
    write(fd, "through the link\n", 17);
    int again = open(fd_path, O_RDONLY);
    char content[64] = "";
    if (again >= 0) read(again, content, sizeof content - 1);
    check("fd_reopen", strcmp(content, "through the link\n") == 0, content);
    unlink("/tmp/procself-dir/file");
    check("fd_deleted", strcmp(link_of(fd_path), "/tmp/procself-dir/file (deleted)") == 0, link_of(fd_path));
    int pipe_fds[2];
    pipe(pipe_fds);
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", pipe_fds[0]);
    struct stat pipe_stat;
    fstat(pipe_fds[0], &pipe_stat);
    snprintf(expected, sizeof expected, "pipe:[%lu]", (unsigned long)pipe_stat.st_ino);
    check("fd_pipe", strcmp(link_of(fd_path), expected) == 0, link_of(fd_path));
    // A pipe reopened through its link is the same pipe; the links' modes show the access.
    write(pipe_fds[1], "hi", 2);
    int reopened = open(fd_path, O_RDONLY);
    char through_pipe[4] = "";
    if (reopened >= 0) read(reopened, through_pipe, 2);
    check("fd_pipe_reopen", reopened >= 0 && strcmp(through_pipe, "hi") == 0, strerror(errno));
    if (reopened >= 0) close(reopened);
    struct stat link_stat;
    lstat(fd_path, &link_stat);
    int read_mode = link_stat.st_mode & 0777;
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", pipe_fds[1]);
    lstat(fd_path, &link_stat);
    check("fd_link_modes", read_mode == 0500 && (link_stat.st_mode & 0777) == 0300, "modes");
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", pipe_fds[0]);
    check("dev_stdout", strcmp(link_of("/dev/stdout"), "/proc/self/fd/1") == 0 &&
                            strcmp(link_of("/dev/fd"), "/proc/self/fd") == 0,
          link_of("/dev/stdout"));
    DIR* directory = opendir("/proc/self/fd");
    int seen[4] = {0, 0, 0, 0};
    struct dirent* entry;
    while (directory && (entry = readdir(directory))) {
        int number = atoi(entry->d_name);
        if (number == fd) seen[0] = 1;
        if (number == again) seen[1] = 1;
        if (number == pipe_fds[0]) seen[2] = 1;
        if (number == pipe_fds[1]) seen[3] = 1;
    }
    if (directory) closedir(directory);
    check("fd_listing", seen[0] && seen[1] && seen[2] && seen[3], "missing descriptors");
    close(pipe_fds[0]);
    check("fd_closed", readlink(fd_path, detail, sizeof detail) < 0 && errno == ENOENT, "still there");
    // O_CREAT through a link to stdout opens stdout itself (shells do this for > /dev/stdout).
    int out = open("/proc/self/fd/1", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    check("fd_creat_through_link", out >= 0, strerror(errno));
    if (out >= 0) close(out);

    // A child: listed while it lives, a zombie after it exits, gone once reaped.
    int ready[2];
    pipe(ready);
    pid_t child = fork();
    if (child == 0) {
        char byte;
        read(ready[0], &byte, 1);
        _exit(3);
    }
    char child_dir[64];
    snprintf(child_dir, sizeof child_dir, "%d", child);
    int listed = 0;
    directory = opendir("/proc");
    while (directory && (entry = readdir(directory)))
        if (strcmp(entry->d_name, child_dir) == 0) listed = entry->d_type == DT_DIR;
    if (directory) closedir(directory);
    check("child_listed", listed, child_dir);
    char child_stat[64];
    snprintf(child_stat, sizeof child_stat, "/proc/%d/stat", child);
    // Until it blocks in read (at most about 5 s).
    int child_ppid = 0;
    for (int tries = 0; tries < 5000; ++tries) {
        read_file(child_stat, big, sizeof big);
        sscanf(big, "%*d (%*[^)]) %c %d", &state, &child_ppid);
        if (state == 'S') break;
        usleep(1000);
    }
    check("child_sleeping", state == 'S' && child_ppid == pid, big);
    write(ready[1], "x", 1);
    siginfo_t info;
    waitid(P_PID, child, &info, WEXITED | WNOWAIT);
    read_file(child_stat, big, sizeof big);
    sscanf(big, "%*d (%*[^)]) %c", &state);
    check("child_zombie", state == 'Z', big);
    int status;
    waitpid(child, &status, 0);
    check("child_gone", read_file(child_stat, big, sizeof big) == -ENOENT, big);
    snprintf(child_dir, sizeof child_dir, "/proc/%d", child);
    struct stat gone;
    check("child_directory_gone", stat(child_dir, &gone) < 0 && errno == ENOENT, child_dir);

    // environ: what execve gave (the child re-runs this program through /proc/self/exe).
    int output[2];
    pipe(output);
    fflush(stdout);
    child = fork();
    if (child == 0) {
        dup2(output[1], 1);
        char* args[] = {"/proc/self/exe", "environ", NULL};
        char* env[] = {"A=1", "SECOND=two words", NULL};
        execve("/proc/self/exe", args, env);
        _exit(127);
    }
    close(output[1]);
    length = 0;
    ssize_t got;
    while ((got = read(output[0], big + length, sizeof big - 1 - length)) > 0) length += got;
    big[length > 0 ? length : 0] = '\0';
    waitpid(child, &status, 0);
    check("environ", WIFEXITED(status) && WEXITSTATUS(status) == 0 && strcmp(big, "A=1|SECOND=two words|\n") == 0,
          big);

    // prctl's name is comm, cut to 15 bytes.
    prctl(PR_SET_NAME, "a-name-longer-than-fifteen", 0, 0, 0);
    char prctl_name[32] = "";
    prctl(PR_GET_NAME, prctl_name, 0, 0, 0);
    read_file("/proc/self/comm", comm_file, sizeof comm_file);
    check("prctl_name", strcmp(prctl_name, "a-name-longer-t") == 0 && strcmp(comm_file, "a-name-longer-t\n") == 0,
          comm_file);
    check("prctl_dumpable", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1 && prctl(PR_SET_DUMPABLE, 2, 0, 0, 0) == -1 &&
                                errno == EINVAL,
          "dumpable");
    check("prctl_unknown", prctl(0x7fff0000, 0, 0, 0, 0) == -1 && errno == EINVAL, "unknown option");

    // Another user's process: its links, fd/ and environ are closed to us (EACCES), its
    // status is not. The child drops to nobody; its parent stays root's.
    fflush(stdout);
    child = fork();
    if (child == 0) {
        int dropped = setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 &&
                      setresuid(65534, 65534, 65534) == 0;
        check("drop_to_nobody", dropped, strerror(errno));
        char target[64], other[64];
        snprintf(other, sizeof other, "/proc/%d/exe", getppid());
        check("other_exe_eacces", readlink(other, target, sizeof target) < 0 && errno == EACCES, strerror(errno));
        snprintf(other, sizeof other, "/proc/%d/cwd", getppid());
        check("other_cwd_eacces", readlink(other, target, sizeof target) < 0 && errno == EACCES, strerror(errno));
        snprintf(other, sizeof other, "/proc/%d/environ", getppid());
        check("other_environ_eacces", open(other, O_RDONLY) < 0 && errno == EACCES, strerror(errno));
        snprintf(other, sizeof other, "/proc/%d/fd", getppid());
        check("other_fd_eacces", opendir(other) == NULL && errno == EACCES, strerror(errno));
        snprintf(other, sizeof other, "/proc/%d/status", getppid());
        check("other_status_readable", read_file(other, big, sizeof big) > 0, "status");
        check("own_exe_readable", readlink("/proc/self/exe", target, sizeof target) > 0, strerror(errno));
        // no_new_privs: set, inherited, never cleared.
        check("no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0 &&
                                  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
                                  prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 &&
                                  prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0) == -1 && errno == EINVAL,
              "no_new_privs");
        fflush(stdout);
        _exit(failures);
    }
    waitpid(child, &status, 0);
    failures += WIFEXITED(status) ? WEXITSTATUS(status) : 1;

    rmdir("/tmp/procself-dir");
    printf("%d failures\n", failures);
    return failures != 0;
}
