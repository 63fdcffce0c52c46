#!/usr/bin/env python3
"""Bare-metal tests: boot newt.elf (PVH direct boot) and newt.iso (GRUB, Multiboot2) in QEMU
under TCG, drive the kernel monitor over the serial console, check output and status.

Usage: test_qemu.py RUN_QEMU NEWT_ELF NEWT_ISO
"""
import os
import re
import select
import subprocess
import time
import sys
import unittest

RUN_QEMU = KERNEL = ISO = None


def boot(commands, *options, timeout=120):
    """Runs tools/run-qemu and types `commands` (one per line) at the monitor prompt, each
    after the prompt appears (the UART drops what arrives before the driver is ready, as real
    hardware does). Returns (status, output)."""
    proc = subprocess.Popen([RUN_QEMU, "--headless", "--timeout", str(timeout - 10), *options], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = b""
    deadline = time.monotonic() + timeout
    pending = [line + "\n" for line in commands.splitlines()]
    prompts_seen = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            proc.kill()
            break
        ready, _, _ = select.select([proc.stdout], [], [], min(remaining, 1.0))
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            output += chunk
        if pending and output.count(b"newt> ") > prompts_seen:
            prompts_seen += 1
            proc.stdin.write(pending.pop(0).encode())
            proc.stdin.flush()
    status = proc.wait()
    return status, output.decode(errors="replace")


class DirectBoot(unittest.TestCase):
    def test_boot_log_demo_monitor_and_poweroff(self):
        status, out = boot("help\nthreads\nmem\nuptime\nlog\npoweroff\n", "--kernel", KERNEL)
        self.assertEqual(status, 0, out)
        self.assertIn("x86_64: booted by PVH; ACPI found", out)
        self.assertRegex(out, r"\[\s+\d+\.\d{6}\] cpu0 boot: Newt \S+ booting on the x86_64 backend")
        self.assertRegex(out, r"memory: \[0x0000100000-0x[0-9a-f]+\] kernel")
        self.assertRegex(out, r"memory: \d+ MiB usable")
        self.assertIn("serial: 16550A at 0x3f8, IRQ 4, console", out)
        # The demo: two busy threads on the one CPU, interleaved by timer preemption.
        timeline = re.search(r"cpu0\s+([A-Z]{10,})", out)
        self.assertIsNotNone(timeline, out)
        line = timeline.group(1)
        self.assertGreater(sum(a != b for a, b in zip(line, line[1:])), 3, line)
        # The monitor answers typed commands (the UART's receive interrupt through the IOAPIC).
        self.assertRegex(out, r"TID\s+NAME\s+STATE")
        self.assertRegex(out, r"\bidle0\b")
        self.assertRegex(out, r"frames: \d+ total, \d+ free")
        self.assertRegex(out, r"up \d+\.\d{3} s, 1 CPUs")
        self.assertIn("monitor: powering off", out)

    def test_command_line_and_memory_size(self):
        status, out = boot("poweroff\n", "--kernel", KERNEL, "--mem", "128M", "--append", "demo=0 loglevel=7")
        self.assertEqual(status, 0, out)
        self.assertIn("command line: 'demo=0 loglevel=7'", out)
        usable = int(re.search(r"memory: (\d+) MiB usable", out).group(1))
        self.assertTrue(100 <= usable < 128, out)
        self.assertNotIn("Self-demo", out)

    def test_panic_prints_a_backtrace_and_stops(self):
        status, out = boot("panic\n", "--kernel", KERNEL, "--append", "demo=0")
        self.assertIn("KERNEL PANIC on cpu0 (main): requested from the monitor", out)
        self.assertRegex(out, r"#0 0xffffffff8[0-9a-f]+")
        # The panic status (134) reaches the host modulo 128: QEMU exits with (v << 1) | 1.
        self.assertEqual(status, 134 & 0x7f, out)


class GrubBoot(unittest.TestCase):
    def test_iso_boots_through_grub_multiboot2(self):
        status, out = boot("uptime\npoweroff\n", "--iso", "--kernel", ISO)
        self.assertEqual(status, 0, out)
        self.assertIn("x86_64: booted by Multiboot2; ACPI found", out)
        self.assertRegex(out, r"up \d+\.\d{3} s, 1 CPUs")
        self.assertIn("monitor: powering off", out)


if __name__ == "__main__":
    RUN_QEMU, KERNEL, ISO = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
