"""Each injected fault reaches the client as the error a real bad day would give it."""

from __future__ import annotations

import time

import httpx
import pytest

from api import AuthError, PrinterOSClient, TransportError
from api.sim import DEMO_PASSWORD, DEMO_USERNAME


async def test_error_500(sim_server, admin):
    sim_server.faults.update({"error_500_rate": 1.0})
    with pytest.raises(Exception) as info:
        await admin.get_projects()
    assert info.value.status == 500 and "Internal server error" in str(info.value)


@pytest.mark.parametrize(
    ("fault", "match"),
    [
        ("html_error", "HTML page .HTTP 502"),
        ("malformed_json", "not JSON"),
        ("drop", "the cloud dropped the connection"),
    ],
)
async def test_transport_faults(sim_server, admin, fault, match):
    sim_server.faults.update({f"{fault}_rate": 1.0})
    with pytest.raises(TransportError, match=match):
        await admin.get_organization_printers_list()
    sim_server.faults.clear()
    assert len(await admin.get_organization_printers_list()) == 3


async def test_timeout(sim_server, lab):
    sim_server.faults.update({"timeout_rate": 1.0, "timeout_seconds": 1.0})
    async with PrinterOSClient(sim_server.base_url, timeout=0.2) as client:
        with pytest.raises(TransportError, match="did not answer in time"):
            await client.login(DEMO_USERNAME, DEMO_PASSWORD)


async def test_latency(sim_server, admin):
    sim_server.faults.update({"latency_ms": 150})
    start = time.perf_counter()
    await admin.check_session()
    assert time.perf_counter() - start >= 0.15


async def test_outage_for_n_seconds(sim_server, admin):
    sim_server.faults.update({"outage_seconds": 0.3})
    with pytest.raises(TransportError):
        await admin.get_projects()
    deadline = time.monotonic() + 0.35
    while time.monotonic() < deadline:
        time.sleep(0.02)
    assert await admin.get_projects()


async def test_control_route_and_forced_expiry(sim_server, admin):
    async with httpx.AsyncClient(base_url=sim_server.base_url) as raw:
        state = (await raw.post("/sim/faults", json={"error_500_rate": 0.25, "latency_ms": 5})).json()
        assert state["error_500_rate"] == 0.25 and state["latency_ms"] == 5
        bad = await raw.post("/sim/faults", json={"no_such_fault": 1})
        assert bad.status_code == 400
        cleared = (await raw.post("/sim/faults", json={"clear": True, "expire_sessions": True})).json()
        assert cleared["error_500_rate"] == 0
        clock = (await raw.post("/sim/clock", json={"advance": 60})).json()
        assert clock["now"] == "2026-03-02 09:31:00" and clock["frozen"] is True
    with pytest.raises(AuthError):
        await admin.get_projects()


async def test_faults_are_seeded(sim_server, admin):
    def draws():
        sim_server.faults.update({"error_500_rate": 0.5, "seed": 11})
        return [sim_server.faults.pick() for _ in range(40)]

    first, second = draws(), draws()
    assert first == second and "error_500" in first and None in first
