#!/usr/bin/env python3
"""System tests: boot the real `newt` binary headless and drive the kernel monitor.

Usage: test_monitor.py PATH_TO_NEWT
"""
import calendar
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time
import unittest

NEWT = None
INITRAMFS = None  # the build's initramfs.cpio
BOOT_TIMEOUT = 30


def run_piped(args, commands, timeout=60):
    """Runs newt with `commands` on a pipe as stdin; returns (status, output)."""
    proc = subprocess.run([NEWT, "--display", "none"] + args, input=commands.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return proc.returncode, proc.stdout.decode(errors="replace")


class PtySession:
    """newt on a pseudo-terminal, as a user at a terminal would run it."""

    def __init__(self, args):
        self.master, slave = pty.openpty()
        self.slave = slave
        self.before = termios.tcgetattr(slave)
        self.proc = subprocess.Popen([NEWT, "--display", "none"] + args, stdin=slave, stdout=slave,
                                     stderr=slave, close_fds=True, start_new_session=True)
        self.output = b""

    def read_until(self, pattern, timeout=BOOT_TIMEOUT):
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern.encode())
        while not regex.search(self.output):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {pattern!r}; output so far:\n"
                                     + self.output.decode(errors="replace"))
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:
                    break
        return self.output.decode(errors="replace")

    def send(self, text):
        os.write(self.master, text.encode() if isinstance(text, str) else text)

    def wait(self, timeout=BOOT_TIMEOUT):
        status = self.proc.wait(timeout=timeout)
        try:  # drain what is left
            while select.select([self.master], [], [], 0.1)[0]:
                self.output += os.read(self.master, 4096)
        except OSError:
            pass
        return status

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        os.close(self.slave)


class PipedMonitor(unittest.TestCase):
    def test_boot_log_demo_and_every_monitor_command(self):
        # Without an initramfs: the usable memory is then all of RAM but the first MiB.
        status, out = run_piped(["--smp", "2", "--mem", "128M", "--initrd", "none"],
                                "help\nthreads\nmem\nuptime\nlog\nnosuchcommand\npoweroff\n")
        self.assertEqual(status, 0, out)
        # Boot log: timestamps with CPU and thread prefixes, memory, CPUs, devices.
        self.assertRegex(out, r"\[\s+\d+\.\d{6}\] cpu0 boot: Newt \S+ booting on the hosted backend")
        self.assertRegex(out, r"memory: 127 MiB usable")
        self.assertRegex(out, r"serial: 16550A at 0x3f8, IRQ 4")
        self.assertRegex(out, r"cpu1: online")
        self.assertRegex(out, r"smp: 2 of 2 CPUs online")
        # Self-demo: two timelines with switches between letters on each CPU.
        timelines = re.findall(r"cpu(\d)\s+([A-Z]{10,})", out)
        self.assertEqual(sorted(cpu for cpu, _ in timelines), ["0", "1"], out)
        for _, line in timelines:
            self.assertGreater(len(set(line)), 1, f"no preemption in timeline {line}")
            self.assertGreater(sum(a != b for a, b in zip(line, line[1:])), 3, line)
        preemptions = int(re.search(r"Timer preemptions during the demo: (\d+)", out).group(1))
        self.assertGreater(preemptions, 4)
        # help lists every command.
        for command in ["help", "threads", "mem", "uptime", "log", "date", "pci", "poweroff"]:
            self.assertRegex(out, rf"\n  {command}\s+\S")
        # threads: the table with idle threads, the reaper and the monitor's thread.
        self.assertRegex(out, r"TID\s+NAME\s+STATE")
        self.assertRegex(out, r"\bidle0\b")
        self.assertRegex(out, r"\bidle1\b")
        self.assertRegex(out, r"\breaper\s+(blocked|runnable|running)")
        self.assertRegex(out, r"\bmain\s+running")
        # mem: frame counts add up and the slab caches are listed.
        frames = re.search(r"frames: (\d+) total, (\d+) free, (\d+) used", out)
        self.assertIsNotNone(frames, out)
        total, free, used = map(int, frames.groups())
        self.assertEqual(total, free + used)
        self.assertGreater(total, 30000)
        self.assertRegex(out, r"kmalloc-256\s+256")
        # uptime: per-CPU lines.
        self.assertRegex(out, r"up \d+\.\d{3} s, 2 CPUs")
        self.assertRegex(out, r"cpu1: busy \d+\.\d{3} s, idle")
        # log repeats the boot log.
        self.assertGreaterEqual(out.count("smp: 2 of 2 CPUs online"), 2)
        self.assertIn("nosuchcommand: unknown command", out)
        self.assertIn("monitor: powering off", out)

    def test_pci_and_date(self):
        before = time.time()
        status, out = run_piped(["--append", "demo=0"], "pci\ndate\npoweroff\n")
        after = time.time()
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"rtc: CMOS clock \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")
        self.assertIn("pci: 4 functions", out)
        # The hosted PC's PCI functions, lspci -nn style, with their BARs.
        listing = out[out.index("newt> pci"):]
        self.assertRegex(listing, r"\n00:00\.0 Host bridge \[0600\]: 8086:1237 \(rev 02\)\r?\n")
        self.assertRegex(listing, r"\n00:01\.0 ISA bridge \[0601\]: 8086:7000 \(rev 00\)\r?\n")
        self.assertRegex(listing, r"\n00:01\.1 IDE interface \[0101\]: 8086:7010 \(rev 00\)\r?\n"
                                  r"\s+BAR4: I/O at 0xc040 \[size 16\]\r?\n")
        self.assertRegex(listing, r"\n00:02\.0 VGA compatible controller \[0300\]: 1234:1111 \(rev 02\)\r?\n"
                                  r"\s+BAR0: memory at 0xfd000000 \(32-bit, prefetchable\) \[size 16M\]\r?\n"
                                  r"\s+BAR2: memory at 0xfebf0000 \(32-bit, non-prefetchable\) \[size 4K\]\r?\n")
        self.assertEqual(len(re.findall(r"\n[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ", listing)), 4, listing)
        # date: the host's UTC time (the RTC model reads the host clock; whole seconds).
        shown = re.search(r"\n(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC", listing)
        self.assertIsNotNone(shown, listing)
        seconds = calendar.timegm(tuple(map(int, shown.groups())))
        self.assertTrue(before - 2 <= seconds <= after + 1, f"{shown.group(0)!r} not in [{before}, {after}]")

    def test_dev_and_proc(self):
        # No initramfs, so no init mounting /tmp while the monitor reads the mount table.
        status, out = run_piped(["--smp", "2", "--initrd", "none", "--append", "demo=0"],
                                "ls /dev\nls /proc\ncat /proc/version\ncat /proc/mounts\nmounts\n"
                                "cat /proc/meminfo\ncat /proc/cpuinfo\ncat /proc/uptime\ncat /proc/loadavg\n"
                                "cat /proc/filesystems\ncat /dev/null\ncat /dev/kmsg\npoweroff\n")
        self.assertEqual(status, 0, out)
        out = out.replace("\r\n", "\n")
        self.assertIn("vfs: devtmpfs mounted on /dev, proc on /proc", out)
        # ls /dev: the device nodes with Linux's numbers, modes and owners.
        listing = out[out.index("newt> ls /dev"):out.index("newt> ls /proc")]
        for mode, major, minor, name in (("crw-rw-rw-", 1, 3, "null"), ("crw-rw-rw-", 1, 5, "zero"),
                                         ("crw-rw-rw-", 1, 7, "full"), ("crw-rw-rw-", 1, 8, "random"),
                                         ("crw-rw-rw-", 1, 9, "urandom"), ("crw-r--r--", 1, 11, "kmsg"),
                                         ("crw-------", 5, 1, "console")):
            self.assertRegex(listing, rf"\n{mode}\s+1\s+0\s+0\s+{major}, {minor} {name}\n")
        listing = out[out.index("newt> ls /proc"):out.index("newt> cat /proc/version")]
        for name in ("cpuinfo", "filesystems", "loadavg", "meminfo", "mounts", "stat", "uptime", "version"):
            self.assertRegex(listing, rf"\n-r--r--r--\s+1\s+0\s+0\s+0 {name}\n")
        self.assertRegex(out, r"\nnewt> cat /proc/version\nNewt version \S+ \((gcc|clang) version [\d.]+\) #1 SMP .+\n")
        # /proc/mounts and the monitor's mounts print the same table.
        table = "rootfs / tmpfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0\n"
        self.assertIn("newt> cat /proc/mounts\n" + table + "newt> mounts\n" + table + "newt> ", out)
        meminfo = dict((name, int(value)) for name, value in re.findall(r"\n(\w+):\s+(\d+) kB", out))
        for name in ("MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapTotal", "SwapFree", "Shmem",
                     "SReclaimable"):
            self.assertIn(name, meminfo)
        self.assertLessEqual(meminfo["MemFree"], meminfo["MemTotal"])
        self.assertGreater(meminfo["MemTotal"], 200 * 1024)  # the default 256 MiB
        self.assertEqual(len(re.findall(r"\nprocessor\t: \d+\n", out)), 2, out)
        self.assertRegex(out, r"\nmodel name\t: .+\n")
        self.assertRegex(out, r"\nnewt> cat /proc/uptime\n\d+\.\d\d \d+\.\d\d\n")
        self.assertRegex(out, r"\nnewt> cat /proc/loadavg\n\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n")
        self.assertIn("newt> cat /proc/filesystems\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n", out)
        self.assertIn("newt> cat /dev/null\nnewt> cat /dev/kmsg\n", out)
        # The monitor's cat reads /dev/kmsg without blocking: every record, then the prompt.
        kmsg = out[out.index("newt> cat /dev/kmsg\n"):out.index("newt> poweroff")].splitlines()[1:]
        self.assertRegex(kmsg[0], r"^6,0,\d+,-;Newt \S+ booting on the hosted backend$")
        self.assertEqual([int(line.split(",")[1]) for line in kmsg], list(range(len(kmsg))), kmsg)
        # The last records: the boot's last steps before the monitor (no initramfs, so no init).
        self.assertRegex(kmsg[-2], r"^6,\d+,\d+,-;vfs: devtmpfs mounted on /dev, proc on /proc$")
        self.assertRegex(kmsg[-1], r"^4,\d+,\d+,-;init: /sbin/init: ENOENT; no init process$")

    def test_cpu_and_memory_options(self):
        status, out = run_piped(["--smp", "4", "--mem", "64M", "--initrd", "none", "--append", "demo=0"],
                                "uptime\npoweroff\n")
        self.assertEqual(status, 0, out)
        self.assertIn("smp: 4 of 4 CPUs online", out)
        self.assertIn("memory: 63 MiB usable", out)
        self.assertIn("command line: 'demo=0'", out)
        self.assertRegex(out, r"cpu3: busy")
        self.assertNotIn("Self-demo", out)

        status, out = run_piped(["--smp", "1", "--append", "demo=0"], "poweroff\n")
        self.assertEqual(status, 0, out)
        self.assertIn("smp: 1 of 1 CPUs online", out)

    def test_bad_options_are_refused(self):
        for args in (["--mem", "1K"], ["--mem", "lots"], ["--smp", "0"], ["--smp", "65"], ["--display", "sdl"],
                     ["--no-such-option"]):
            status, out = run_piped(args, "", timeout=10)
            self.assertNotEqual(status, 0, f"{args} was accepted:\n{out}")


class CpuExceptions(unittest.TestCase):
    def test_a_fault_in_kernel_code_is_reported_and_panics(self):
        # Hosted faults arrive as host signals; Linux's ucontext carries the real trap
        # number and page-fault error code (user mode, bit 2, from the host's view).
        for kind, report in (("null", r"CPU exception 14 \(page fault\), error code 0x4, on cpu0 in thread main\r?\n"
                                      r"  page not present on read at address 0\r?\n"),
                             ("exec", r"CPU exception 14 \(page fault\), error code 0x15,.*\r?\n"
                                      r"  protection violation on instruction fetch at address 0x"),
                             ("rodata", r"CPU exception 14 \(page fault\), error code 0x7,.*\r?\n"
                                        r"  protection violation on write at address 0x"),
                             ("divide", r"CPU exception 0 \(divide error\)"),
                             ("ud2", r"CPU exception 6 \(invalid opcode\)")):
            status, out = run_piped(["--smp", "1", "--append", "demo=0"], "crash %s\n" % kind)
            self.assertEqual(status, 134, out)
            self.assertRegex(out, report)
            self.assertIn("KERNEL PANIC on cpu0 (main): unhandled CPU exception", out)

    def test_crash_without_a_kind_lists_them(self):
        status, out = run_piped(["--append", "demo=0"], "crash\ncrash bogus\npoweroff\n")
        self.assertEqual(status, 0, out)
        self.assertEqual(out.count("usage: crash KIND"), 2, out)
        for kind in ("null", "rodata", "exec", "divide", "ud2"):
            self.assertRegex(out, r"\n  %s\s+\S" % kind)


class Initramfs(unittest.TestCase):
    def test_the_initramfs_becomes_the_root_file_system(self):
        if INITRAMFS is None:
            self.skipTest("no initramfs given")
        status, out = run_piped(["--initrd", INITRAMFS, "--append", "demo=0"],
                                "cat /etc/motd\nls /etc\nmounts\npoweroff\n")
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"initramfs: \d+ entries unpacked from \d+ KiB")
        self.assertRegex(out, r"initramfs: freed \d+ KiB")
        # The file's text, byte for byte, as it is in the source tree the archive was made from.
        source = os.path.join(os.path.dirname(__file__), "..", "..", "userland", "initramfs", "etc", "motd")
        with open(source) as motd:
            self.assertIn(motd.read().replace("\n", "\r\n"), out)
        self.assertRegex(out, r"-rw-r--r--\s+1\s+0\s+0\s+\d+ hostname")
        self.assertIn("rootfs / tmpfs rw 0 0", out)

    def test_a_missing_initrd_is_refused(self):
        status, out = run_piped(["--initrd", "/nonexistent/initramfs.cpio"], "")
        self.assertEqual(status, 1, out)
        self.assertIn("--initrd /nonexistent/initramfs.cpio", out)


class Debugger(unittest.TestCase):
    def test_gdb_breaks_in_a_kernel_function_and_lists_the_cpu_threads(self):
        # Plain gdb, no settings: the kick signal must not get in the way.
        proc = subprocess.run(
            ["gdb", "-batch", "-nx", "-ex", "break kernel::run_monitor", "-ex", "run",
             "-ex", "info threads", "-ex", "bt 3", "-ex", "kill",
             "--args", NEWT, "--display", "none", "--smp", "2", "--append", "demo=0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        out = proc.stdout.decode(errors="replace")
        self.assertRegex(out, r"Breakpoint 1, kernel::run_monitor", out)
        self.assertNotIn("received signal", out)
        self.assertRegex(out, r'"newt-cpu0"', out)
        self.assertRegex(out, r'"newt-cpu1"', out)
        self.assertRegex(out, r"#0 .*kernel::run_monitor", out)


class TerminalMonitor(unittest.TestCase):
    def setUp(self):
        self.session = PtySession(["--smp", "2", "--append", "demo=0"])

    def tearDown(self):
        self.session.close()

    def assert_terminal_restored(self):
        self.assertEqual(termios.tcgetattr(self.session.slave), self.session.before)

    def test_raw_terminal_ctrl_c_goes_to_the_guest_and_ctrl_a_x_quits(self):
        s = self.session
        s.read_until(r"newt> ")
        mode = termios.tcgetattr(s.slave)
        self.assertFalse(mode[3] & termios.ECHO, "terminal not raw: ECHO on")
        self.assertFalse(mode[3] & termios.ICANON, "terminal not raw: ICANON on")
        self.assertFalse(mode[3] & termios.ISIG, "terminal not raw: ISIG on")
        s.send("uptimx\x7fe\r")  # backspace edits the line
        s.read_until(r"up \d+\.\d{3} s")
        s.send("threads\x03")  # Ctrl-C abandons the line; newt keeps running
        s.read_until(r"\^C\r\nnewt> ")
        self.assertIsNone(s.proc.poll())
        s.send("\x01x")
        self.assertEqual(s.wait(), 0, s.output.decode(errors="replace"))
        self.assertIn(b"Ctrl-A x: powering off", s.output)
        self.assert_terminal_restored()

    def test_termination_signals_power_off_cleanly(self):
        for number, name in ((signal.SIGTERM, "Terminated"), (signal.SIGINT, "Interrupt")):
            with self.subTest(signal=name):
                if number != signal.SIGTERM:  # a fresh session for each signal
                    self.session.close()
                    self.session = PtySession(["--smp", "2", "--append", "demo=0"])
                s = self.session
                s.read_until(r"newt> ")
                s.proc.send_signal(number)
                self.assertEqual(s.wait(), 0)
                self.assertIn(f"newt: {name} received, powering off", s.output.decode(errors="replace"))
                self.assert_terminal_restored()

    def test_panic_prints_a_backtrace_exits_134_and_restores_the_terminal(self):
        s = self.session
        s.read_until(r"newt> ")
        s.send("panic\r")
        self.assertEqual(s.wait(), 134)
        out = s.output.decode(errors="replace")
        self.assertRegex(out, r"KERNEL PANIC on cpu\d \(main\): requested from the monitor")
        self.assertRegex(out, r"#0 0x[0-9a-f]+ ")
        self.assertIn("kernel::panic", out)
        self.assert_terminal_restored()

    def test_reboot_boots_again_in_the_same_process(self):
        s = self.session
        s.read_until(r"newt> ")
        s.send("reboot\r")
        # The same pid (newt re-executes itself) boots a second time, with the same options.
        out = s.read_until(r"(?s)monitor: rebooting.*booting on the hosted backend.*newt> ")
        self.assertIn("newt: rebooting", out)
        self.assertEqual(len(re.findall(r"smp: 2 of 2 CPUs online", out)), 2, out)
        self.assertIsNone(self.session.proc.poll())
        s.send("poweroff\r")
        self.assertEqual(s.wait(), 0)
        self.assert_terminal_restored()

    def test_poweroff_command_restores_the_terminal(self):
        s = self.session
        s.read_until(r"newt> ")
        s.send("poweroff\r")
        self.assertEqual(s.wait(), 0)
        self.assert_terminal_restored()


if __name__ == "__main__":
    NEWT = os.path.abspath(sys.argv.pop(1))
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        INITRAMFS = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
