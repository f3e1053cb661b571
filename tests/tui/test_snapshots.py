"""Snapshots pin what each screen looks like: seeded farm, frozen clock, fixed terminal size.

Regenerate deliberately with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at
the report before committing.
"""

from __future__ import annotations

import pytest

from .conftest import build_app, settle


def first_id(farm, state):
    return next(p.id for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == state)


@pytest.fixture
def snap_app(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm)
    app.animation_level = "none"
    return app


def test_grid_80x24(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=settle)


def test_grid_160x48(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=(160, 48), run_before=settle)


def test_table_view_sorted_by_state(snap_compare, snap_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("v", "s")
        await settle(pilot)

    assert snap_compare(snap_app, terminal_size=(120, 32), run_before=run_before)


def test_job_queue(snap_compare, snap_app, demo_farm):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.active_list.select_printer(first_id(demo_farm, "printing"))
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(snap_app, terminal_size=(100, 30), run_before=run_before)


def test_job_detail_with_slicer_settings(snap_compare, snap_app, demo_farm):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.active_list.select_printer(first_id(demo_farm, "printing"))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(snap_app, terminal_size=(100, 40), run_before=run_before)


def test_cancel_confirmation(snap_compare, snap_app, demo_farm):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.active_list.select_printer(first_id(demo_farm, "printing"))
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(snap_app, terminal_size=(100, 30), run_before=run_before)


def test_help(snap_compare, snap_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(snap_app, terminal_size=(100, 36), run_before=run_before)


def test_stale_connection_header(snap_compare, snap_app, sim_server):
    async def run_before(pilot):
        await settle(pilot)
        sim_server.faults.update({"drop_rate": 1.0})
        pilot.app.poll_printers()
        await settle(pilot)
        sim_server.faults.clear()

    assert snap_compare(snap_app, terminal_size=(100, 30), run_before=run_before)


def test_login_screen(snap_compare, sim_server, demo_farm):
    app = build_app(sim_server, demo_farm, credentials=False)

    async def run_before(pilot):
        await settle(pilot)
        for box in pilot.app.screen.query("Input"):
            box.cursor_blink = False
        # The simulated cloud's port changes each run: pin the one line that shows it.
        pilot.app.screen.query_one("#login-endpoint").update("http://127.0.0.1:8800")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
