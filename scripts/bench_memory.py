"""Benchmark: does farmdash's memory stay flat over a long run at farm scale?

Runs the real `farmdash` in a pseudo-terminal (160x48 by default) against `farmdash sim` in its
own process with 5,000 printers and a 3 s refresh, samples the dashboard's RSS (from /proc) every
10 s for 10 minutes, presses a key now and then (a cursor move every 10 s, a view toggle and back
every 40 s, as a user would), and prints the samples and the slope: MB per minute over the
last 8 minutes, by least squares (the first 2 minutes hold start-up and caches filling). A longer
run (`--minutes 30`) also prints the slope and growth of each ten minutes after the first ten.

A fresh state directory starts with an empty event log, which then fills towards the 5,000 events
kept in memory: part of the slope is that store filling. `--state-dir` keeps the directory, so a
second run starts as a technician's restart would, with the log and what was seen loaded back
(the farm's clock starts again, so the first polls find what changed "while away").

    python scripts/bench_memory.py [--printers 5000] [--minutes 10] [--size 160x48] [--state-dir DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path[:0] = [str(Path(__file__).resolve().parent)]
from bench_pty import Dashboard  # noqa: E402
from bench_sim import start_sim  # noqa: E402


def slope(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB per minute."""
    n = len(samples)
    if n < 2:
        return float("nan")
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    num = sum((t - mean_t) * (m - mean_m) for t, m in samples)
    den = sum((t - mean_t) ** 2 for t, _ in samples)
    return 60 * num / den if den else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--printers", type=int, default=5000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--size", default="160x48", help="COLSxROWS")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--no-keys", action="store_true", help="press nothing (polls only)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the dashboard (experiments)")
    parser.add_argument("--state-dir", help="keep farmdash's state (its event log) here, across runs")
    args = parser.parse_args()
    cols, rows = (int(n) for n in args.size.split("x"))
    proc, base = start_sim(args.printers)
    samples: list[tuple[float, float]] = []
    try:
        kept = contextlib.nullcontext(args.state_dir) if args.state_dir else None
        with kept or tempfile.TemporaryDirectory(prefix="farmdash-mem-") as state_dir:
            log = Path(state_dir, "events.jsonl")
            if log.exists():
                events = sum(1 for line in log.open("rb") if line.startswith(b'{"record":"event"'))
                print(f"event log at start: {events} events, {log.stat().st_size / 1e6:.1f} MB", flush=True)
            extra = dict(item.split("=", 1) for item in args.env)
            dash = Dashboard(base, cols, rows, state_dir, None, extra_env=extra)
            try:
                began = time.monotonic()
                keys = 0
                while (elapsed := time.monotonic() - began) < args.minutes * 60:
                    rss = dash.rss_mb()
                    samples.append((elapsed, rss))
                    print(f"{elapsed:6.0f} s  {rss:6.1f} MB", flush=True)
                    with dash.timeline.lock:  # the bytes are not analysed here; keep this process small
                        dash.timeline.events.clear()
                    for _ in range(int(args.every / 10 * 3) or 1):
                        time.sleep(args.every / 3)
                        keys += 1
                        if args.no_keys:
                            continue
                        if keys % 12 == 0:
                            dash.key(b"v")
                            time.sleep(1.0)
                            dash.key(b"v")
                        elif keys % 3 == 0:
                            dash.key(b"l" if keys % 2 else b"h")
                samples.append((time.monotonic() - began, dash.rss_mb()))
            finally:
                dash.stop()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    if args.state_dir:
        log = Path(args.state_dir, "events.jsonl")
        events = sum(1 for line in log.open("rb") if line.startswith(b'{"record":"event"')) if log.exists() else 0
        print(f"event log at the end: {events} events")
    tail = [(t, m) for t, m in samples if t >= 120]
    peak = max(m for _, m in samples)
    print(
        f"{args.printers} printers at {args.size}: RSS {samples[0][1]:.0f} MB at start, {samples[-1][1]:.0f} MB at "
        f"{samples[-1][0] / 60:.1f} min, peak {peak:.0f} MB; slope over the last {(samples[-1][0] - 120) / 60:.0f} "
        f"minutes {slope(tail):+.2f} MB/min"
    )
    for start, end in windows(samples[-1][0] / 60):
        inside = [(t, m) for t, m in samples if start * 60 <= t <= end * 60]
        if len(inside) >= 6:
            grew = median(m for _, m in inside[-3:]) - median(m for _, m in inside[:3])
            print(f"  minutes {start:g}-{end:g}: {slope(inside):+.2f} MB/min, {grew:+.1f} MB")


def windows(minutes: float) -> list[tuple[float, float]]:
    """Minutes 2-10 (start-up and the first caches filling left out), then every whole ten
    minutes after: a long run shows whether what grows early levels off."""
    found = [(2.0, min(10.0, minutes))]
    start = 10.0
    while start + 10 <= minutes + 0.2:
        found.append((start, start + 10))
        start += 10
    return found


if __name__ == "__main__":
    main()
