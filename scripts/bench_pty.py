"""Benchmark: what farmdash writes to a real terminal, and whether the screen stays right.

Runs the real `farmdash` command in a pseudo-terminal of a given size against `farmdash sim` in
its own process (loopback, its own port), records every byte the dashboard writes, and feeds the
bytes through a terminal emulator (`pyte`) afterwards. For each farm size and terminal size it
prints:
  * bytes per poll (steady state, no keys), and the changed-cell floor: cells that differ on the
    emulated screen between the quiet moments before and after each poll
  * a full repaint: what toggling the view (`v`) back to the cards sends
  * CPU % of one core and RSS of the dashboard process (from /proc)
  * key to first output byte, p50 / p95, for keys pressed as a poll lands and between polls
  * bytes for screens shown and closed (help, a job queue, the filter box), and for one poll
    after a view toggle, under help and under a job queue
  * the emulator check: after polls, toasts, a modal and scrolling, the emulated screen is
    compared with a fresh full render (the terminal resized away and back); "stale" counts the
    cells that differ. Ctrl+L is checked the same way.
Bounded: a fixed number of polls and keys per run, and a hard time limit; loopback only.
A slow link (key to effect during a full repaint, the backlog over time, the screen at the end)
has its own run: `scripts/bench_link.py`, which drives the same pty at a given read rate.

    python scripts/bench_pty.py [--sizes 80x24,160x48] [--printers 36,1000,5000] [--polls 8]
                                [--keys 6] [--seconds 150] [--read-rate 8192]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import random
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]
from bench_sim import start_sim  # noqa: E402

from api.sim import DEMO_PASSWORD, DEMO_USERNAME  # noqa: E402

QUIET = 0.5  # seconds without output that end a burst
REFRESH = 3.0


@dataclass
class Timeline:
    """Everything that happened, in order: output chunks, keys, resizes and marks."""

    events: list[tuple] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_output: float = 0.0
    bytes_total: int = 0

    def add(self, *event) -> None:
        with self.lock:
            self.events.append(event)
            if event[0] == "out":
                self.last_output = event[1]
                self.bytes_total += len(event[2])


class Dashboard:
    """The real binary in a pty; a reader thread timestamps every chunk it writes."""

    def __init__(
        self,
        base: str,
        cols: int,
        rows: int,
        state_dir: str,
        read_rate: int | None,
        alerts: bool = False,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.cols, self.rows = cols, rows
        self.timeline = Timeline()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": state_dir,
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            "PYTHONPATH": str(ROOT),
            "FARMDASH_USERNAME": DEMO_USERNAME,
            "FARMDASH_PASSWORD": DEMO_PASSWORD,
            "FARMDASH_STATE_DIR": state_dir,
            "FARMDASH_CONFIG": os.path.join(state_dir, "config.toml"),
            **(extra_env or {}),
        }
        if not alerts:  # alert toasts, bells and desktop notices are events, not the poll's cost
            Path(state_dir, "config.toml").write_text("[alerts]\nenabled = false\n")
        cmd = [sys.executable, "-m", "tui.cli", "--endpoint", base, "--refresh", str(REFRESH)]
        pid, fd = pty.fork()
        if pid == 0:  # the child: the dashboard
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.chdir(state_dir)
            os.execve(cmd[0], cmd, env)
        self.pid, self.fd = pid, fd
        self.read_rate = read_rate
        self.stopping = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        chunk = 65536 if self.read_rate is None else max(64, self.read_rate // 16)
        while not self.stopping:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(self.fd, chunk)
            except OSError:
                return
            if not data:
                return
            self.timeline.add("out", time.monotonic(), data)
            if self.read_rate is not None:
                time.sleep(len(data) / self.read_rate)

    def key(self, data: bytes) -> float:
        now = time.monotonic()
        self.timeline.add("key", now, data)
        os.write(self.fd, data)
        return now

    def resize(self, cols: int, rows: int) -> None:
        self.timeline.add("resize", time.monotonic(), cols, rows)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.kill(self.pid, signal.SIGWINCH)

    def mark(self, name: str) -> None:
        self.timeline.add("mark", time.monotonic(), name)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.stopping = True
        with contextlib.suppress(OSError):
            os.write(self.fd, b"q")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)

    # --- waiting on output ------------------------------------------------------------------

    def wait_quiet(self, quiet: float = QUIET, limit: float = 15.0, since: float = 0.0) -> bool:
        """Until no byte has come for `quiet` seconds since `since` (True), or `limit` passes (False)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if time.monotonic() - max(since, self.timeline.last_output) >= quiet:
                return True
            time.sleep(0.02)
        return False

    def wait_burst(self, after: float, limit: float = 10.0) -> float | None:
        """The time of the first output chunk after `after`."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.timeline.lock:
                first = None
                for event in reversed(self.timeline.events):
                    if event[1] <= after:
                        break
                    if event[0] == "out":
                        first = event[1]
            if first is not None:
                return first
            time.sleep(0.005)
        return None

    def wait_poll(self, limit: float = 10.0) -> float | None:
        """Wait for a poll's output: a burst after a quiet spell with no key pending; its start."""
        self.wait_quiet(limit=limit)
        return self.wait_burst(time.monotonic(), limit=limit)


# --- offline analysis: replay the timeline through the emulator -------------------------------------


class Replay:
    def __init__(self, cols: int, rows: int) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)

    def snapshot(self) -> list[list[tuple]]:
        buffer = self.screen.buffer
        return [[tuple(buffer[y][x]) for x in range(self.screen.columns)] for y in range(self.screen.lines)]

    def text(self) -> list[str]:
        return list(self.screen.display)


def changed_cells(a: list[list[tuple]], b: list[list[tuple]]) -> int:
    return sum(1 for row_a, row_b in zip(a, b, strict=False) for x, y in zip(row_a, row_b, strict=False) if x != y)


def differing_rows(a: list[list[tuple]], b: list[list[tuple]]) -> list[int]:
    return [index for index, (row_a, row_b) in enumerate(zip(a, b, strict=False)) if row_a != row_b]


def replay(timeline: Timeline, cols: int, rows: int, marks_wanted: set[str]) -> tuple[dict, list]:
    """Feed every byte through pyte; snapshot at each mark and at each quiet spell (burst ends)."""
    emulator = Replay(cols, rows)
    marks: dict[str, tuple[list, list[str]]] = {}
    bursts = []  # (start, end, bytes, snapshot before, snapshot after)
    events = sorted(timeline.events, key=lambda event: event[1])
    current = None
    before = emulator.snapshot()
    for index, event in enumerate(events):
        kind, stamp = event[0], event[1]
        if kind == "out":
            if current is None:
                current = [stamp, stamp, 0]
            emulator.stream.feed(event[2])
            current[1] = stamp
            current[2] += len(event[2])
            following = next((e for e in events[index + 1 :] if e[0] == "out"), None)
            if following is None or following[1] - stamp >= QUIET:
                after = emulator.snapshot()
                bursts.append((current[0], current[1], current[2], before, after))
                before = after
                current = None
        elif kind == "resize":
            emulator.screen.resize(event[3], event[2])
        elif kind == "mark" and event[2] in marks_wanted:
            marks[event[2]] = (emulator.snapshot(), emulator.text())
    return marks, bursts


def within(bursts: list, start: float, end: float) -> list:
    return [burst for burst in bursts if start <= burst[0] < end]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


# --- one run ------------------------------------------------------------------------------------


def run(printers: int, cols: int, rows: int, args: argparse.Namespace) -> dict:
    proc, base = start_sim(printers)
    started = time.monotonic()
    result: dict = {"printers": printers, "size": f"{cols}x{rows}"}
    with tempfile.TemporaryDirectory(prefix="farmdash-bench-") as state_dir:
        dash = Dashboard(base, cols, rows, state_dir, args.read_rate, args.alerts)
        try:
            _drive(dash, result, args, started)
        finally:
            dash.stop()
            proc.terminate()
            proc.wait(timeout=10)
        _analyse(dash, result, cols, rows)
    return result


def _time_left(args: argparse.Namespace, started: float) -> bool:
    return time.monotonic() - started < args.seconds


def _drive(dash: Dashboard, result: dict, args: argparse.Namespace, started: float) -> None:
    # Warm up: the first grid, running jobs looked up, two polls.
    dash.wait_burst(started, limit=30)
    for _ in range(3):
        dash.wait_poll(limit=15)

    # Steady state: polls with no keys.
    dash.wait_quiet(limit=10)
    dash.mark("steady-start")
    cpu0, t0 = dash.cpu_seconds(), time.monotonic()
    polls = 0
    while polls < args.polls and _time_left(args, started):
        if dash.wait_poll(limit=REFRESH * 3) is None:
            break
        polls += 1
    dash.wait_quiet(limit=10)
    cpu1, t1 = dash.cpu_seconds(), time.monotonic()
    dash.mark("steady-end")
    result["cpu"] = 100 * (cpu1 - cpu0) / max(1e-9, t1 - t0)
    result["rss"] = dash.rss_mb()

    # Full repaint: the table and back to the cards, each right after a poll.
    dash.wait_poll(limit=REFRESH * 3)
    dash.wait_quiet(limit=10)
    dash.mark("table-start")
    dash.wait_quiet(since=dash.key(b"v"), limit=10)
    dash.mark("table-end")
    dash.mark("cards-start")
    dash.wait_quiet(since=dash.key(b"v"), limit=10)
    dash.mark("cards-end")
    _measured_poll(dash, "after-toggle")  # repaints asked for while the grid was hidden once rode on it

    # Screens shown and closed (help, a job queue, the filter box), each once: Textual repaints a
    # screen whole two or three times as it is pushed or popped. A poll while help or a queue is
    # open: the screen below must not be repainted for it.
    for name, key in SWITCHES:
        if not _time_left(args, started):
            break
        # A fixed window: the filter's cursor blinks (~40 bytes every 0.5 s), so the output is
        # never quiet while it is open. A screen's frames come within ~0.2 s of the key; a poll
        # may land in the window too (a few hundred bytes).
        time.sleep(0.3)
        dash.mark(f"{name}-start")
        dash.key(key)
        time.sleep(SWITCH_WINDOW)
        dash.mark(f"{name}-end")
        if name in ("help", "queue"):
            _measured_poll(dash, f"under-{name}")

    # Key latency: right then left (each moves the selection); one between polls, one as a poll lands.
    between, landing = [], []
    keys = [b"l", b"h"]
    for _ in range(args.keys):
        if not _time_left(args, started):
            break
        poll = dash.wait_poll(limit=REFRESH * 3)
        if poll is None:
            break
        time.sleep(max(0.0, poll + 1.3 - time.monotonic()))
        sent = dash.key(keys[0])
        first = dash.wait_burst(sent, limit=5)
        if first is not None:
            between.append(first - sent)
        time.sleep(max(0.0, poll + REFRESH + random.uniform(0.05, 0.3) - time.monotonic()))
        sent = dash.key(keys[1])
        first = dash.wait_burst(sent, limit=5)
        if first is not None:
            landing.append(first - sent)
    if dash_verbose:
        print(f"    keys between polls {[round(t * 1000) for t in between]} ms", file=sys.stderr)
        print(f"    keys as a poll lands {[round(t * 1000) for t in landing]} ms", file=sys.stderr)
    result["key_between"] = between
    result["key_landing"] = landing

    # The screen stays right: toasts, a modal, scrolling in both views, then a fresh render.
    dash.wait_quiet(since=dash.key(b"v"), limit=10)  # the table
    for _ in range(6):
        dash.key(b"u")
        time.sleep(0.2)
    dash.key(b"?")
    time.sleep(0.5)
    dash.key(b"\x1b")
    time.sleep(0.5)
    for key in (b"\x1b[6~", b"\x1b[6~", b"\x1b[5~", b"\x1b[5~", b"v", b"\x1b[6~", b"\x1b[5~"):
        dash.key(key)
        time.sleep(0.3)
    time.sleep(args.toast_wait)  # toasts expire
    result["check"] = _fresh_render_check(dash, "resize", args, started)
    result["check_ctrl_l"] = _fresh_render_check(dash, "ctrl-l", args, started)


SWITCHES = [("help", b"?"), ("help-closed", b"\x1b"), ("queue", b"\r"), ("queue-closed", b"\x1b"),
            ("filter", b"/"), ("filter-closed", b"\x1b")]  # fmt: skip


SWITCH_WINDOW = 1.2


def _measured_poll(dash: Dashboard, name: str) -> None:
    """Marks around the next poll's output."""
    dash.wait_quiet(limit=10)
    dash.mark(f"{name}-start")
    dash.wait_poll(limit=REFRESH * 3)
    dash.wait_quiet(limit=10)
    dash.mark(f"{name}-end")


def _fresh_render_check(dash: Dashboard, how: str, args: argparse.Namespace, started: float) -> str:
    """Snapshot right after a poll, force a full render, snapshot again; retry if a poll interfered."""
    for attempt in range(4):
        poll = dash.wait_poll(limit=REFRESH * 3)
        if poll is None:
            continue
        dash.wait_quiet(limit=10)
        if time.monotonic() - poll > REFRESH - 1.2:
            continue  # too close to the next poll
        dash.mark(f"{how}-{attempt}-before")
        if how == "resize":
            dash.resize(dash.cols - 1, dash.rows)
            time.sleep(0.4)
            dash.resize(dash.cols, dash.rows)
        else:
            dash.key(b"\x0c")
        dash.wait_quiet(since=time.monotonic(), limit=5)
        dash.mark(f"{how}-{attempt}-after")
        return f"{how}-{attempt}"
    return ""


def _analyse(dash: Dashboard, result: dict, cols: int, rows: int) -> None:
    names = {event[2] for event in dash.timeline.events if event[0] == "mark"}
    marks, bursts = replay(dash.timeline, cols, rows, names)
    stamps = {event[2]: event[1] for event in dash.timeline.events if event[0] == "mark"}

    steady = within(bursts, stamps["steady-start"], stamps["steady-end"])
    result["poll_bytes"] = statistics.median([b[2] for b in steady]) if steady else float("nan")
    result["floor"] = statistics.median([changed_cells(b[3], b[4]) for b in steady]) if steady else float("nan")
    result["polls_seen"] = len(steady)
    result["full"] = sum(b[2] for b in within(bursts, stamps["cards-start"], stamps["cards-end"] + 0.01))
    result["full_table"] = sum(b[2] for b in within(bursts, stamps["table-start"], stamps["table-end"] + 0.01))
    for name in [*(name for name, _ in SWITCHES), "after-toggle", "under-help", "under-queue"]:
        if f"{name}-end" in stamps:  # by chunk, not by burst: the filter's blinking cursor joins bursts
            start, end = stamps[f"{name}-start"], stamps[f"{name}-end"]
            result[name] = sum(len(e[2]) for e in dash.timeline.events if e[0] == "out" and start <= e[1] <= end)
            if dash_verbose:
                groups: dict[float, int] = {}
                for e in dash.timeline.events:
                    if e[0] == "out" and start <= e[1] <= end:
                        groups[round(e[1] - start, 2)] = groups.get(round(e[1] - start, 2), 0) + len(e[2])
                print(f"    {name}: bytes by time after the key {groups}", file=sys.stderr)

    for key in ("check", "check_ctrl_l"):
        tag = result.get(key)
        if not tag:
            result[key] = "n/a"
            continue
        before, before_text = marks[f"{tag}-before"]
        after, after_text = marks[f"{tag}-after"]
        sent = sum(b[2] for b in within(bursts, stamps[f"{tag}-before"], stamps[f"{tag}-after"] + 0.01))
        stale = changed_cells(before, after)
        if key == "check_ctrl_l" and sent == 0:
            result[key] = "no repaint"
            continue
        result[key] = "ok" if stale == 0 else f"{stale} stale"
        if stale and dash_verbose:
            for y in differing_rows(before, after)[:6]:
                print(f"    row {y:>2} shown: {before_text[y].rstrip()!r}", file=sys.stderr)
                print(f"           fresh: {after_text[y].rstrip()!r}", file=sys.stderr)


dash_verbose = False


def main() -> None:
    global dash_verbose
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="80x24,160x48", help="terminal sizes, COLSxROWS,...")
    parser.add_argument("--printers", default="36,1000,5000", help="farm sizes")
    parser.add_argument("--polls", type=int, default=8, help="steady-state polls measured")
    parser.add_argument("--keys", type=int, default=6, help="key pairs (between polls, as a poll lands)")
    parser.add_argument("--seconds", type=float, default=150, help="time limit of one run (farm x size)")
    parser.add_argument("--toast-wait", type=float, default=9.0, help="seconds for toasts to expire")
    parser.add_argument("--read-rate", type=int, help="read the pty at this many bytes/s (a slow link)")
    parser.add_argument("--alerts", action="store_true", help="leave alerts on (toasts, bells, desktop notices)")
    parser.add_argument("--verbose", action="store_true", help="show the rows that differ in the checks")
    args = parser.parse_args()
    dash_verbose = args.verbose
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    link = f", pty read at {args.read_rate} B/s" if args.read_rate else ""
    print(f"farmdash in a pty against the simulated cloud (own process, loopback), refresh {REFRESH:g} s{link}")
    header = (
        f"{'printers':>8} {'size':>7} {'bytes/poll':>10} {'floor':>6} {'B/cell':>7} {'full':>7} {'poll/full':>9} "
        f"{'CPU %':>6} {'RSS MB':>6} {'key landing p50/p95':>20} {'between p50/p95':>16} {'screen':>9} {'ctrl+L':>10}"
    )
    print(header)
    for printers in (int(n) for n in args.printers.split(",")):
        for cols, rows in sizes:
            r = run(printers, cols, rows, args)
            per_cell = r["poll_bytes"] / r["floor"] if r["floor"] else float("nan")
            landing = (
                f"{percentile(r['key_landing'], 0.5) * 1000:.0f} / {percentile(r['key_landing'], 0.95) * 1000:.0f} ms"
            )
            between = (
                f"{percentile(r['key_between'], 0.5) * 1000:.0f} / {percentile(r['key_between'], 0.95) * 1000:.0f} ms"
            )
            print(
                f"{printers:>8} {r['size']:>7} {r['poll_bytes']:>10.0f} {r['floor']:>6.0f} {per_cell:>7.1f} "
                f"{r['full']:>7} {r['poll_bytes'] / max(1, r['full']):>9.1%} {r['cpu']:>6.1f} {r['rss']:>6.0f} "
                f"{landing:>20} {between:>16} {r['check']:>9} {r['check_ctrl_l']:>10}",
                flush=True,
            )
            switches = ", ".join(f"{name} {r[name]}" for name, _ in SWITCHES if name in r)
            polls = ", ".join(
                f"{name} {r[name]}" for name in ("after-toggle", "under-help", "under-queue") if name in r
            )
            print(f"{'':>17} bytes: screens shown and closed: {switches}; a poll {polls}", flush=True)


if __name__ == "__main__":
    main()
