"""What the sync remembers from the farm-wide report stays bounded: farmdash stays open for days."""

from __future__ import annotations

from datetime import timedelta

from api import PrinterOSClient
from api.sim import DEMO_PASSWORD, DEMO_USERNAME
from tui import sync as sync_module
from tui.sync import FarmSync, remember


def test_the_newest_jobs_read_are_kept_and_the_oldest_dropped(monkeypatch):
    monkeypatch.setattr(sync_module, "REASONS_KEPT", 3)
    kept: dict[int, str] = {}
    for job_id in (1, 2, 3):
        remember(kept, job_id, f"job {job_id}")
    remember(kept, 1, "job 1 again")  # read again: now the newest
    remember(kept, 4, "job 4")
    assert kept == {3: "job 3", 1: "job 1 again", 4: "job 4"}


async def test_reading_the_report_again_and_again_keeps_at_most_the_cap(sim_server, demo_farm, monkeypatch):
    demo_farm.step(6 * 3600)  # a working day: jobs end, some with a reason
    async with PrinterOSClient(sim_server.base_url) as client:
        await client.login(DEMO_USERNAME, DEMO_PASSWORD)
        sync = FarmSync(client, clock=demo_farm.clock.now)
        await sync._read_reasons(demo_farm.now().date() - timedelta(days=1), demo_farm.now().date() + timedelta(days=1))
        everything = len(sync.job_times)
        assert everything > 6
        newest = list(sync.job_times)[-5:]

        monkeypatch.setattr(sync_module, "REASONS_KEPT", 5)
        sync._reasons.clear()
        sync.job_times.clear()
        for _ in range(3):
            await sync._read_reasons(
                demo_farm.now().date() - timedelta(days=1), demo_farm.now().date() + timedelta(days=1)
            )
        assert len(sync.job_times) == len(sync._reasons) == 5
        assert list(sync.job_times) == newest  # the report's last rows, not the first ones read


async def test_the_job_a_screen_asked_about_is_kept_however_long_the_report(sim_server, demo_farm, monkeypatch):
    """A job's screen reads the report from the job's day: a long range may bring more rows than
    are kept, and the asked job, read once, would show no reason."""
    demo_farm.step(6 * 3600)
    async with PrinterOSClient(sim_server.base_url) as client:
        await client.login(DEMO_USERNAME, DEMO_PASSWORD)
        sync = FarmSync(client, clock=demo_farm.clock.now)
        days = (demo_farm.now().date() - timedelta(days=1), demo_farm.now().date() + timedelta(days=1))
        await sync._read_reasons(*days)
        first = next(iter(sync.job_times))  # the report's first row: the first dropped
        sync._reasons.clear()
        sync.job_times.clear()
        monkeypatch.setattr(sync_module, "REASONS_KEPT", 3)
        await sync._read_reasons(*days, asked=first)
        assert first in sync.job_times and first in sync._reasons and len(sync.job_times) == 3
