"""What Pilot tests and benchmark scripts share: settle the app, pick printers, read the screen."""

from __future__ import annotations

import asyncio

from api import PrinterOSClient
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tui.app import Credentials, make_app
from tui.widgets.status_header import StatusHeader

__all__ = ["SIZE", "act", "actions", "build_app", "first", "header_text", "select", "settle"]

SIZE = (100, 30)


def build_app(sim_server, farm, *, credentials=True, session=None, **kwargs):
    """The app on the simulated cloud, with the farm's frozen clock and no polling of its own."""
    client = PrinterOSClient(sim_server.base_url, session=session)
    kwargs.setdefault("refresh_seconds", 3600)
    return make_app(
        client,
        credentials=Credentials(DEMO_USERNAME, DEMO_PASSWORD) if credentials else None,
        organization="Demo Makerspace",
        clock=farm.clock.now,
        **kwargs,
    )


# Reads and logins: what a key press sends besides the action it names.
READS = {
    "get_organization_printers_list",
    "get_printer_jobs",
    "get_job_info",
    "get_workgroups_simple_list",
    "login",
    "check_session",
    "get_slicer_settings_for_gcode",
    "get_custom_report",
}


async def settle(pilot, *, allow_errors: bool = False) -> None:
    """Let every worker finish and the screen catch up (never a sleep); fail on any worker error."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    if not allow_errors:
        assert pilot.app.worker_errors == [], pilot.app.worker_errors


def first(farm, state):
    """The first printer (by name) of the simulated farm in a state."""
    return next(p for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == state)


async def select(pilot, printer):
    pilot.app.screen.active_list.select_printer(printer.id)
    await pilot.pause()


def actions(calls):
    return [c for c in calls if c not in READS]


async def act(pilot, sim_server, *keys) -> list[str]:
    """Press keys and return the action calls they sent to the cloud (reads and logins left out)."""
    sim_server.calls.clear()
    await pilot.press(*keys)
    await settle(pilot)
    return actions(sim_server.calls)


def header_text(app) -> str:
    return str(app.screen.query_one(StatusHeader).render())


def hold_call(client: PrinterOSClient, name: str) -> asyncio.Event:
    """Make the client's `name` call wait until the returned event is set (a slow cloud, on cue)."""
    real = getattr(client, name)
    answer = asyncio.Event()

    async def held(*args, **kwargs):
        await answer.wait()
        return await real(*args, **kwargs)

    setattr(client, name, held)
    return answer


async def open_queue(pilot, printer) -> None:
    """Select the printer on the grid and open its job queue."""
    from tui.screens.job_queue import JobQueueScreen

    await select(pilot, printer)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, JobQueueScreen)
