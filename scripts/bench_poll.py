"""Benchmark: the whole poll path in one process, as the dashboard runs it, and how long it holds
the event loop.

Starts `farmdash sim` in its own process and runs the real app headless (`App.run_test`, 160x48)
on it over loopback HTTP, with the GC run as `farmdash` runs it (`tui.collector`: once a poll, after its frame). Each poll moves the
farm's clock 3 s, then the app reads the farm: the HTTP read and parse, the record reader, the
store, the event detector, the grid's views and the screen's repaint. Figures are CPU time of the
loop's thread (a busy machine does not inflate them):

  * poll CPU ms p50 / p95: from the request to the repainted screen (polls without the ticker);
  * hold p50 / max: the longest stretch the loop was held during one poll, seen by a ticker task
    (on the other polls: the ticker spins while the loop is idle, so it would add to the CPU);
  * the longest single call of each step (parse, detector, views), and each step's CPU p50.

    python scripts/bench_poll.py [--sizes 1000,5000] [--polls 20] [--size 160x48] [--sort name]

With BENCH_GARBAGE=1 it also prints what the collector walks and finds after the polls; with
BENCH_TRACE=K (K > 1), the lines whose memory grew most from poll K to the last (tracemalloc: slow).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_sim import start_sim

from api import PrinterOSClient
from api.records import RecordReader
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from api.wire import CloudConnection
from tui.app import Credentials, make_app
from tui.event_hub import FarmEvents
from tui.screens.printer_grid import PrinterGridScreen
from tui.store import FarmStore
from tui.widgets.printer_list import PrinterList

STEPS: dict[str, list[float]] = defaultdict(list)  # step -> CPU seconds per call, this poll


def timed(owner: type, name: str, step: str) -> None:
    """Wrap `owner.name` so each call adds its CPU time to STEPS[step]."""
    original = getattr(owner, name, None)
    if original is None:  # an older farmdash without that step (for before/after figures)
        return
    if asyncio.iscoroutinefunction(original):

        @functools.wraps(original)
        async def async_wrapper(*args, **kwargs):
            start = time.thread_time()
            try:
                return await original(*args, **kwargs)
            finally:
                STEPS[step].append(time.thread_time() - start)

        setattr(owner, name, async_wrapper)
    else:

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            start = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                STEPS[step].append(time.thread_time() - start)

        setattr(owner, name, wrapper)


timed(CloudConnection, "_body", "parse")
timed(FarmStore, "take_poll", "store")  # in slices: the CPU of the whole take, not one hold
timed(RecordReader, "read", "records")
timed(FarmEvents, "on_poll", "events")
timed(FarmEvents, "take_poll", "events")  # in slices: the CPU of the whole take
timed(PrinterList, "set_items", "set_items")
timed(PrinterGridScreen, "refresh_views", "views")
timed(PrinterList, "draw_ahead", "draw")  # in slices: the CPU of the whole drawing


async def one_poll(app, pilot, sim: httpx.AsyncClient) -> None:
    await sim.post("/sim/clock", json={"advance": 3})
    app.poll_printers()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def what_a_poll_leaves(app, pilot, sim: httpx.AsyncClient) -> None:
    """BENCH_GARBAGE: what the collector finds right after a poll (the young objects, each generation's
    collection in turn), and the cycles one poll leaves (the biggest containers in them)."""
    from collections import Counter, deque

    app.collector.running = False
    gc.collect(2)
    for _ in range(2):
        await one_poll(app, pilot, sim)
        counts = [len(gc.get_objects(generation)) for generation in range(3)]
        print("  young after a poll:", Counter(type(o).__qualname__ for o in gc.get_objects(0)).most_common(12))
        times = []
        for generation in range(3):
            began = time.perf_counter()
            gc.collect(generation)
            times.append(time.perf_counter() - began)
        shown = " ".join(f"{spent * 1000:.1f}" for spent in times)
        print(f"  objects by generation {counts}, collections 0/1/2 in turn {shown} ms")
    await one_poll(app, pilot, sim)
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect(2)
    gc.set_debug(0)
    found = list(gc.garbage)
    gc.garbage.clear()
    print(" ", len(found), "in cycles after one poll:", Counter(type(o).__qualname__ for o in found).most_common(20))
    containers = (list, dict, tuple, set, deque)
    biggest = sorted(((len(o), type(o).__qualname__) for o in found if isinstance(o, containers)), reverse=True)
    print("  biggest containers in them:", biggest[:8])


async def run(
    base: str, polls: int, width: int, height: int, sort: str, profile: str = "", thresholds: str = ""
) -> dict[str, object]:
    client = PrinterOSClient(base)
    clock_offset = timedelta()
    app = make_app(
        client,
        credentials=Credentials(DEMO_USERNAME, DEMO_PASSWORD),
        organization="bench",
        refresh_seconds=3600,  # the bench starts each poll itself
        clock=lambda: datetime.now(UTC) + clock_offset,
    )
    longest = 0.0
    ticking = asyncio.Event()  # clear: the ticker waits, costing nothing

    async def ticker() -> None:
        nonlocal longest
        while True:
            await ticking.wait()
            before = time.thread_time()
            await asyncio.sleep(0)
            longest = max(longest, time.thread_time() - before)

    pauses: dict[int, list[float]] = defaultdict(list)  # generation -> seconds of each collection
    started: list[float] = []

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            started[:] = [time.thread_time()]
        elif started:
            pauses[info["generation"]].append(time.thread_time() - started[0])

    cpu, holds = [], []
    per_step: dict[str, list[float]] = defaultdict(list)  # step -> CPU per poll
    step_max: dict[str, float] = defaultdict(float)  # step -> longest single call
    async with httpx.AsyncClient(base_url=base) as sim, app.run_test(size=(width, height)) as pilot:
        for _ in range(50):
            await pilot.pause()
            await app.workers.wait_for_complete()
            if app.store.last_update is not None:
                break
        if sort != "name":
            app.screen.sort_key = sort
        await pilot.pause()
        app.collector.start()
        if thresholds:
            gc.set_threshold(*(int(n) for n in thresholds.split(",")))
        gc.callbacks.append(on_gc)
        tick = asyncio.create_task(ticker())
        profiler = cProfile.Profile() if profile else None
        trace_from = int(os.environ.get("BENCH_TRACE", "0"))
        if trace_from and not 1 < trace_from <= polls:
            raise SystemExit(f"BENCH_TRACE=K needs 1 < K <= --polls ({polls}), not {trace_from}")
        traced = None
        for index in range(polls + 1):
            if trace_from and index == 1:
                tracemalloc.start()  # well before the snapshot at poll K: what lives then was traced when made
            if trace_from and index == trace_from:
                gc.callbacks.remove(on_gc)  # the bench's own collections are not counted
                gc.collect()
                traced = tracemalloc.take_snapshot()
                gc.callbacks.append(on_gc)
            await sim.post("/sim/clock", json={"advance": 3})
            clock_offset += timedelta(seconds=3)
            await pilot.pause()
            STEPS.clear()
            with_ticker = index % 2 == 1
            longest = 0.0
            if with_ticker and not profiler:
                ticking.set()
            await asyncio.sleep(0)
            if profiler and index:
                profiler.enable()
            start = time.thread_time()
            app.poll_printers()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()  # the repaint the poll asked for
            spent = time.thread_time() - start
            if profiler:
                profiler.disable()
            ticking.clear()
            if index == 0:
                continue  # the first poll after start-up builds every view
            if with_ticker:
                holds.append(longest)
            else:
                cpu.append(spent)
                for step, calls in STEPS.items():
                    per_step[step].append(sum(calls))
            for step, calls in STEPS.items():
                step_max[step] = max(step_max[step], *calls)
        tick.cancel()
        gc.callbacks.remove(on_gc)
        if traced is not None:
            gc.collect()
            grown = tracemalloc.take_snapshot().compare_to(traced, "lineno")
            tracemalloc.stop()
            print(f"  memory grown from poll {trace_from} to poll {polls}, by line (every figure below is")
            print("  slowed by tracemalloc from poll 1 on):")
            for stat in grown[:15]:
                print(f"    {stat.size_diff / 1024:+9.0f} KB {stat.count_diff:+7d} blocks  {stat.traceback}")
        if os.environ.get("BENCH_GARBAGE"):
            await what_a_poll_leaves(app, pilot, sim)
        if profiler:
            profiler.dump_stats(profile)
    # Cyclic garbage that outlived its young collection and waits for an older one.
    if os.environ.get("BENCH_GARBAGE"):
        from collections import Counter

        walks = []
        for _ in range(3):
            began = time.perf_counter()
            gc.collect(2)
            walks.append(time.perf_counter() - began)
        print("  whole collections with nothing left to free:", " ".join(f"{w * 1000:.1f}" for w in walks), "ms")
        live = gc.get_objects()
        print(len(live), "tracked, not frozen:", Counter(type(o).__qualname__ for o in live).most_common(15))
        del live
        gc.set_debug(gc.DEBUG_SAVEALL)
    waiting = gc.collect(1)
    if os.environ.get("BENCH_GARBAGE"):
        from collections import Counter

        print(Counter(type(o).__qualname__ for o in gc.garbage).most_common(25))
        gc.set_debug(0)
        gc.garbage.clear()
    gc.unfreeze()
    return {"cpu": cpu, "holds": holds, "per_step": per_step, "step_max": step_max, "gc": pauses, "waiting": waiting}


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, round(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--size", default="160x48", help="terminal WIDTHxHEIGHT")
    parser.add_argument("--sort", default="name", help="the grid's sort while polling")
    parser.add_argument("--profile", default="", help="write cProfile stats of the polls to this file")
    parser.add_argument("--gc-threshold", default="", help="gc.set_threshold(a,b,c) after farmdash's own tuning")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    print(f"whole poll path, headless app at {args.size}, sort {args.sort}: CPU ms of the loop's thread")
    print(
        f"{'printers':>8} {'poll p50':>8} {'poll p95':>8} {'hold p50':>8} {'hold max':>8}  step p50 / longest call (ms)"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        proc, base = start_sim(size)
        try:
            result = asyncio.run(run(base, args.polls, width, height, args.sort, args.profile, args.gc_threshold))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        cpu, holds = result["cpu"], result["holds"]
        steps = "  ".join(
            f"{step} {statistics.median(values) * 1000:.1f}/{result['step_max'][step] * 1000:.1f}"
            for step, values in sorted(result["per_step"].items())
        )
        collections = "  ".join(
            f"gen{generation} {len(times)}x p50 {statistics.median(times) * 1000:.1f}"
            f" p95 {p95(times) * 1000:.1f} max {max(times) * 1000:.1f}"
            for generation, times in sorted(result["gc"].items())
        )
        print(
            f"{size:>8} {statistics.median(cpu) * 1000:>8.1f} {p95(cpu) * 1000:>8.1f}"
            f" {statistics.median(holds) * 1000:>8.1f} {max(holds) * 1000:>8.1f}  {steps}  GC: {collections or 'none'}, {result['waiting']} waiting"
        )


if __name__ == "__main__":
    main()
