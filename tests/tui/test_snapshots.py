"""Snapshots pin what each screen looks like: seeded farm, frozen clock, fixed terminal size.

Regenerate deliberately with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at
the report before committing.
"""

from __future__ import annotations

import pytest

from api.sim import FarmSettings, SimClock, generate_farm

from .conftest import build_app, settle


def first_id(farm, state):
    return next(p.id for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == state)


@pytest.fixture
def demo_farm(sim_server):
    """The demo farm in the realistic mode's shapes, but with every printer and job named and no
    unreadable record: those are drawn per farm, and a snapshot pins one screen for good."""
    farm = generate_farm(
        24,
        seed=7,
        clock=SimClock.frozen_at(),
        settings=FarmSettings(seed=7, realistic=True, nameless_one_in=0, unreadable_every=0),
    )
    sim_server.farm = farm
    sim_server.faults.clear()
    return farm


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


def test_stale_connection_header(snap_compare, snap_app, sim_server, demo_farm):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.timer_clock = lambda: 0.0  # "retry in N s" pinned
        pilot.app.sync.refresh_seconds = 3.0
        sim_server.faults.update({"drop_rate": 1.0})
        demo_farm.clock.advance(6)  # stale: no good read for two poll intervals
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


def _event_log(farm):
    """A day of events on the demo farm: some acknowledged, one folded flap, one told after a restart."""
    from datetime import timedelta

    from tui.events import Event, EventKind

    now = farm.now()
    names = {p.name: p.id for p in farm.printers.values()}

    def event(minutes_ago, name, kind, **fields):
        return Event(
            time=now - timedelta(minutes=minutes_ago), printer_id=names.get(name, 0), printer_name=name, kind=kind,
            **fields,
        )  # fmt: skip

    return [
        event(960, "MK4-01", EventKind.FINISHED, job_id=26571, filename="bracket_v17_final.gcode"),
        event(95, "MK4-01", EventKind.TRAY_CLEARED, while_away=True),
        event(62, "Ender3-01", EventKind.JOB_STARTED, job_id=26590, filename="enclosure_lid.gcode"),
        event(40, "UM2-01", EventKind.PAUSED, job_id=26588, filename="gear_housing.gcode"),
        event(31, "Pro2-02", EventKind.ACTION, detail="tray clear: done", who="admin@example.com"),
        event(30, "Pro2-02", EventKind.TRAY_CLEARED, who="admin@example.com"),
        event(22, "Rep2-03", EventKind.OFFLINE, count=3, state="notconnected"),
        event(15, "MINI-01", EventKind.STALLED, job_id=26583, detail="progress 79% unchanged for 10 min"),
        event(9, "MK4-02", EventKind.TEMPERATURE, job_id=26585, detail="nozzle 172° (target 215°)"),
        event(
            2, "[bold]x[/] lab", EventKind.FAILED, job_id=26592, filename="[red]part.gcode", detail="Thermal runaway"
        ),
    ]


def _open_event_log(farm):
    async def run_before(pilot):
        await settle(pilot)
        events = _event_log(farm)
        log = pilot.app.events.log
        log.record(events)
        log.acknowledge([events[0].id, events[2].id], farm.now())
        pilot.app.alerts_changed.publish([])
        await pilot.press("L")
        await settle(pilot)

    return run_before


def test_event_log_80x24(snap_compare, snap_app, demo_farm):
    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=_open_event_log(demo_farm))


def test_event_log_160x48(snap_compare, snap_app, demo_farm):
    assert snap_compare(snap_app, terminal_size=(160, 48), run_before=_open_event_log(demo_farm))


def test_bulk_preview_80x24(snap_compare, snap_app, demo_farm):
    async def run_before(pilot):
        await settle(pilot)
        for printer in sorted(demo_farm.printers.values(), key=lambda p: p.name)[:6]:
            pilot.app.screen.active_list.select_printer(printer.id)
            await pilot.press("space")
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=run_before)


def test_upload_done_80x24(snap_compare, snap_app, demo_farm, tmp_path):
    """The file sent: the upload's bar full, the project, one line per printer with its new job."""
    (tmp_path / "bracket.gcode").write_bytes(b";FLAVOR:Marlin\nG28\nG1 X10 Y10 E0.5\n" * 4000)
    snap_app.files_dir = str(tmp_path)
    snap_app.upload_clock = iter(range(10_000)).__next__
    ready = [p for p in sorted(demo_farm.printers.values(), key=lambda p: p.name) if p.state == "ready"][:2]

    async def run_before(pilot):
        await settle(pilot)
        for printer in ready:
            pilot.app.screen.active_list.select_printer(printer.id)
            await pilot.press("space")
        await pilot.press("o")
        tree = pilot.app.screen.query_one("#picker-tree")
        for _ in range(200):
            if tree.root.children:
                break
            await pilot.pause(0.01)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=run_before)
