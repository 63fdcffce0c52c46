#!/usr/bin/env python3
"""Bare-metal tests: boot newt.elf (PVH direct boot) and newt.iso (GRUB, Multiboot2) in QEMU
under TCG, drive the kernel monitor over the serial console, check output and status.

Usage: test_qemu.py RUN_QEMU NEWT_ELF NEWT_ISO
"""
import calendar
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


def boot(commands, *options, timeout=120, at_first_prompt=None):
    """Runs tools/run-qemu and types `commands` (one per line) at the monitor prompt, each
    after the prompt appears (the UART drops what arrives before the driver is ready, as real
    hardware does). `at_first_prompt` is called once the kernel's monitor is up. Returns
    (status, output)."""
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
            if prompts_seen == 0 and at_first_prompt:
                at_first_prompt()
            prompts_seen += 1
            proc.stdin.write(pending.pop(0).encode())
            proc.stdin.flush()
    status = proc.wait()
    proc.stdin.close()
    proc.stdout.close()
    return status, output.decode(errors="replace")


def qemu_monitor(path, command, timeout=20):
    """Runs `command` on the QEMU human monitor listening on unix socket `path`; returns its
    output without the echo and the terminal escapes."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_UNIX) as sock:
        while True:
            try:
                sock.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        sock.settimeout(timeout)
        def read_prompt():
            data = b""
            while not data.endswith(b"(qemu) "):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", data.decode(errors="replace"))
        read_prompt()
        sock.sendall(command.encode() + b"\n")
        return read_prompt().split("\n", 1)[1].rsplit("(qemu) ", 1)[0]


def size_in_bytes(text):
    return int(text[:-1]) << {"K": 10, "M": 20, "G": 30}[text[-1]] if text[-1] in "KMG" else int(text)


def parse_newt_pci(text):
    """{"bb:dd.f": {"id", "irq", "bars": {n: (kind, base, size, prefetchable, bits)}}}."""
    functions, current = {}, None
    for line in text.splitlines():
        header = re.match(r"([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) .+ \[[0-9a-f]{4}\]: ([0-9a-f]{4}:[0-9a-f]{4}) "
                          r"\(rev [0-9a-f]{2}\)(?: IRQ (\d+))?\s*$", line)
        if header:
            current = functions[header.group(1)] = {"id": header.group(2), "irq": header.group(3), "bars": {}}
            continue
        bar = re.match(r"\s+BAR(\d): (?:I/O at (0x[0-9a-f]+)|memory at (0x[0-9a-f]+) \((32|64)-bit, "
                       r"(prefetchable|non-prefetchable)\)) \[size (\w+)\]", line)
        if bar and current is not None:
            number, io, memory, bits, prefetch, size = bar.groups()
            current["bars"][int(number)] = (("io", int(io, 16), size_in_bytes(size), False, None) if io else
                                            ("memory", int(memory, 16), size_in_bytes(size),
                                             prefetch == "prefetchable", int(bits)))
    return functions


def parse_qemu_pci(text):
    """QEMU's `info pci` in the same shape as parse_newt_pci (the ROM, BAR6, left out)."""
    functions, current = {}, None
    for line in text.splitlines():
        slot = re.match(r"\s*Bus\s+(\d+), device\s+(\d+), function (\d+):", line)
        if slot:
            key = "%02x:%02x.%d" % tuple(map(int, slot.groups()))
            current = functions[key] = {"id": None, "irq": None, "bars": {}}
            continue
        if current is None:
            continue
        ident = re.search(r"PCI device ([0-9a-f]{4}:[0-9a-f]{4})", line)
        if ident:
            current["id"] = ident.group(1)
        irq = re.match(r"\s*IRQ (\d+), pin [A-D]", line)
        if irq:
            current["irq"] = irq.group(1)
        bar = re.match(r"\s*BAR([0-5]): (?:I/O at (0x[0-9a-f]+) \[(0x[0-9a-f]+)\]|(32|64) bit (prefetchable )?"
                       r"memory at (0x[0-9a-f]+) \[(0x[0-9a-f]+)\])", line)
        if bar:
            number, io, io_end, bits, prefetch, memory, memory_end = bar.groups()
            current["bars"][int(number)] = (("io", int(io, 16), int(io_end, 16) - int(io, 16) + 1, False, None) if io
                                            else ("memory", int(memory, 16), int(memory_end, 16) - int(memory, 16) + 1,
                                                  bool(prefetch), int(bits)))
    return functions


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

    def test_pci_matches_qemu_and_date_matches_the_host(self):
        with tempfile.TemporaryDirectory() as directory:
            monitor = os.path.join(directory, "monitor.sock")
            qemu_view = {}
            before = time.time()
            status, out = boot("pci\ndate\npoweroff\n", "--kernel", KERNEL, "--append", "demo=0",
                               "--", "-monitor", f"unix:{monitor},server=on,wait=off",
                               at_first_prompt=lambda: qemu_view.update(text=qemu_monitor(monitor, "info pci")))
            after = time.time()
        self.assertEqual(status, 0, out)
        listing = out[out.index("newt> pci"):out.index("newt> date")]
        ours = parse_newt_pci(listing)
        # QEMU -M pc: i440FX, PIIX3 ISA + IDE, PIIX4 ACPI, std VGA, e1000.
        self.assertEqual({key: f["id"] for key, f in ours.items()},
                         {"00:00.0": "8086:1237", "00:01.0": "8086:7000", "00:01.1": "8086:7010",
                          "00:01.3": "8086:7113", "00:02.0": "1234:1111", "00:03.0": "8086:100e"}, listing)
        self.assertEqual(ours["00:01.1"]["bars"], {4: ("io", 0xc040, 16, False, None)})
        self.assertEqual(ours["00:02.0"]["bars"][0][2:], (16 << 20, True, 32))
        self.assertEqual(ours["00:03.0"]["bars"][0][2], 128 << 10)
        # Differential: what QEMU itself says about the same machine.
        theirs = parse_qemu_pci(qemu_view["text"])
        self.assertEqual(ours, theirs, f"newt:\n{listing}\nQEMU:\n{qemu_view['text']}")
        # date: the CMOS clock QEMU keeps in UTC, within a minute of the host.
        shown = re.search(r"\n(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC", out)
        self.assertIsNotNone(shown, out)
        seconds = calendar.timegm(tuple(map(int, shown.groups())))
        self.assertTrue(before - 60 <= seconds <= after + 60, f"{shown.group(0)!r} not near [{before}, {after}]")

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
