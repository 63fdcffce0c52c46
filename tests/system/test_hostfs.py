#!/usr/bin/env python3
"""System tests of `newt --mount-host HOSTDIR:GUESTDIR`: boot the real `newt` headless with
host directories mounted (hostfs) and look at them with the monitor's ls, cat and mounts.

Usage: test_hostfs.py PATH_TO_NEWT
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

NEWT = None


def run_piped(args, commands, timeout=60):
    """Runs newt with `commands` on a pipe as stdin; returns (status, output)."""
    proc = subprocess.run([NEWT, "--display", "none", "--append", "demo=0"] + args, input=commands.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return proc.returncode, proc.stdout.decode(errors="replace")


class MountHost(unittest.TestCase):
    def setUp(self):
        self.host = tempfile.mkdtemp(prefix="newt-hostfs-system-")
        self.addCleanup(shutil.rmtree, self.host)

    def write(self, name, content):
        path = os.path.join(self.host, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as file:
            file.write(content)

    def test_the_monitor_lists_and_reads_host_files(self):
        self.write("hello.txt", "Hello from the host file system!\n")
        self.write("nested/deeper/data", "x" * 5000)
        os.symlink("hello.txt", os.path.join(self.host, "link"))
        status, out = run_piped(["--mount-host", f"{self.host}:/mnt/host"],
                                "ls /mnt/host\ncat /mnt/host/hello.txt\ncat /mnt/host/link\n"
                                "ls /mnt/host/nested/deeper\nmounts\npoweroff\n")
        self.assertEqual(status, 0, out)
        self.assertIn(f"hostfs: host directory {self.host} mounted on /mnt/host", out)
        # ls shows the host's names with their types, sizes and the symlink's target.
        self.assertRegex(out, r"-rw-r--r--\s+1\s+\d+\s+\d+\s+33 hello.txt")
        self.assertRegex(out, r"drwx\S+\s+3\s+\d+\s+\d+\s+\d+ nested")
        self.assertRegex(out, r"lrwxrwxrwx\s+1\s+\d+\s+\d+\s+9 link -> hello.txt")
        self.assertRegex(out, r"-rw-r--r--\s+1\s+\d+\s+\d+\s+5000 data")
        # cat prints the file's bytes, through the symlink too.
        self.assertEqual(out.count("Hello from the host file system!"), 2, out)
        self.assertRegex(out, rf"{re.escape(self.host)} /mnt/host hostfs rw 0 0")

    def test_several_mounts_and_a_guest_directory_made_on_the_way(self):
        other = tempfile.mkdtemp(prefix="newt-hostfs-system-other-")
        self.addCleanup(shutil.rmtree, other)
        self.write("first", "one\n")
        with open(os.path.join(other, "second"), "w") as file:
            file.write("two\n")
        status, out = run_piped(["--mount-host", f"{self.host}:/mnt/a/b/c", "--mount-host", f"{other}:/root/other"],
                                "cat /mnt/a/b/c/first\ncat /root/other/second\nls /mnt/a\npoweroff\n")
        self.assertEqual(status, 0, out)
        self.assertIn("one", out)
        self.assertIn("two", out)
        self.assertRegex(out, r"drwxr-xr-x\s+3\s+0\s+0\s+\d+ b")  # made by mkdir -p, holding c

    def test_bad_arguments_are_refused_before_booting(self):
        for argument, message in [("nocolon", "expected HOSTDIR:GUESTDIR"),
                                  (f"{self.host}:relative", "the guest directory must be an absolute path"),
                                  (f"{self.host}/missing:/mnt", f"{self.host}/missing: No such file or directory")]:
            status, out = run_piped(["--mount-host", argument], "poweroff\n")
            self.assertEqual(status, 2, out)
            self.assertIn(f"newt: --mount-host {argument}: {message}", out)
            self.assertNotIn("booting", out)

    def test_a_guest_directory_that_cannot_be_made_powers_off_with_status_1(self):
        # /proc is procfs: no directory can be made in it.
        status, out = run_piped(["--mount-host", f"{self.host}:/proc/host"], "poweroff\n")
        self.assertEqual(status, 1, out)
        self.assertRegex(out, rf"hostfs: cannot mount host directory {re.escape(self.host)} on /proc/host: E\w+")


if __name__ == "__main__":
    NEWT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
