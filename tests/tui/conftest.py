"""The dashboard against the simulated cloud over loopback HTTP, with a frozen, seeded farm."""

from __future__ import annotations

import pytest

from api import PrinterOSClient
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tui.app import Credentials, make_app


def build_app(sim_server, farm, *, credentials=True, session=None, **kwargs):
    client = PrinterOSClient(sim_server.base_url, session=session)
    kwargs.setdefault("refresh_seconds", 3600)
    return make_app(
        client,
        credentials=Credentials(DEMO_USERNAME, DEMO_PASSWORD) if credentials else None,
        organization="Demo Makerspace",
        clock=farm.clock.now,
        **kwargs,
    )


async def settle(pilot) -> None:
    """Let every worker finish and the screen catch up (never a sleep)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert pilot.app.worker_errors == [], pilot.app.worker_errors


@pytest.fixture
def app(sim_server, demo_farm):
    sim_server.calls.clear()
    return build_app(sim_server, demo_farm)
