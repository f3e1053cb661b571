"""Benchmark: what one farm poll costs the client, and how long it holds the event loop (CPU time of
the loop thread, so a busy machine does not inflate the figures).

Records real `get_organization_printers_list` bodies from `farmdash sim` in its own process
(36, 1,000 and 5,000 printers; the farm's clock moved 3 s between polls, as a 3 s refresh
sees it), then replays them to `PrinterOSClient` in-process (no sockets, so only the client's
own work is timed) while a ticker task measures the longest stretch the loop was held.
Prints, per size: body size, the first poll (every printer new), the steady poll p50 / max,
and the longest loop hold. Bounded: a fixed number of polls.

    python scripts/bench_parse.py [--sizes 36,1000,5000] [--polls 30] [--gc-freeze] [--gc-threshold 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sim import start_sim

from api import PrinterOSClient


def record_bodies(base: str, polls: int) -> list[bytes]:
    """`polls` bodies of the whole farm, the simulated clock 3 s apart."""
    with httpx.Client(base_url=base, timeout=60) as http:
        login = http.post("/apiglobal/login", data={"username": "admin@example.com", "password": "demo"})
        session = login.json()["message"]["session"]
        bodies = []
        for _ in range(polls):
            http.post("/sim/clock", json={"advance": 3})
            bodies.append(http.post("/apiglobal/get_organization_printers_list", data={"session": session}).content)
    return bodies


async def replay(bodies: list[bytes], *, freeze: bool = False) -> dict[str, float]:
    queue = list(bodies)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=queue.pop(0), headers={"content-type": "application/json"})

    longest = 0.0
    running = True

    async def ticker() -> None:
        # CPU time of this thread, not wall time: other processes on the machine do not inflate it
        nonlocal longest
        while running:
            before = time.thread_time()
            await asyncio.sleep(0)
            longest = max(longest, time.thread_time() - before)

    times, holds, pauses = [], [], []
    collecting: list[float] = []

    def on_gc(phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            collecting[:] = [time.thread_time()]
        elif collecting:
            pauses.append(time.thread_time() - collecting[0])

    gc.callbacks.append(on_gc)
    async with PrinterOSClient(
        "http://bench.invalid", session="bench", transport=httpx.MockTransport(answer)
    ) as client:
        tick = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        for _ in bodies:
            await asyncio.sleep(0.002)  # polls are apart in time; the ticker gets the loop between them
            longest = 0.0
            start = time.thread_time()
            printers = await client.get_organization_printers_list()
            times.append(time.thread_time() - start)
            await asyncio.sleep(0)  # let the ticker see the end of the poll
            holds.append(longest)
            if freeze and len(times) == 1:
                gc.freeze()  # what an app can do once it has started: long-lived objects are never scanned again
            assert len(printers) > 0
        running = False
        await tick
    gc.callbacks.remove(on_gc)
    gc.unfreeze()
    steady, steady_holds = times[1:] or times, holds[1:] or holds
    return {
        "first_ms": times[0] * 1000,
        "first_hold_ms": holds[0] * 1000,
        "p50_ms": statistics.median(steady) * 1000,
        "max_ms": max(steady) * 1000,
        "hold_p50_ms": statistics.median(steady_holds) * 1000,
        "hold_max_ms": max(steady_holds) * 1000,
        "gc_max_ms": max(pauses, default=0.0) * 1000,
        "gc_count": len(pauses),
    }


def changed_per_poll(bodies: list[bytes]) -> float:
    """Mean number of printer records that differ from the previous poll's."""
    counts = []
    for before, after in itertools.pairwise(bodies):
        old = {json.dumps(p, sort_keys=True) for p in json.loads(before)["message"]}
        counts.append(sum(1 for p in json.loads(after)["message"] if json.dumps(p, sort_keys=True) not in old))
    return statistics.mean(counts) if counts else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="36,1000,5000")
    parser.add_argument("--polls", type=int, default=30)
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() after the first poll")
    parser.add_argument(
        "--gc-threshold", type=int, default=0, help="gc.set_threshold(N, 20, 100): fewer, later collections"
    )
    args = parser.parse_args()
    if args.gc_threshold:
        gc.set_threshold(args.gc_threshold, 20, 100)
    print("get_organization_printers_list read by the client (bodies recorded from farmdash sim, replayed)")
    print("CPU ms of the loop's thread; 'hold' is the longest stretch the loop was held during one poll;")
    print("'full GCs': how many generation-2 collections ran during the polls, and the longest (ms)")
    print(
        f"{'printers':>10} {'body KB':>7} {'changed':>8} {'first':>7} {'1st hold':>8}"
        f" {'poll p50':>9} {'poll max':>9} {'hold p50':>9} {'hold max':>9} {'full GCs':>9}"
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        proc, base = start_sim(size)
        try:
            bodies = record_bodies(base, args.polls)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        rows = [(str(size), bodies)]
        if size == sizes[-1]:
            rows.append((f"{size} same", [bodies[0]] * len(bodies)))  # a farm where nothing changed
        for label, replayed in rows:
            result = asyncio.run(replay(replayed, freeze=args.gc_freeze))
            print(
                f"{label:>10} {len(replayed[-1]) / 1024:>7.0f} {changed_per_poll(replayed):>8.0f}"
                f" {result['first_ms']:>7.1f} {result['first_hold_ms']:>8.1f} {result['p50_ms']:>9.1f}"
                f" {result['max_ms']:>9.1f} {result['hold_p50_ms']:>9.1f} {result['hold_max_ms']:>9.1f}"
                f" {result['gc_count']:>3} {result['gc_max_ms']:>5.1f}"
            )


if __name__ == "__main__":
    main()
