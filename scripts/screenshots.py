"""Make the SVG screenshots in `screenshots/`: the real app against a seeded, frozen simulated farm.

python scripts/screenshots.py            # writes screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TZ"] = "UTC"
time.tzset()

from api import PrinterOSClient  # noqa: E402
from api.sim import DEMO_PASSWORD, DEMO_USERNAME, FarmSettings, SimClock, SimServer, generate_farm  # noqa: E402
from tui.app import Credentials, make_app  # noqa: E402

OUT = ROOT / "screenshots"


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def first_id(farm, state: str) -> int:
    return next(p.id for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == state)


async def shoot(server: SimServer, name: str, size: tuple[int, int], steps) -> None:
    farm = generate_farm(36, seed=7, clock=SimClock.frozen_at(), settings=FarmSettings(seed=7))
    server.farm = farm
    server.faults.clear()
    app = make_app(
        PrinterOSClient(server.base_url),
        refresh_seconds=3,
        organization="Demo Makerspace",
        credentials=Credentials(DEMO_USERNAME, DEMO_PASSWORD),
        clock=farm.clock.now,
    )
    app.animation_level = "none"
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await steps(pilot, farm, server)
        app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"screenshots/{name}.svg")


async def nothing(pilot, farm, server) -> None:
    return None


async def a_while(pilot, farm, server) -> None:
    """47 minutes of watching: time in state on every card, queues read, owners known."""
    farm.step(47 * 60)
    pilot.app.poll_printers()
    await settle(pilot)


async def table(pilot, farm, server) -> None:
    await a_while(pilot, farm, server)
    await pilot.press("v", "s")
    await settle(pilot)


async def queue(pilot, farm, server) -> None:
    pilot.app.screen.active_list.select_printer(first_id(farm, "printing"))
    await pilot.press("enter")
    await settle(pilot)


async def detail(pilot, farm, server) -> None:
    await queue(pilot, farm, server)
    await pilot.press("enter")
    await settle(pilot)


async def confirm(pilot, farm, server) -> None:
    pilot.app.screen.active_list.select_printer(first_id(farm, "bed_not_clear"))
    await pilot.press("t")
    await pilot.pause()


async def stale(pilot, farm, server) -> None:
    pilot.app.timer_clock = lambda: 0.0  # "retry in N s" as it is the moment the poll fails
    farm.clock.advance(6)  # two poll intervals without a good read: stale
    server.faults.update({"drop_rate": 1.0})
    pilot.app.poll_printers()
    await settle(pilot)
    server.faults.clear()


async def reports(pilot, farm, server) -> None:
    await pilot.press("R")
    await settle(pilot)
    for box in pilot.app.screen.query("Input"):
        box.cursor_blink = False
    pilot.app.screen.query_one("#report-kind").value = "custom"
    await settle(pilot)


async def event_log(pilot, farm, server) -> None:
    """Half an hour of the farm's own life, read every 30 s, then the log."""
    for _ in range(60):
        farm.step(30)
        pilot.app.poll_printers()
        await settle(pilot)
    await pilot.press("L")
    await settle(pilot)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with SimServer(generate_farm(1, clock=SimClock.frozen_at())) as server:
        await shoot(server, "printer-grid", (120, 36), a_while)
        await shoot(server, "printer-grid-80x24", (80, 24), a_while)
        await shoot(server, "table-view", (160, 36), table)
        await shoot(server, "job-queue", (100, 30), queue)
        await shoot(server, "job-detail", (100, 36), detail)
        await shoot(server, "confirm-tray-clear", (100, 30), confirm)
        await shoot(server, "stale-connection", (100, 30), stale)
        await shoot(server, "reports", (120, 36), reports)
        await shoot(server, "event-log", (120, 36), event_log)


if __name__ == "__main__":
    asyncio.run(main())
