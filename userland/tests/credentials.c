// The credential syscalls as a root process uses them, printed step by step so that the
// output can be compared with Linux's byte for byte (tests/system/user_programs.py runs it
// on Newt and on the host, both as root): supplementary groups, dropping privilege in
// forked children with and without a saved root id, the calls that must fail then, the
// file-system ids (permission checks, new files' owners), and what exec does to the ids,
// of a set-user-ID/set-group-ID file too. Run as "credentials report" (or "secure") it
// only prints its ids: the program those execs run.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void print_ids(const char* label) {
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0) {
        printf("%s: getres*id failed: %s\n", label, strerror(errno));
        return;
    }
    // setfs*id(-1) never changes anything: it reads the file-system ids.
    int fsuid = setfsuid((uid_t)-1), fsgid = setfsgid((gid_t)-1);
    gid_t groups[64];
    int count = getgroups(64, groups);
    printf("%s: uid %u %u %u fs %d, gid %u %u %u fs %d, groups", label, ruid, euid, suid, fsuid, rgid, egid, sgid,
           fsgid);
    if (count < 0) printf(" error %s", strerror(errno));
    for (int i = 0; i < count; ++i) printf(" %u", groups[i]);
    printf("\n");
}

// "name: OK" or "name: EPERM" (the errno's name for the ones these calls give).
static void outcome(const char* name, long result) {
    const char* error = "OK";
    if (result < 0) {
        switch (errno) {
        case EPERM: error = "EPERM"; break;
        case EINVAL: error = "EINVAL"; break;
        case EFAULT: error = "EFAULT"; break;
        case EACCES: error = "EACCES"; break;
        default: error = strerror(errno); break;
        }
    }
    if (result > 0) printf("  %s: %ld\n", name, result);
    else printf("  %s: %s\n", name, error);
}

// setfsuid/setfsgid return the previous id whatever happens.
static void previous(const char* name, int id) { printf("  %s: previous %d\n", name, id); }

static int wait_child(pid_t child) {
    int status = 0;
    if (waitpid(child, &status, 0) != child) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static gid_t* volatile bad_list = (gid_t*)8;  // never mapped (volatile: no compiler warning)

// Root with a known group list (the host's root may start with other groups).
static void start(void) {
    gid_t groups[] = {300, 100, 200, 100};
    outcome("setgroups 4", setgroups(4, groups));
    print_ids("root");
    outcome("setuid(-1)", setuid((uid_t)-1));
    outcome("setgid(-1)", setgid((gid_t)-1));
    outcome("setgroups 65537", setgroups(65537, groups));
    gid_t bad[] = {5, (gid_t)-1};
    outcome("setgroups with -1", setgroups(2, bad));
    outcome("setgroups bad pointer", setgroups(1, bad_list));
    outcome("getgroups count", getgroups(0, NULL));
    outcome("getgroups too small", getgroups(3, groups));
    outcome("getgroups bad pointer", getgroups(4, bad_list));
    outcome("getresuid bad pointer", getresuid((uid_t*)bad_list, NULL, NULL));
    print_ids("root after errors");
}

// Root's file-system ids alone move: permission checks and new files' owners follow them,
// the effective ids stay. In a child: Linux drops root's file-system capabilities
// (CAP_CHOWN, CAP_DAC_OVERRIDE, ...) when fsuid leaves 0 and gives them back only when
// setfsuid returns it to 0, not when setreuid does (Newt has no capability sets; see
// docs/processes.md), so the process that did this is not quite root any more.
static int file_system_ids(const char* secret) {
    previous("setfsuid 4242", setfsuid(4242));
    previous("setfsgid 4343", setfsgid(4343));
    print_ids("fs moved");
    outcome("open root's 0600 file", open(secret, O_RDONLY) >= 0 ? 0 : -1);
    char created[64];
    snprintf(created, sizeof created, "/tmp/credentials-owned-%d", (int)getpid());
    int fd = open(created, O_CREAT | O_EXCL | O_WRONLY, 0644);
    struct stat info;
    if (fd >= 0 && fstat(fd, &info) == 0) printf("  new file owned by %u:%u\n", info.st_uid, info.st_gid);
    if (fd >= 0) close(fd);
    outcome("setresuid(-1, -1, -1) (a no-op)", setresuid(-1, -1, -1));
    outcome("setresgid(-1, -1, -1) (a no-op)", setresgid(-1, -1, -1));
    print_ids("after the no-op");
    outcome("setreuid(-1, 0)", setreuid(-1, 0));
    outcome("setregid(-1, 0)", setregid(-1, 0));
    print_ids("fs back with the effective ids");
    previous("setfsuid 4242", setfsuid(4242));
    previous("setfsuid 0", setfsuid(0));  // back the way Linux returns the capabilities
    outcome("unlink the new file", unlink(created));  // another owner's file in sticky /tmp
    return 0;
}

// Dropping to 1000 but keeping the saved uid 0, then the way back and the final drop.
static int temporary_drop(void) {
    outcome("setresgid(1000, 1000, 1000)", setresgid(1000, 1000, 1000));
    outcome("setresuid(1000, 1000, 0)", setresuid(1000, 1000, 0));
    print_ids("saved root");
    outcome("setuid(2000)", setuid(2000));
    outcome("setgroups 0", setgroups(0, NULL));
    outcome("setgid(5)", setgid(5));
    outcome("setregid(-1, 7)", setregid(-1, 7));
    previous("setfsuid 0", setfsuid(0));  // the saved id: allowed
    previous("setfsuid 1000", setfsuid(1000));
    previous("setfsuid 5", setfsuid(5));  // refused: not one of the ids
    outcome("seteuid(0)", seteuid(0));
    print_ids("root again");
    outcome("setreuid(-1, 1000)", setreuid(-1, 1000));  // euid = the real id: saved stays 0
    print_ids("effective 1000");
    outcome("setreuid(-1, 1001)", setreuid(-1, 1001));  // not allowed: not one of 1000, 1000, 0
    outcome("setreuid(1000, 0)", setreuid(1000, 0));    // euid 0 != the real id: saved becomes 0
    print_ids("setreuid(1000, 0)");
    outcome("setresuid(-1, -1, 1000)", setresuid(-1, -1, 1000));
    outcome("setreuid(-1, 1000)", setreuid(-1, 1000));
    print_ids("saved 1000");
    outcome("setresuid(-1, 0, -1)", setresuid(-1, 0, -1));
    outcome("setuid(0)", setuid(0));
    previous("setfsuid 0", setfsuid(0));  // refused now
    outcome("setreuid(1000, 1000)", setreuid(1000, 1000));
    outcome("setuid(1000)", setuid(1000));
    print_ids("for good");
    return 0;
}

// A full drop to nobody: nothing of root is left.
static int drop_to_nobody(const char* secret) {
    outcome("setgroups 0", setgroups(0, NULL));
    outcome("setgid(65534)", setgid(65534));
    outcome("setuid(65534)", setuid(65534));
    print_ids("nobody");
    outcome("setuid(0)", setuid(0));
    outcome("setresgid(0, -1, -1)", setresgid(0, -1, -1));
    outcome("setgroups 0", setgroups(0, NULL));
    outcome("kill(parent, 0)", kill(getppid(), 0));
    outcome("open root's 0600 file", open(secret, O_RDONLY) >= 0 ? 0 : -1);
    return 0;
}

// exec makes the saved and the file-system ids the effective ones: here after a plain exec
// of this program, then of a copy owned by 1000:2000 with both set-id bits.
// `mode`: "report", or "secure" to print AT_SECURE too (only where every Linux agrees on
// it: after a plain exec with fsgid != egid, kernels since a 2025 change to
// cap_bprm_creds_from_file say 1, which compares the new egid with fsgid and the groups,
// older ones and Newt 0).
static void exec_report(const char* program, uid_t saved_uid, gid_t saved_gid, const char* mode) {
    pid_t child = fork();
    if (child == 0) {
        if (setgroups(0, NULL) != 0 || setresgid(3000, 3000, saved_gid) != 0 || setresuid(3000, 3000, saved_uid) != 0)
            _exit(3);
        setfsgid(saved_gid);  // allowed: the saved ids; exec will not keep them
        setfsuid(saved_uid);
        char* arguments[] = {(char*)program, (char*)mode, NULL};
        execv(program, arguments);
        _exit(4);
    }
    printf("exec: status %d\n", wait_child(child));
}

static void exec_resets_ids(const char* self) {
    exec_report(self, 4000, 4001, "report");
    char copy[4096];
    snprintf(copy, sizeof copy, "%s-setid-%d", self, (int)getpid());
    int in = open(self, O_RDONLY);
    int out = open(copy, O_CREAT | O_TRUNC | O_WRONLY, 0755);
    if (in < 0 || out < 0) {
        printf("set-id exec: cannot copy %s: %s\n", self, strerror(errno));
        return;
    }
    char buffer[65536];
    ssize_t length;
    while ((length = read(in, buffer, sizeof buffer)) > 0) {
        if (write(out, buffer, (size_t)length) != length) break;
    }
    close(in);
    close(out);
    // chown first: it clears the set-id bits.
    if (chown(copy, 1000, 2000) != 0 || chmod(copy, 06755) != 0) printf("set-id exec: chown/chmod: %s\n", strerror(errno));
    exec_report(copy, 4000, 4001, "secure");
    unlink(copy);
}

int main(int argc, char** argv) {
    if (argc > 1 && (strcmp(argv[1], "report") == 0 || strcmp(argv[1], "secure") == 0)) {
        print_ids("after exec");
        if (strcmp(argv[1], "secure") == 0) printf("  AT_SECURE %lu\n", getauxval(AT_SECURE));
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0);  // children's lines in order with the parent's
    if (geteuid() != 0) {
        printf("credentials: run me as root\n");
        return 1;
    }
    start();

    char secret[64];
    snprintf(secret, sizeof secret, "/tmp/credentials-secret-%d", (int)getpid());
    int fd = open(secret, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    if (fd < 0) printf("cannot create the secret file: %s\n", strerror(errno));
    else close(fd);
    pid_t child = fork();
    if (child == 0) _exit(file_system_ids(secret));
    printf("file-system ids: status %d\n", wait_child(child));
    child = fork();
    if (child == 0) _exit(temporary_drop());
    printf("temporary drop: status %d\n", wait_child(child));
    child = fork();
    if (child == 0) _exit(drop_to_nobody(secret));
    printf("drop to nobody: status %d\n", wait_child(child));
    print_ids("parent unchanged");

    exec_resets_ids(argv[0]);
    unlink(secret);
    return 0;
}
