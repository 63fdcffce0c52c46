#!/usr/bin/env python3
"""Bochs smoke test: tools/run-bochs boots newt.iso (BIOS, GRUB, Multiboot2) to the kernel
monitor, commands are typed over the serial console, and the status comes from the kernel's
power-off line (Bochs itself exits with 1 whatever happens).

Usage: test_bochs.py RUN_BOCHS NEWT_ISO
"""
import os
import pty
import re
import select
import subprocess
import sys
import termios
import time
import unittest

RUN_BOCHS = ISO = None


def drive(proc, read_fd, write, commands, timeout):
    """Types `commands` (a list of byte strings) one per monitor prompt; returns the output."""
    output = b""
    deadline = time.monotonic() + timeout
    prompts_seen = 0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([read_fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(read_fd, 4096)
            except OSError:  # pty closed
                break
            if not chunk:
                break
            output += chunk
        if commands and output.count(b"newt> ") > prompts_seen:
            prompts_seen += 1
            write(commands.pop(0))
        if proc.poll() is not None and not ready:
            break
    else:
        proc.kill()
    return output.decode(errors="replace")


def boot(commands, *options, timeout=150):
    """Runs tools/run-bochs through pipes; returns (status, output, seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen([RUN_BOCHS, "--display", "none", "--timeout", str(timeout - 20), "--iso", ISO, *options],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def write(data):
        proc.stdin.write(data)
        proc.stdin.flush()

    with proc.stdin, proc.stdout:
        out = drive(proc, proc.stdout.fileno(), write, [c.encode() + b"\n" for c in commands], timeout)
        status = proc.wait(timeout=30)
    return status, out, time.monotonic() - start


class BochsBoot(unittest.TestCase):
    def test_iso_boots_to_the_monitor_and_powers_off(self):
        status, out, seconds = boot(["uptime", "poweroff"])
        print(f"\nBochs: boot, uptime, poweroff in {seconds:.1f} s", file=sys.stderr)
        self.assertEqual(status, 0, out)
        self.assertIn("x86_64: booted by Multiboot2; ACPI found, 1 CPUs in the MADT", out)
        self.assertRegex(out, r"\[\s+\d+\.\d{6}\] cpu0 boot: Newt \S+ booting on the x86_64 backend")
        self.assertIn("serial: 16550A at 0x3f8, IRQ 4, console", out)
        self.assertRegex(out, r"cpu0\s+[AB]{10,}")  # the preemption demo
        self.assertIn("newt> ", out)
        self.assertRegex(out, r"up \d+\.\d{3} s, 1 CPUs")  # typed input reached the kernel
        self.assertIn("monitor: powering off", out)
        self.assertIn("newt: power off, status 0", out)
        self.assertIn("run-bochs: kernel exit status 0", out)

    def test_panic_status_and_cpu_count(self):
        # Bochs has no exit-status device: the whole status (134) comes from the serial line.
        status, out, _ = boot(["panic"], "--smp", "2", "--mem", "128M")
        self.assertIn("2 CPUs in the MADT", out)
        usable = int(re.search(r"memory: (\d+) MiB usable", out).group(1))
        self.assertTrue(100 <= usable < 128, out)
        # Both CPUs start (INIT-SIPI-SIPI under Bochs too); the monitor may run on either.
        self.assertIn("smp: 2 of 2 CPUs online", out)
        self.assertRegex(out, r"KERNEL PANIC on cpu[01] \(main\): requested from the monitor")
        self.assertIn("newt: power off, status 134", out)
        self.assertEqual(status, 134, out)

    def test_usertest_on_two_skylake_cpus(self):
        # The user-mode self-test on a second emulator: Bochs's Skylake-X model brings XSAVE
        # with AVX-512 (the largest state the kernel enables), SMEP and SMAP.
        status, out, seconds = boot(["usertest", "poweroff"], "--smp", "2", "--cpu", "corei7_skylake_x", timeout=240)
        print(f"\nBochs: usertest in {seconds:.1f} s", file=sys.stderr)
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"fpu: XSAVE, components 0xe7 \(x87 SSE AVX AVX-512\), \d+-byte state")
        self.assertIn("SMEP on, SMAP on", out)
        self.assertNotIn("FAILED", out)
        self.assertEqual(len(re.findall(r"usertest: .+?: ok\r?\n", out)), 19, out)
        self.assertIn("usertest: summary: 19 passed, 0 failed, 0 skipped", out)

    def test_terminal_is_raw_and_ctrl_a_x_quits(self):
        # Interactive use: the script's standard input is a terminal.
        master, slave = pty.openpty()
        attributes = termios.tcgetattr(slave)
        proc = subprocess.Popen([RUN_BOCHS, "--display", "none", "--timeout", "120", "--iso", ISO], stdin=slave, stdout=slave,
                                stderr=slave, start_new_session=True)
        out = drive(proc, master, lambda data: os.write(master, data), [b"uptime\r", b"\x01x"], 140)
        status = proc.wait(timeout=30)
        # Read what is left (the script's last words) before checking.
        while select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk.decode(errors="replace")
        restored = termios.tcgetattr(slave)
        os.close(master)
        os.close(slave)
        self.assertRegex(out, r"up \d+\.\d{3} s, 1 CPUs")
        self.assertIn("Ctrl-A x: stopping Bochs", out)
        self.assertEqual(status, 125, out)
        self.assertEqual(restored, attributes)


if __name__ == "__main__":
    RUN_BOCHS, ISO = sys.argv[1:3]
    del sys.argv[1:3]
    unittest.main(verbosity=2)
