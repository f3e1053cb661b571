"""Benchmark: is the dashboard responsive with a big farm?

Runs the real app headless (200x50) against `farmdash sim` in its own process (1,000 and 5,000
printers by default) and prints:
  * time from start to the first full grid
  * time to take one poll (request + parse + store + repaint bookkeeping)
  * cursor move latency (key press to screen updated), p50 / p95
  * lines repainted when a poll changes a few printers (the Line API's point)
  * time to open a printer's job queue and go back
Bounded: a fixed number of key presses and polls; everything stops by itself.

    python scripts/bench_tui.py [--sizes 24,1000,5000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sim import start_sim

from api import PrinterOSClient
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tui.app import Credentials, make_app
from tui.screens.job_queue import JobQueueScreen
from tui.widgets.printer_grid import PrinterGrid


async def settle(pilot) -> None:
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def measure(base: str, presses: int) -> dict[str, float]:
    client = PrinterOSClient(base)
    app = make_app(
        client, refresh_seconds=3600, credentials=Credentials(DEMO_USERNAME, DEMO_PASSWORD), organization="bench"
    )
    started = time.perf_counter()
    async with app.run_test(size=(200, 50)) as pilot:
        grid = app.screen.query_one(PrinterGrid)
        while not grid.items:
            await pilot.pause(0.01)
        first_grid = time.perf_counter() - started
        await settle(pilot)
        jobs_on_screen = time.perf_counter() - started
        assert len(grid.items) == len(app.store.printers)

        polls = []
        for _ in range(5):
            start = time.perf_counter()
            app.poll_printers()
            await settle(pilot)
            polls.append(time.perf_counter() - start)

        painted = 0
        original = grid.render_line

        def counting(y: int):
            nonlocal painted
            painted += 1
            return original(y)

        grid.render_line = counting  # type: ignore[method-assign]
        await asyncio.sleep(1.2)  # the farm moves on (temperatures, progress) at real speed
        app.poll_printers()
        await settle(pilot)
        repaint_lines = painted
        grid.render_line = original  # type: ignore[method-assign]

        moves = []
        for index in range(presses):
            start = time.perf_counter()
            await pilot.press("down" if index % 4 else "right")
            await pilot.pause()
            moves.append(time.perf_counter() - start)

        start = time.perf_counter()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobQueueScreen)
        open_queue = time.perf_counter() - start
        start = time.perf_counter()
        await pilot.press("escape")
        await pilot.pause()
        back = time.perf_counter() - start
    moves.sort()
    return {
        "first_grid_s": first_grid,
        "jobs_on_screen_s": jobs_on_screen,
        "poll_ms": statistics.median(polls) * 1000,
        "move_p50_ms": statistics.median(moves) * 1000,
        "move_p95_ms": moves[int(len(moves) * 0.95) - 1] * 1000,
        "repaint_lines": repaint_lines,
        "open_queue_ms": open_queue * 1000,
        "back_ms": back * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="24,1000,5000")
    parser.add_argument("--presses", type=int, default=60)
    args = parser.parse_args()
    print("farmdash headless at 200x50 against the simulated cloud (own process, loopback HTTP)")
    print(
        f"{'printers':>8} {'first grid s':>12} {'+jobs s':>8} {'poll ms':>8} {'move p50':>9} {'move p95':>9} {'lines/poll':>10} {'open queue ms':>13} {'back ms':>8}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        proc, base = start_sim(size)
        try:
            r = asyncio.run(measure(base, args.presses))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        print(
            f"{size:>8} {r['first_grid_s']:>12.2f} {r['jobs_on_screen_s']:>8.2f} {r['poll_ms']:>8.0f} {r['move_p50_ms']:>9.1f} {r['move_p95_ms']:>9.1f} "
            f"{r['repaint_lines']:>10} {r['open_queue_ms']:>13.0f} {r['back_ms']:>8.1f}"
        )


if __name__ == "__main__":
    main()
