#!/usr/bin/env python3
"""gdb on the bare-metal kernel: tools/run-qemu --gdb-port waits at reset (TCG),
tools/gdb-qemu --batch sets breakpoints in C++ kernel functions, continues, and prints
backtraces that end cleanly at the boot entry and the thread trampoline; after gdb detaches
the kernel runs on and powers off when told to.

Usage: test_gdb.py RUN_QEMU GDB_QEMU NEWT_ELF
"""
import os
import select
import socket
import subprocess
import sys
import time
import unittest

RUN_QEMU = GDB_QEMU = KERNEL = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Qemu:
    """tools/run-qemu --gdb-port P in the background, serial console on pipes."""

    def __init__(self, port):
        self.proc = subprocess.Popen(
            [RUN_QEMU, "--kernel", KERNEL, "--headless", "--gdb-port", str(port), "--append", "demo=0",
             "--timeout", "60"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.output = b""
        self.wait_for(b"waiting for gdb", 20)

    def wait_for(self, text, seconds):
        deadline = time.monotonic() + seconds
        while text not in self.output and time.monotonic() < deadline:
            if select.select([self.proc.stdout], [], [], 0.2)[0]:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                self.output += chunk
        return text in self.output

    def finish(self):
        """Types poweroff at the prompt; returns (status, output)."""
        if self.wait_for(b"newt> ", 30):
            self.proc.stdin.write(b"poweroff\n")
            self.proc.stdin.flush()
        self.wait_for(b"newt: power off", 30)
        try:
            status = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
        self.wait_for(b"\0", 0.5)  # drain
        self.proc.stdin.close()
        self.proc.stdout.close()
        return status, self.output.decode(errors="replace")


def gdb(port, *arguments):
    result = subprocess.run([GDB_QEMU, "--port", str(port), "--kernel", KERNEL, *arguments], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=60)
    return result.returncode, result.stdout.decode(errors="replace")


class GdbQemu(unittest.TestCase):
    def check_clean_backtrace(self, out):
        for problem in ("Backtrace stopped", "previous frame identical", "Cannot access memory", "corrupt stack"):
            self.assertNotIn(problem, out)

    def test_breakpoints_backtraces_and_resume(self):
        port = free_port()
        qemu = Qemu(port)
        status, out = gdb(port, "--break", "kernel_main", "--break", "kernel::run_monitor", "--continue", "--batch",
                          "--", "-ex", "continue", "-ex", "backtrace")
        qemu_status, console = qemu.finish()
        self.assertEqual(status, 0, out)
        # The boot path: kernel_main <- baremetal_entry <- higher_half_entry (boot.S), and
        # nothing beyond it (.cfi_undefined rip).
        self.assertRegex(out, r"Breakpoint 1, kernel_main \(boot_info=")
        self.assertRegex(out, r"#1 +0x[0-9a-f]+ in baremetal_entry \(protocol=2")
        self.assertRegex(out, r"#2 +0x[0-9a-f]+ in higher_half_entry \(\)")
        self.assertNotRegex(out, r"#3 .* in \?\? \(\)")
        # A kernel thread: run_monitor ... newt_context_trampoline, the thread's first frame.
        self.assertRegex(out, r"Breakpoint 2, kernel::run_monitor \(\)")
        self.assertRegex(out, r"#\d +0x[0-9a-f]+ in newt_context_trampoline \(\)")
        self.check_clean_backtrace(out)
        self.assertIn("detached", out)
        # The kernel ran on after gdb left.
        self.assertIn("Newt kernel monitor", console)
        self.assertEqual(qemu_status, 0, console)

    def test_hardware_breakpoint(self):
        port = free_port()
        qemu = Qemu(port)
        status, out = gdb(port, "--hw", "--break", "kernel::run_monitor", "--continue", "--batch")
        qemu_status, console = qemu.finish()
        self.assertEqual(status, 0, out)
        self.assertIn("Hardware assisted breakpoint 1 at 0xffffffff8", out)
        self.assertRegex(out, r"Breakpoint 1, kernel::run_monitor \(\)")
        self.assertRegex(out, r"#1 +0x[0-9a-f]+ in kernel::")
        self.assertRegex(out, r"#\d +0x[0-9a-f]+ in newt_context_trampoline \(\)")
        self.check_clean_backtrace(out)
        self.assertEqual(qemu_status, 0, console)


if __name__ == "__main__":
    RUN_QEMU, GDB_QEMU, KERNEL = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
