#!/usr/bin/env python3
"""Bare-metal tests: boot newt.elf (PVH direct boot) and newt.iso (GRUB, Multiboot2) in QEMU
under TCG, drive the kernel monitor over the serial console, check output and status. The
VGA text screen and the PS/2 keyboard are driven through QEMU's QMP socket: `pmemsave`
copies the text memory at 0xB8000, `send-key` presses keys on the i8042 keyboard.

Usage: test_qemu.py RUN_QEMU NEWT_ELF NEWT_ISO
"""
import calendar
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


def boot(commands, *options, timeout=120, at_first_prompt=None):
    """Runs tools/run-qemu and types `commands` (one per line) at the monitor prompt, each
    after the prompt appears (the UART drops what arrives before the driver is ready, as real
    hardware does). `at_first_prompt` is called once the kernel's monitor is up. Returns
    (status, output)."""
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
                               "--qemu-arg", "-monitor", "--qemu-arg", f"unix:{monitor},server=on,wait=off",
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

    def test_initramfs_from_the_boot_loader(self):
        initramfs = os.path.join(os.path.dirname(KERNEL), "..", "initramfs.cpio")
        status, out = boot("cat /etc/motd\npoweroff\n", "--kernel", KERNEL, "--initrd", initramfs, "--append", "demo=0")
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"initramfs: \d+ entries unpacked from \d+ KiB")
        self.assertIn("Welcome to Newt", out)

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
                           "--qemu-arg", "-action", "--qemu-arg", "reboot=reset")
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
                              r".*command_panic\(char const\*\)\+0x.*kernel::run_monitor\(\)\+0x")
        # The panic status (134): isa-debug-exit carries 134 & 0x7f, run-qemu reads the rest
        # from the console's power-off line.
        self.assertEqual(status, 134, out)


class CpuExceptions(unittest.TestCase):
    """`crash KIND` faults on purpose: the report names the exception, decodes the page
    fault (the kernel's own page tables: no identity map, NX data, read-only rodata), names
    the faulting function from the symbol table, and the panic stops the machine."""

    def crash(self, kind):
        status, out = boot("crash %s\n" % kind, "--kernel", KERNEL, "--append", "demo=0")
        self.assertEqual(status, 134, out)
        self.assertRegex(out, r"KERNEL PANIC on cpu0 \(main\): unhandled CPU exception")
        self.assertRegex(out, r"rsp [0-9a-f]{16}  rflags [0-9a-f]{16}")
        self.assertRegex(out, r"#\d 0xffffffff8[0-9a-f]+ kernel::run_monitor\(\)")
        return out

    def test_null_pointer_read(self):
        out = self.crash("null")
        self.assertIn("CPU exception 14 (page fault), error code 0, on cpu0 in thread main", out)
        self.assertIn("page not present on read at address 0\r\n", out)
        self.assertRegex(out, r"rip ffffffff8[0-9a-f]+  kernel::\(anonymous namespace\)::null_dereference\(\)\+0x")

    def test_write_to_rodata(self):
        out = self.crash("rodata")
        self.assertIn("CPU exception 14 (page fault), error code 0x3,", out)
        self.assertRegex(out, r"protection violation on write at address 0xffffffff8[0-9a-f]+")
        self.assertIn("write_rodata()+0x", out)

    def test_executing_data_hits_no_execute(self):
        out = self.crash("exec")
        self.assertIn("CPU exception 14 (page fault), error code 0x11,", out)
        self.assertRegex(out, r"protection violation on instruction fetch at address 0xffffffff8[0-9a-f]+")

    def test_divide_error_and_invalid_opcode(self):
        self.assertIn("CPU exception 0 (divide error)", self.crash("divide"))
        self.assertIn("CPU exception 6 (invalid opcode)", self.crash("ud2"))


class DevAndProc(unittest.TestCase):
    def test_dev_and_proc_files(self):
        status, out = boot("ls /dev\ncat /proc/version\ncat /proc/mounts\ncat /proc/cpuinfo\ncat /proc/meminfo\n"
                           "cat /proc/uptime\ncat /proc/loadavg\npoweroff\n",
                           "--kernel", KERNEL, "--smp", "2", "--mem", "256M", "--append", "demo=0")
        self.assertEqual(status, 0, out)
        out = out.replace("\r\n", "\n")
        for mode, major, minor, name in (("crw-rw-rw-", 1, 3, "null"), ("crw-rw-rw-", 1, 5, "zero"),
                                         ("crw-rw-rw-", 1, 7, "full"), ("crw-rw-rw-", 1, 8, "random"),
                                         ("crw-rw-rw-", 1, 9, "urandom"), ("crw-r--r--", 1, 11, "kmsg"),
                                         ("crw-------", 5, 1, "console")):
            self.assertRegex(out, rf"\n{mode}\s+1\s+0\s+0\s+{major}, {minor} {name}\n")
        self.assertRegex(out, r"\nnewt> cat /proc/version\nNewt version \S+ \((gcc|clang) version [\d.]+\) #1 SMP .+\n")
        self.assertIn("newt> cat /proc/mounts\nrootfs / tmpfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n"
                      "proc /proc proc rw 0 0\nnewt> ", out)
        # Two CPUs, each with the TSC frequency the kernel calibrated.
        self.assertEqual(re.findall(r"\nprocessor\t: (\d+)\n", out), ["0", "1"], out)
        self.assertEqual(len(re.findall(r"\ncpu MHz\t\t: [1-9]\d*\.\d{3}\n", out)), 2, out)
        self.assertRegex(out, r"\nvendor_id\t: \S+\n")
        total = int(re.search(r"\nMemTotal:\s+(\d+) kB\n", out).group(1))
        free = int(re.search(r"\nMemFree:\s+(\d+) kB\n", out).group(1))
        self.assertTrue(200 * 1024 < total < 256 * 1024, out)
        self.assertLessEqual(free, total)
        self.assertRegex(out, r"\nnewt> cat /proc/uptime\n\d+\.\d\d \d+\.\d\d\n")
        self.assertRegex(out, r"\nnewt> cat /proc/loadavg\n\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n")


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
class UserMode(unittest.TestCase):
    """`usertest` (kernel/core/user_mode_selftest.cpp) runs hand-assembled programs in ring 3
    through the HAL: every case must print `ok` (or `skipped` where the machine lacks what it
    needs), and the summary must agree with the case lines. QEMU's default CPU (qemu64) has no
    XSAVE, so it covers the FXSAVE path; `-cpu max` brings XSAVE, AVX, SMEP and SMAP."""

    def usertest(self, *options):
        status, out = boot("usertest\npoweroff\n", "--kernel", KERNEL, "--append", "demo=0", *options, timeout=240)
        self.assertEqual(status, 0, out)
        cases = dict(re.findall(r"usertest: (.+?): (ok|FAILED: [^\r\n]*|skipped: [^\r\n]*)\r?\n", out))
        self.assertEqual([name for name, result in cases.items() if not (result == "ok" or
                                                                         result.startswith("skipped"))], [], out)
        summary = re.search(r"usertest: summary: (\d+) passed, (\d+) failed, (\d+) skipped", out)
        self.assertIsNotNone(summary, out)
        passed, failed, skipped = map(int, summary.groups())
        self.assertEqual(failed, 0, out)
        self.assertEqual(passed, sum(result == "ok" for result in cases.values()), out)
        self.assertEqual(skipped, sum(result.startswith("skipped") for result in cases.values()), out)
        self.assertEqual(len(cases), 19, out)
        figures = re.search(r"usertest: figures: ([^\r\n]*)", out)
        self.assertIsNotNone(figures, out)
        print("\n  usertest %s: %s" % (" ".join(options), figures.group(1)), file=sys.stderr)
        return out, cases

    def test_one_cpu_fxsave(self):
        out, cases = self.usertest("--smp", "1")
        self.assertIn("fpu: FXSAVE, components 0x3 (x87 SSE), 512-byte state", out)
        self.assertEqual(sorted(name for name, result in cases.items() if result != "ok"),
                         ["space destroyed while another CPU still holds it", "two spaces on two CPUs at once",
                          "ymm0-15 survive traps and thread switches"], out)

    def test_two_cpus_xsave_avx_smep_smap(self):
        out, cases = self.usertest("--smp", "2", "--cpu", "max")
        self.assertRegex(out, r"fpu: XSAVE, components 0x[0-9a-f]*[67] \(x87 SSE AVX")
        self.assertIn("SMEP on, SMAP on", out)
        self.assertEqual([name for name, result in cases.items() if result != "ok"], [], out)
        self.assertIn("AVX yes", out)

    def test_four_cpus(self):
        out, cases = self.usertest("--smp", "4")
        self.assertIn("smp: 4 of 4 CPUs online", out)
        self.assertEqual(cases["two spaces on two CPUs at once"], "ok", out)
        self.assertEqual(cases["space destroyed while another CPU still holds it"], "ok", out)


class Machine:
    """QEMU running newt.elf with a QMP socket: serial output, keys and the VGA text memory."""

    def __init__(self, *options, timeout=90):
        self.directory = tempfile.TemporaryDirectory(prefix="newt-qemu-")
        self.qmp_path = os.path.join(self.directory.name, "qmp.sock")
        self.proc = subprocess.Popen(
            [RUN_QEMU, "--headless", "--timeout", str(timeout), "--kernel", KERNEL, *options,
             "--qemu-arg", "-qmp", "--qemu-arg", f"unix:{self.qmp_path},server=on,wait=off"],
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
            # Lines logged before the VGA console started were replayed onto it (the first
            # ones have scrolled off the 25 lines by now).
            self.assertIn("serial: 16550A at 0x3f8, IRQ 4, console", text)
            self.assertRegex(text, r"pci: 00:02\.0 1234:1111 VGA compatible controller")
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
        status, out = boot("uptime\ncat /etc/hostname\npoweroff\n", "--iso", "--kernel", ISO)
        self.assertEqual(status, 0, out)
        self.assertIn("x86_64: booted by Multiboot2; ACPI found", out)
        # GRUB loaded the initramfs as a Multiboot2 module.
        self.assertRegex(out, r"initramfs: \d+ entries unpacked")
        self.assertRegex(out, r"cat /etc/hostname\r?\nnewt\r?\n")
        self.assertRegex(out, r"up \d+\.\d{3} s, 1 CPUs")
        self.assertIn("monitor: powering off", out)


if __name__ == "__main__":
    RUN_QEMU, KERNEL, ISO = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main(verbosity=2)
