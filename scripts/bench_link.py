"""Benchmark: farmdash on a slow link (the pty read at, say, 8 KB/s, as over a thin SSH link).

The real `farmdash` in a pseudo-terminal against `farmdash sim` in its own process (as in
`bench_pty.py`), the pty read at `--read-rate` bytes a second. Each run:
  * full repaints (ctrl+L), each with a key pressed one second into it (`l`, "during") and one
    pressed after it has drained (`h`, "after"); then the view toggled twice in a row (`v v`)
    with a key one second later ("behind two"). Key to effect: from the key press to the moment
    the terminal has read the bytes that show the selection where the key put it (the selected
    card's name, drawn in reverse video, read off the emulated screen).
  * the backlog over time: the header shows when the last poll landed ("live 19:26:41"); each
    time the terminal shows a newer poll, its age is the read time minus that clock (to the
    second). A backlog that grows shows as ages that grow; one that converges stays bounded.
  * the end check: the farm frozen (`/sim/clock`) and the refresh slowed to 60 s (`-`), so no
    poll moves a label ("≥1 min", a finish time) while a full repaint crawls down the link, the
    output drained: the emulated screen is compared with a fresh full render (the terminal
    resized away and back), twice.

    python scripts/bench_link.py [--printers 36,5000] [--sizes 160x48] [--read-rate 8192]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

sys.path[:0] = [str(Path(__file__).resolve().parent)]
from bench_pty import Dashboard, Replay, changed_cells, differing_rows  # noqa: E402
from bench_sim import start_sim  # noqa: E402

LIVE = re.compile(r"live (\d\d):(\d\d):(\d\d)")
KEY_WAIT = 90.0  # seconds a key's effect may take to reach the terminal before it counts as lost


def selected_name(screen) -> str:
    """The selected card's name: the reverse-video cells below the header."""
    for y in range(2, screen.lines):
        row = screen.buffer[y]
        name = "".join(row[x].data for x in range(screen.columns) if row[x].reverse).strip()
        if name:
            return name
    return ""


def shown_poll(screen) -> str | None:
    """The poll time the header shows, HH:MM:SS."""
    match = LIVE.search("".join(screen.buffer[0][x].data for x in range(screen.columns)))
    return ":".join(match.groups()) if match else None


def without_clock(cells: list[list[tuple]], screen) -> list[list[tuple]]:
    """The cells with the header clock's eight cells blanked (a poll moves them, nothing else)."""
    text = "".join(screen.buffer[0][x].data for x in range(screen.columns))
    match = LIVE.search(text)
    if not match:
        return cells
    start = match.start(1)
    return [row if y else row[:start] + row[start + 8 :] for y, row in enumerate(cells)]


class SlowRun:
    def __init__(self, dash: Dashboard, base: str, verbose: bool = False, checks: int = 2) -> None:
        self.dash = dash
        self.checks = checks
        self.verbose = verbose
        self.base = base
        self.wall_offset = time.time() - time.monotonic()
        self.probes: list[tuple[str, float, str]] = []  # (kind, key time, mark at which it settled)

    def quiet(self, limit: float = 120.0, since: float = 0.0) -> bool:
        """Until the terminal has read nothing for 1.5 s (counted from `since` at the earliest)."""
        return self.dash.wait_quiet(quiet=1.5, limit=limit, since=since)

    def probe(self, kind: str, key: bytes) -> None:
        """Press a key that moves the selection, and wait until its effect (and all else) is read."""
        sent = self.dash.key(key)
        mark = f"settled-{len(self.probes)}"
        self.probes.append((kind, sent, mark))
        self.quiet(since=sent)
        self.dash.mark(mark)

    def drive(self, repaints: int) -> None:
        dash = self.dash
        dash.wait_burst(0, limit=60)
        self.quiet(limit=180)  # the first screen and the running jobs, at the link's speed
        dash.mark("start")
        for _ in range(repaints):
            dash.key(b"\x0c")  # ctrl+L: a full repaint
            time.sleep(1.0)
            self.probe("during", b"l")
            time.sleep(0.5)
            self.probe("after", b"h")
        dash.key(b"v")
        time.sleep(0.3)
        dash.key(b"v")
        time.sleep(1.0)
        self.probe("behind two", b"l")
        dash.mark("end-keys")
        httpx.post(f"{self.base}/sim/clock", json={"freeze": True}, timeout=10)
        time.sleep(3.5)  # a poll of the frozen farm
        for _ in range(5):  # refresh every 60 s: no poll moves a label while the screen is checked
            dash.key(b"-")
            time.sleep(0.2)
        time.sleep(2.5)  # the "Refreshing every 60 s" notice expires
        for attempt in range(self.checks):
            self.quiet(since=time.monotonic())
            dash.mark(f"check-{attempt}-before")
            dash.resize(dash.cols - 1, dash.rows)
            time.sleep(0.4)
            dash.resize(dash.cols, dash.rows)
            time.sleep(1.0)
            self.quiet()
            dash.mark(f"check-{attempt}-after")

    def analyse(self) -> dict:
        dash = self.dash
        emulator = Replay(dash.cols, dash.rows)
        events = sorted(dash.timeline.events, key=lambda event: event[1])
        marks: dict[str, tuple[float, list, str]] = {}
        texts: dict[str, list[str]] = {}
        ages: list[tuple[float, float]] = []  # (seconds into the run, age of the poll shown)
        last_poll = None
        # Per probe: the name shown when pressed, and the first time after it the settled name shows.
        pending: list[tuple[int, float]] = []
        shown_at: dict[int, list[tuple[float, str]]] = {}
        key_index = {sent: index for index, (_, sent, _) in enumerate(self.probes)}
        began = events[0][1] if events else 0.0
        for event in events:
            kind, stamp = event[0], event[1]
            if kind == "out":
                emulator.stream.feed(event[2])
                poll = shown_poll(emulator.screen)
                if poll and poll != last_poll:
                    last_poll = poll
                    wall = datetime.fromtimestamp(stamp + self.wall_offset).astimezone()
                    h, m, s = (int(n) for n in poll.split(":"))
                    shown = wall.replace(hour=h, minute=m, second=s, microsecond=0)
                    ages.append((stamp - began, (wall - shown).total_seconds()))
                if pending:
                    name = selected_name(emulator.screen)
                    for index, _ in pending:
                        shown_at.setdefault(index, []).append((stamp, name))
            elif kind == "key" and stamp in key_index:
                pending.append((key_index[stamp], stamp))
            elif kind == "mark":
                marks[event[2]] = (stamp, emulator.snapshot(), selected_name(emulator.screen))
                if event[2].startswith("check-"):
                    masked = without_clock(emulator.snapshot(), emulator.screen)
                    marks[f"{event[2]}-masked"] = (stamp, masked, "")
                    texts[event[2]] = emulator.text()
                pending = [(index, sent) for index, sent in pending if stamp - sent < KEY_WAIT]
        effects: dict[str, list[float]] = {}
        for index, (kind, sent, mark) in enumerate(self.probes):
            target = marks.get(mark, marks.get("check-0-before", (0, [], "")))[2]
            first = next((t for t, name in shown_at.get(index, []) if name == target), None)
            effects.setdefault(kind, []).append(first - sent if first is not None else float("inf"))
        stale = []  # per check: a poll between the two snapshots may move a label ("≥1 min" to "≥2 min")
        for attempt in range(self.checks):
            before, after = marks[f"check-{attempt}-before-masked"][1], marks[f"check-{attempt}-after-masked"][1]
            stale.append(changed_cells(before, after))
            if stale[-1] and self.verbose:
                shown, fresh = texts[f"check-{attempt}-before"], texts[f"check-{attempt}-after"]
                for y in differing_rows(before, after)[:6]:
                    print(f"    row {y:>2} shown: {shown[y].rstrip()!r}", file=sys.stderr)
                    print(f"           fresh: {fresh[y].rstrip()!r}", file=sys.stderr)
        steady = [age for t, age in ages if t >= marks["start"][0] - began]
        half = len(steady) // 2
        return {
            "effects": effects,
            "ages": ages,
            "age_p50": statistics.median(steady) if steady else float("nan"),
            "age_max": max(steady) if steady else float("nan"),
            "age_first_half": max(steady[:half]) if half else float("nan"),
            "age_second_half": max(steady[half:]) if half else float("nan"),
            "check": ", ".join("ok" if count == 0 else f"{count} stale" for count in stale),
            "bytes": dash.timeline.bytes_total,
        }


def run(printers: int, cols: int, rows: int, args: argparse.Namespace) -> dict:
    proc, base = start_sim(printers)
    try:
        with tempfile.TemporaryDirectory(prefix="farmdash-link-") as state_dir:
            extra = dict(item.split("=", 1) for item in args.env)
            dash = Dashboard(base, cols, rows, state_dir, args.read_rate, extra_env=extra)
            slow = SlowRun(dash, base, args.verbose)
            try:
                slow.drive(args.repaints)
            finally:
                dash.stop()
            return slow.analyse()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def seconds(values: list[float]) -> str:
    return ", ".join("lost" if v == float("inf") else f"{v:.1f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="160x48", help="terminal sizes, COLSxROWS,...")
    parser.add_argument("--printers", default="36,5000", help="farm sizes")
    parser.add_argument("--read-rate", type=int, default=8192, help="bytes a second the pty is read at")
    parser.add_argument("--repaints", type=int, default=3, help="full repaints, each with a key during and after")
    parser.add_argument("--verbose", action="store_true", help="print the poll ages over time")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the dashboard (TEXTUAL_FPS=15)")
    args = parser.parse_args()
    print(f"farmdash on a slow link: the pty read at {args.read_rate} B/s, refresh 3 s")
    for printers in (int(n) for n in args.printers.split(",")):
        for cols, rows in (tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")):
            load = Path("/proc/loadavg").read_text().split()[0]
            r = run(printers, cols, rows, args)
            print(
                f"{printers:>5} printers {cols}x{rows} (load {load}): key to effect, s: during a repaint "
                f"[{seconds(r['effects'].get('during', []))}], after [{seconds(r['effects'].get('after', []))}], "
                f"behind two repaints [{seconds(r['effects'].get('behind two', []))}]; poll age when shown p50 "
                f"{r['age_p50']:.1f} s, max {r['age_max']:.1f} s (first half {r['age_first_half']:.1f}, second "
                f"half {r['age_second_half']:.1f}); {r['bytes'] / 1024:.0f} KiB read; screen at the end: {r['check']}",
                flush=True,
            )
            if args.verbose:
                print("    poll ages (s into the run: age):", ", ".join(f"{t:.0f}: {a:.1f}" for t, a in r["ages"]))


if __name__ == "__main__":
    main()
