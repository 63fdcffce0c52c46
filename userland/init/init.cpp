// /sbin/init, pid 1 (minimal; step 8 grows it into the real init).
//
// Mounts what is not mounted yet of /proc (proc), /dev (devtmpfs) and /tmp (tmpfs), and
// links /dev/fd, /dev/stdin, /dev/stdout and /dev/stderr to /proc/self/fd. With a
// command (the kernel passes the words after "--" on its command line as arguments), runs
// it as a child in /tmp with root's login groups and exits with its status, 128 + N when
// signal N killed it; the kernel then powers off with that status. Without one, it reaps
// orphans forever.
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

void say(const std::string& text) {
    std::string line = "init: " + text + "\n";
    (void)!write(2, line.data(), line.size());
}

std::set<std::string> mounted_directories() {
    std::set<std::string> targets;
    std::ifstream mounts("/proc/mounts");
    std::string line;
    while (std::getline(mounts, line)) {
        std::istringstream fields(line);
        std::string source, target;
        if (fields >> source >> target) targets.insert(target);
    }
    return targets;
}

void mount_missing() {
    struct Wanted {
        const char* type;
        const char* target;
        const char* options;
    };
    // /proc first: it tells what else is mounted. Mounting proc where it already is would
    // stack a second instance (as on Linux), so mount it only when /proc/mounts is missing.
    std::set<std::string> mounted = mounted_directories();
    if (mounted.empty()) {
        mkdir("/proc", 0555);
        if (mount("proc", "/proc", "proc", 0, nullptr) != 0) say(std::string("mount /proc: ") + strerror(errno));
        mounted = mounted_directories();
    }
    for (const Wanted& wanted : {Wanted {"proc", "/proc", nullptr}, Wanted {"devtmpfs", "/dev", nullptr},
                                 Wanted {"tmpfs", "/tmp", "mode=1777"}}) {
        if (mounted.count(wanted.target)) continue;
        mkdir(wanted.target, 0755);
        if (mount(wanted.type, wanted.target, wanted.type, 0, wanted.options) != 0)
            say(std::string("mount ") + wanted.target + ": " + strerror(errno));
    }
}

// The supplementary groups a login as root gets (what initgroups(3) makes of /etc/group):
// the primary group and every group that lists root as a member. The kernel starts pid 1
// with none, as Linux does; login, su or a display manager set them for a session.
std::vector<gid_t> root_login_groups() {
    std::vector<gid_t> groups {getgid()};
    std::ifstream file("/etc/group");
    std::string line;
    while (std::getline(file, line)) {
        // name:password:gid:member,member,...
        std::vector<std::string> fields;
        std::istringstream parts(line);
        std::string field;
        while (std::getline(parts, field, ':')) fields.push_back(field);
        if (fields.size() < 4) continue;
        std::istringstream members(fields[3]);
        std::string member;
        while (std::getline(members, member, ',')) {
            if (member != "root") continue;
            char* end = nullptr;
            unsigned long gid = strtoul(fields[2].c_str(), &end, 10);
            bool known = false;
            for (gid_t group : groups) known = known || group == gid;
            if (end && *end == '\0' && !fields[2].empty() && !known) groups.push_back(static_cast<gid_t>(gid));
        }
    }
    return groups;
}

// The links udev (or Debian's initramfs init) adds to /dev: /dev/fd and the standard
// streams through /proc/self/fd. Existing names are left alone.
void link_standard_streams() {
    struct Link {
        const char* target;
        const char* name;
    };
    for (const Link& link : {Link {"/proc/self/fd", "/dev/fd"}, Link {"/proc/self/fd/0", "/dev/stdin"},
                             Link {"/proc/self/fd/1", "/dev/stdout"}, Link {"/proc/self/fd/2", "/dev/stderr"}}) {
        if (symlink(link.target, link.name) != 0 && errno != EEXIST)
            say(std::string("symlink ") + link.name + ": " + strerror(errno));
    }
}

int status_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

int run_command(char** command) {
    pid_t child = fork();
    if (child < 0) {
        say(std::string("fork: ") + strerror(errno));
        return 126;
    }
    if (child == 0) {
        if (chdir("/tmp") != 0) say(std::string("chdir /tmp: ") + strerror(errno));
        std::vector<gid_t> groups = root_login_groups();
        if (setgroups(groups.size(), groups.data()) != 0) say(std::string("setgroups: ") + strerror(errno));
        execv(command[0], command);
        int error = errno;
        say(std::string(command[0]) + ": " + strerror(error));
        _exit(error == ENOENT ? 127 : 126);
    }
    // Reap everything (orphans come to pid 1) until the command itself ends.
    for (;;) {
        int status = 0;
        pid_t done = waitpid(-1, &status, 0);
        if (done == child) return status_code(status);
        if (done < 0 && errno != EINTR) {
            say(std::string("waitpid: ") + strerror(errno));
            return 126;
        }
    }
}

[[noreturn]] void reap_forever() {
    for (;;) {
        int status;
        if (waitpid(-1, &status, 0) < 0) {
            timespec pause {1, 0};
            nanosleep(&pause, nullptr);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (getpid() != 1) {
        say("not pid 1; refusing to run");
        return 1;
    }
    mount_missing();
    link_standard_streams();
    if (argc > 1) return run_command(argv + 1);
    reap_forever();
}
