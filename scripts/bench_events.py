"""Benchmark: what the event detector and the event log cost a poll, at farm scale.

Polls a generated farm (the simulated cloud's own farm rules, in process, no HTTP) once every
3 virtual seconds and feeds each poll's printers to `FarmEvents` with a real `events.jsonl` in a
temporary directory. Prints, per farm size: detector + log time per poll (p50 / p95), events
per hour, the log's bytes per hour, and how long a start takes to read a full 5 MB log back.

    python scripts/bench_events.py [--sizes 1000,5000] [--polls 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import Printer
from api.sim import FarmSettings, SimClock, generate_farm
from api.sim.printers import printer_json
from tui.alerts import AlertSettings
from tui.event_hub import FarmEvents
from tui.eventlog import LOG_NAME, EventLog


def bench(size: int, polls: int) -> None:
    farm = generate_farm(size, seed=7, clock=SimClock.frozen_at(), settings=FarmSettings(seed=7))
    with tempfile.TemporaryDirectory() as tmp:
        hub = FarmEvents(EventLog.in_directory(Path(tmp)).load(), AlertSettings())
        costs = []
        events = 0
        for _ in range(polls):
            farm.step(3)
            printers = [Printer.model_validate(printer_json(farm, p)) for p in farm.printers.values()]
            started = time.perf_counter()
            events += len(hub.on_poll(printers, farm.now()))
            costs.append(time.perf_counter() - started)
        hours = polls * 3 / 3600
        size_bytes = (Path(tmp) / LOG_NAME).stat().st_size
        costs.sort()
        p95 = costs[int(len(costs) * 0.95) - 1]
        print(
            f"{size:>6} printers: {statistics.median(costs) * 1000:6.1f} ms p50, {p95 * 1000:6.1f} ms p95 per poll; "
            f"{events / hours:7.0f} events/h; log {size_bytes / hours / 1024:7.0f} KiB/h"
        )


def bench_read_back() -> None:
    """A start that reads a full 5 MB log (and its rotated predecessor) back."""
    from datetime import UTC, datetime, timedelta

    from tui.events import Event, EventKind

    with tempfile.TemporaryDirectory() as tmp:
        log = EventLog.in_directory(Path(tmp))
        t0 = datetime(2026, 3, 2, tzinfo=UTC)
        batch = [
            Event(time=t0 + timedelta(seconds=n), printer_id=n % 500, printer_name=f"P-{n % 500}",
                  kind=EventKind.FINISHED, job_id=n, filename=f"part_{n}.gcode")
            for n in range(60_000)
        ]  # fmt: skip
        log.record(batch)
        started = time.perf_counter()
        again = EventLog.in_directory(Path(tmp)).load()
        took = time.perf_counter() - started
        files = sorted(p.name for p in Path(tmp).iterdir())
        print(f"read back at start: {took:.2f} s for {len(again.events)} events kept ({', '.join(files)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--polls", type=int, default=200)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        bench(size, args.polls)
    bench_read_back()


if __name__ == "__main__":
    main()
