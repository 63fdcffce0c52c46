#!/usr/bin/env python3
"""Bare-metal tests: boot newt.elf (PVH direct boot) and newt.iso (GRUB, Multiboot2) in QEMU
under TCG, drive the kernel monitor over the serial console, check output and status. The
VGA text screen and the PS/2 keyboard are driven through QEMU's QMP socket: `pmemsave`
copies the text memory at 0xB8000, `send-key` presses keys on the i8042 keyboard.

Usage: test_qemu.py RUN_QEMU NEWT_ELF NEWT_ISO
"""
import json
import os
import re
import select
import socket
import subprocess
import tempfile
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


class Machine:
    """QEMU running newt.elf with a QMP socket: serial output, keys and the VGA text memory."""

    def __init__(self, *options, timeout=90):
        self.directory = tempfile.TemporaryDirectory(prefix="newt-qemu-")
        self.qmp_path = os.path.join(self.directory.name, "qmp.sock")
        self.proc = subprocess.Popen(
            [RUN_QEMU, "--timeout", str(timeout), "--kernel", KERNEL, *options, "--",
             "-qmp", f"unix:{self.qmp_path},server=on,wait=off"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.output = b""
        self.qmp = None

    def read_until(self, pattern, timeout=30):
        """Reads serial output until `pattern` (a regex) matches it; returns the match."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern.encode(), self.output)
            if match:
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {pattern!r} on the serial console:\n{self.text()}")
            ready, _, _ = select.select([self.proc.stdout], [], [], min(remaining, 1.0))
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise AssertionError(f"QEMU ended before {pattern!r}:\n{self.text()}")
                self.output += chunk

    def text(self):
        return self.output.decode(errors="replace")

    def command(self, name, **arguments):
        if self.qmp is None:
            self.qmp = socket.socket(socket.AF_UNIX)
            self.qmp.connect(self.qmp_path)
            self.qmp_file = self.qmp.makefile("rwb")
            self.qmp_file.readline()  # the greeting
            self.command("qmp_capabilities")
        request = {"execute": name, "arguments": arguments} if arguments else {"execute": name}
        self.qmp_file.write(json.dumps(request).encode() + b"\n")
        self.qmp_file.flush()
        while True:  # skip asynchronous events
            reply = json.loads(self.qmp_file.readline())
            if "error" in reply:
                raise AssertionError(f"QMP {name}: {reply['error']}")
            if "return" in reply:
                return reply["return"]

    def type(self, *keys):
        """Presses and releases each key in turn; "ctrl-c" holds ctrl while pressing c."""
        for key in keys:
            self.command("send-key", keys=[{"type": "qcode", "data": part} for part in key.split("-")])

    def screen(self):
        """The 25 rows of the VGA text screen, trailing blanks removed."""
        path = os.path.join(self.directory.name, "vga.bin")
        self.command("pmemsave", val=0xB8000, size=80 * 25 * 2, filename=path)
        with open(path, "rb") as dump:
            cells = dump.read()
        return [cells[row * 160:(row + 1) * 160:2].decode("latin-1").rstrip(" \0") for row in range(25)]

    def screen_until(self, pattern, timeout=10):
        """Polls the screen until `pattern` (a regex) matches its rows joined by newlines,
        without the blank rows at the bottom: the kernel writes the serial port first."""
        deadline = time.monotonic() + timeout
        while True:
            text = "\n".join(self.screen()).rstrip("\n")
            if re.search(pattern, text) or time.monotonic() > deadline:
                return text
            time.sleep(0.05)

    def wait(self, timeout=30):
        """Waits for QEMU to exit; returns run-qemu's status (the kernel's)."""
        status = self.proc.wait(timeout)
        self.output += self.proc.stdout.read()
        return status

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()
        if self.qmp:
            self.qmp_file.close()
            self.qmp.close()
        self.directory.cleanup()


class VgaAndKeyboard(unittest.TestCase):
    def test_boot_log_on_screen_and_keys_reach_the_monitor(self):
        with Machine("--append", "demo=0") as machine:
            machine.read_until(r"newt> ")
            text = machine.screen_until(r"\nnewt>$")
            # Lines logged before the VGA console started were replayed onto it.
            self.assertIn("x86_64: booted by PVH", text)
            self.assertRegex(text, r"boot: Newt \S+ booting on the x86_64 backend")
            self.assertIn("vga: 80x25 text console at 0xb8000", text)
            self.assertIn("keyboard: i8042 PS/2 port 1, IRQ 1", text)
            self.assertRegex(text, r"\nnewt>$")
            # Typed on the PS/2 keyboard; the monitor echoes to every console output.
            machine.type("u", "p", "t", "i", "m", "e", "ret")
            machine.read_until(r"newt> uptime\r?\nup \d+\.\d{3} s, 1 CPUs")
            pattern = r"newt> uptime\nup \d+\.\d{3} s, 1 CPUs"
            self.assertRegex(machine.screen_until(pattern), pattern)
            # Shift and Ctrl: "!x", then Ctrl-C abandons the line.
            machine.type("shift-1", "x", "ctrl-c")
            machine.read_until(r"newt> !x\^C")
            machine.type("p", "o", "w", "e", "r", "o", "f", "f", "ret")
            status = machine.wait()
            self.assertEqual(status, 0, machine.text())
            self.assertIn("monitor: powering off", machine.text())


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
