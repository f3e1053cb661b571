"""Benchmark: what one farm poll costs the client, and how long it holds the event loop.

Records real `get_organization_printers_list` bodies from `farmdash sim` in its own process
(36, 1,000 and 5,000 printers; the farm's clock moved 3 s between polls, as a 3 s refresh
sees it), then replays them to `PrinterOSClient` in-process (no sockets, so only the client's
own work is timed) while a ticker task measures the longest stretch the loop was held.
Prints, per size: body size, the first poll (every printer new), the steady poll p50 / max,
and the longest loop hold. Bounded: a fixed number of polls.

    python scripts/bench_parse.py [--sizes 36,1000,5000] [--polls 20]
"""

from __future__ import annotations

import argparse
import asyncio
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


async def replay(bodies: list[bytes]) -> dict[str, float]:
    queue = list(bodies)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=queue.pop(0), headers={"content-type": "application/json"})

    longest = 0.0
    running = True

    async def ticker() -> None:
        nonlocal longest
        while running:
            before = time.perf_counter()
            await asyncio.sleep(0)
            longest = max(longest, time.perf_counter() - before)

    times = []
    async with PrinterOSClient(
        "http://bench.invalid", session="bench", transport=httpx.MockTransport(answer)
    ) as client:
        tick = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        for _ in bodies:
            await asyncio.sleep(0.002)  # polls are apart in time; the ticker gets the loop between them
            start = time.perf_counter()
            printers = await client.get_organization_printers_list()
            times.append(time.perf_counter() - start)
            assert len(printers) > 0
        running = False
        await tick
    steady = times[1:] or times
    return {
        "first_ms": times[0] * 1000,
        "p50_ms": statistics.median(steady) * 1000,
        "max_ms": max(steady) * 1000,
        "hold_ms": longest * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="36,1000,5000")
    parser.add_argument("--polls", type=int, default=20)
    args = parser.parse_args()
    print("get_organization_printers_list parsed by the client (bodies recorded from farmdash sim, replayed)")
    print(f"{'printers':>8} {'body KB':>8} {'first ms':>9} {'poll p50':>9} {'poll max':>9} {'loop hold':>10}")
    for size in (int(s) for s in args.sizes.split(",")):
        proc, base = start_sim(size)
        try:
            bodies = record_bodies(base, args.polls)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        result = asyncio.run(replay(bodies))
        print(
            f"{size:>8} {len(bodies[-1]) / 1024:>8.0f} {result['first_ms']:>9.1f} {result['p50_ms']:>9.1f}"
            f" {result['max_ms']:>9.1f} {result['hold_ms']:>10.1f}"
        )


if __name__ == "__main__":
    main()
