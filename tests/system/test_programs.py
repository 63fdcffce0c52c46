#!/usr/bin/env python3
"""Unmodified static Linux programs on hosted Newt: `newt -- /path args` runs them through
init and exits with their status (tests/system/user_programs.py has the cases; the bare-metal
twin is tests/baremetal/test_programs_qemu.py).

Usage: test_programs.py PATH_TO_NEWT USERLAND_STAGE
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import user_programs  # noqa: E402

NEWT = None
STAGE = None


def run_hosted(argv):
    proc = subprocess.run([NEWT, "--display", "none", "--append", "loglevel=4 demo=0", "--"] + argv,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    return proc.returncode, proc.stdout.decode(errors="replace")


class HostedPrograms(unittest.TestCase):
    def test_preemption_on_one_cpu(self):
        """One CPU: the parent runs only if the timer preempts its spinning child."""
        proc = subprocess.run([NEWT, "--display", "none", "--smp", "1", "--append", "loglevel=4 demo=0", "--",
                               "/tests/preempt"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)
        output = proc.stdout.decode(errors="replace")
        self.assertEqual(proc.returncode, 0, output)
        self.assertIn("parent ran while the child spun", output)

    def test_program_from_a_host_directory(self):
        """--mount-host brings a host directory in with hostfs; exec maps the program from it."""
        tests = os.path.join(os.path.abspath(STAGE), "tests")
        proc = subprocess.run([NEWT, "--display", "none", "--append", "loglevel=4 demo=0",
                               "--mount-host", f"{tests}:/mnt/host", "--", "/mnt/host/hello_musl", "hostfs"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        output = proc.stdout.decode(errors="replace")
        self.assertEqual(proc.returncode, 0, output)
        self.assertIn("hello from /mnt/host/hello_musl [hostfs]", output)


if __name__ == "__main__":
    NEWT, STAGE = sys.argv[1], sys.argv[2]
    user_programs.make_tests(HostedPrograms, run_hosted, STAGE)
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
