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
    proc = subprocess.Popen([RUN_QEMU, "--timeout", str(timeout - 10), *options], stdin=subprocess.PIPE,
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
    proc.stdin.close()
    proc.stdout.close()
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

    def test_memory_above_4_gib_is_used(self):
        status, out = boot("mem\npoweroff\n", "--kernel", KERNEL, "--mem", "5G", "--append", "demo=0")
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"memory: \[0x0100000000-0x[0-9a-f]+\] usable")
        self.assertRegex(out, r"paging: kernel tables at 0x[0-9a-f]+; direct map of [5-9] GiB in (2 MiB|1 GiB) pages; NX on")
        usable = int(re.search(r"memory: (\d+) MiB usable", out).group(1))
        self.assertGreater(usable, 4600, out)
        frames = int(re.search(r"frames: (\d+) total", out).group(1))
        self.assertGreater(frames * 4096, 4.5 * 2**30, out)

    def test_reboot_resets_the_machine_and_it_boots_again(self):
        # -action reboot=reset undoes run-qemu's -no-reboot, so the reset reaches the firmware.
        status, out = boot("reboot\npoweroff\n", "--kernel", KERNEL, "--append", "demo=0",
                           "--", "-action", "reboot=reset")
        self.assertEqual(status, 0, out)
        self.assertIn("monitor: rebooting", out)
        self.assertEqual(out.count("booting on the x86_64 backend"), 2, out)
        self.assertIn("monitor: powering off", out)

    def test_panic_prints_a_backtrace_and_stops(self):
        status, out = boot("panic\n", "--kernel", KERNEL, "--append", "demo=0")
        self.assertIn("KERNEL PANIC on cpu0 (main): requested from the monitor", out)
        self.assertRegex(out, r"#0 0xffffffff8[0-9a-f]+")
        # Function names from the symbol table linked into the image, in call order.
        self.assertRegex(out, r"(?s)#\d 0xffffffff8[0-9a-f]+ kernel::panic\(char const\*, \.\.\.\)\+0x[0-9a-f]+"
                              r".*command_panic\(\)\+0x.*kernel::run_monitor\(\)\+0x")
        # The panic status (134) reaches the host modulo 128: QEMU exits with (v << 1) | 1.
        self.assertEqual(status, 134 & 0x7f, out)


class SmpBoot(unittest.TestCase):
    def test_two_cpus_run_threads_on_both(self):
        status, out = boot("uptime\nthreads\npoweroff\n", "--kernel", KERNEL, "--smp", "2")
        self.assertEqual(status, 0, out)
        self.assertIn("2 CPUs in the MADT", out)
        self.assertRegex(out, r"cpu1 idle1: cpu1: online")
        self.assertIn("smp: 2 of 2 CPUs online", out)
        # The demo pins two busy threads to each CPU: both timelines show their own pair
        # taking turns, so both CPUs ran threads and took timer interrupts.
        for cpu, pair in (("cpu0", "AB"), ("cpu1", "CD")):
            line = re.search(cpu + r"\s+([A-Z]{10,})", out)
            self.assertIsNotNone(line, out)
            self.assertEqual(set(line.group(1)), set(pair), out)
            self.assertGreater(sum(a != b for a, b in zip(line.group(1), line.group(1)[1:])), 3, out)
        self.assertRegex(out, r"up \d+\.\d{3} s, 2 CPUs")
        for cpu in (0, 1):
            switches = re.search(r"cpu%d: busy .*?, (\d+) switches, (\d+) preemptions" % cpu, out)
            self.assertIsNotNone(switches, out)
            self.assertGreater(int(switches.group(2)), 0, out)
        self.assertRegex(out, r"\bidle1\s+\S+\s+0\s+1p\b")

    def test_four_cpus_come_online(self):
        status, out = boot("uptime\npoweroff\n", "--kernel", KERNEL, "--smp", "4", "--append", "demo=0")
        self.assertEqual(status, 0, out)
        for cpu in (1, 2, 3):
            self.assertIn("cpu%d idle%d: cpu%d: online" % (cpu, cpu, cpu), out)
        self.assertIn("smp: 4 of 4 CPUs online", out)
        self.assertRegex(out, r"up \d+\.\d{3} s, 4 CPUs")


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
