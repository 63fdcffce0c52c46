"""The user-program cases both backends run: the same static binaries from the initramfs,
started as `-- /path args` (init runs them in /tmp and the machine powers off with their
status). Programs that are plain Linux programs are also run on the host, and their output
must be the same on Newt (a differential test).

A launcher is a function (argv) -> (status, output) for one backend.
"""
import os
import re
import subprocess

# (name, argv, expected status, regexes the output must match, run on the host too)
CASES = [
    ("hello_glibc", ["/tests/hello", "a", "b"], 0, [r"hello from /tests/hello \[a\] \[b\]"], True),
    ("hello_musl", ["/tests/hello_musl", "x"], 0, [r"hello from /tests/hello_musl \[x\]"], True),
    ("hello_cpp", ["/tests/hello_cpp"], 0, [r"static constructors ran", r"sum of squares 1\.\.10 = 385",
                                              r"caught: division by zero", r"done"], True),
    ("exit_status", ["/tests/exit_with", "42"], 42, [], True),
    ("segv", ["/tests/crash", "segv"], 128 + 11, [], False),
    ("sigill", ["/tests/crash", "ill"], 128 + 4, [], False),
    ("sigfpe", ["/tests/crash", "fpe"], 128 + 8, [], False),
    ("abort", ["/tests/crash", "abort"], 128 + 6, [], False),
    ("fork_exec", ["/tests/fork_exec", "200", "/tests/exit_with"], 0, [r"fork_exec: 200 of 200 rounds exited 7"], False),
    ("preemption", ["/tests/preempt"], 0, [r"parent ran while the child spun", r"child killed by signal 9"], True),
    ("signals", ["/tests/signals"], 0, [r"blocked reader: signal 15", r"writer without readers: signal 13",
                                        r"with SIGPIPE ignored: write -1, EPIPE", r"blocked SIGTERM: still alive",
                                        r"blocked then unblocked: signal 15"], True),
    # The credential syscalls as root uses them (needs root on the host too, as CI runs).
    ("credentials", ["/tests/credentials"], 0,
     [r"(?m)^root: uid 0 0 0 fs 0, gid 0 0 0 fs 0, groups 100 100 200 300$",
      r"(?m)^saved root: uid 1000 1000 0 fs 1000,", r"(?m)^nobody: uid 65534 65534 65534 fs 65534,",
      r"(?m)^after exec: uid 3000 1000 1000 fs 1000, gid 3000 2000 2000 fs 2000, groups$"], True),
    ("missing_program", ["/tests/no_such_program"], 127, [r"init: /tests/no_such_program: No such file"], False),
    ("handlers", ["/tests/handlers"], 0, [r"all signal checks passed"], True),
    ("busybox_jobs", ["/bin/busybox", "sh", "-c",
                      "sleep 0.2 & wait $!; echo waited $?; sleep 5 & k=$!; kill $k; wait $k; echo killed $?; "
                      "trap 'echo trapped' USR1; kill -USR1 $$; echo after; echo a b c | wc -w"],
     0, [r"(?m)^waited 0$", r"(?m)^killed 143$", r"(?m)^trapped\nafter$", r"(?m)^3$"], False),
    # Hostile rt_sigreturn frames end their processes, never the kernel.
    ("sigreturn_garbage", ["/tests/sigreturn_garbage", "100"], 0,
     [r"sigreturn_garbage: 100 rounds, 100 ended by a signal, 0 exited"], True),
    ("jobs", ["/tests/jobs"], 0, [r"all job control checks passed"], True),
    ("vfork", ["/tests/vfork"], 0, [r"vfork: parent sees 42", r"posix_spawn: exited 5", r"system: returned 3"], True),
    ("procself", ["/tests/procself"], 0, [r"(?m)^0 failures$"], True),
    # init mounts only what the kernel has not: each file system appears once.
    ("init_mounts", ["/bin/busybox", "cat", "/proc/mounts"], 0,
     [r"(?m)^rootfs / tmpfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0\ntmpfs /tmp tmpfs rw 0 0$"], False),
    ("busybox_sh", ["/bin/busybox", "sh", "-c",
                    "echo hi | cat; ls /; mkdir -p /tmp/a/b; echo x > /tmp/a/f; cat /tmp/a/f; rm -r /tmp/a"],
     0, [r"(?m)^hi$", r"(?m)^bin\s", r"(?m)^x$"], False),
    # Every applet has its link (found on PATH, no /proc/self/exe needed); /etc/passwd and
    # /etc/group name the ids; init gives root its login groups; su drops to nobody through
    # initgroups, setgid and setuid.
    ("busybox_users", ["/bin/busybox", "sh", "-c",
                       "id; whoami; id nobody; su -s /bin/sh -c 'id; whoami' nobody; "
                       "readlink /usr/bin/wc; readlink /sbin/ifconfig; test -L /sbin/init || echo init is ours; "
                       "wc -l < /etc/passwd"],
     0, [r"(?m)^uid=0\(root\) gid=0\(root\) groups=0\(root\)\nroot\n"
         r"uid=65534\(nobody\) gid=65534\(nogroup\) groups=65534\(nogroup\)\n"
         r"uid=65534\(nobody\) gid=65534\(nogroup\) groups=65534\(nogroup\)\nnobody\n"
         r"\.\./\.\./bin/busybox\n\.\./bin/busybox\ninit is ours\n3$"], False),
    ("applet_link", ["/usr/bin/id", "-un"], 0, [r"(?m)^root$"], False),
]

_KERNEL_LINE = re.compile(r"^\[\s*\d+\.\d+\] ")


def program_output(text):
    """What the program printed: the console minus kernel log lines, init's notes and the
    power-off line."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _KERNEL_LINE.match(line) or line.startswith("init: ") or line.startswith("newt: power off"):
            continue
        lines.append(line)
    return "\n".join(line for line in lines if line.strip())


def host_output(stage, argv):
    """Runs argv's program from the build's staged userland on the host."""
    stage = os.path.abspath(stage)
    program = os.path.join(stage, argv[0].lstrip("/"))
    proc = subprocess.run([program] + argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          cwd="/tmp", timeout=60)
    return proc.returncode, proc.stdout.decode(errors="replace")


def make_tests(test_case, launcher, stage):
    """Adds one test method per case to `test_case` (a unittest.TestCase subclass)."""
    for name, argv, status, patterns, differential in CASES:
        def test(self, argv=argv, status=status, patterns=patterns, differential=differential):
            got_status, output = launcher(argv)
            output = output.replace("\r\n", "\n")  # the console ends lines with CR LF
            printed = program_output(output)
            self.assertEqual(got_status, status, output)
            # The console ends lines with CR LF; patterns anchor lines with ^ and $.
            for pattern in patterns:
                self.assertRegex(output.replace("\r\n", "\n"), pattern)
            if differential and stage:
                host_status, host_printed = host_output(stage, argv)
                self.assertEqual(host_status, status, host_printed)
                # The host prints argv[0] as the staged path; Newt as the guest path.
                expected = host_printed.replace(os.path.join(os.path.abspath(stage), argv[0].lstrip("/")), argv[0]).strip()
                self.assertEqual(printed.strip(), expected, output)
        test.__name__ = "test_" + name
        setattr(test_case, test.__name__, test)
