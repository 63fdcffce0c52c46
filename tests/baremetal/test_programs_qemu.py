#!/usr/bin/env python3
"""The same static programs as tests/system/test_programs.py, on the bare-metal kernel in
QEMU (TCG): `tools/run-qemu -- /path args`.

Usage: test_programs_qemu.py RUN_QEMU KERNEL INITRAMFS USERLAND_STAGE [SMP]
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))
import user_programs  # noqa: E402

RUN_QEMU = KERNEL = INITRAMFS = STAGE = None
SMP = "2"


def run_qemu(argv):
    proc = subprocess.run([RUN_QEMU, "--headless", "--timeout", "100", "--kernel", KERNEL, "--initrd", INITRAMFS, "--smp", SMP,
                           "--append", "loglevel=4 demo=0", "--"] + argv,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    output = proc.stdout.decode(errors="replace")
    # run-qemu's own closing note is not the program's.
    output = "\n".join(line for line in output.split("\n") if not line.startswith("run-qemu: "))
    return proc.returncode, output


class BareMetalPrograms(unittest.TestCase):
    def test_preemption_on_one_cpu(self):
        """One CPU: the parent runs only if the timer preempts its spinning child."""
        global SMP
        saved, SMP = SMP, "1"
        try:
            status, output = run_qemu(["/tests/preempt"])
        finally:
            SMP = saved
        self.assertEqual(status, 0, output)
        self.assertIn("parent ran while the child spun", output)


if __name__ == "__main__":
    RUN_QEMU, KERNEL, INITRAMFS, STAGE = sys.argv[1:5]
    if len(sys.argv) > 5:
        SMP = sys.argv[5]
    user_programs.make_tests(BareMetalPrograms, run_qemu, STAGE)
    unittest.main(argv=[sys.argv[0], "-v"])
