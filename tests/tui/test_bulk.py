"""Marks and bulk actions against the simulated cloud: the preview, the run, the outcomes per printer."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from textual.widgets._footer import FooterKey

from api import JobStatus
from api.sim import DEMO_PASSWORD, DEMO_USERNAME, FarmSettings, SimClock
from api.sim.generate import farm_from_dict
from tui.actions import Result
from tui.app import Credentials
from tui.events import EventKind
from tui.screens.bulk import BulkScreen
from tui.widgets.printer_grid import PrinterGrid
from tui.widgets.printer_table import PrinterTable

from .helpers import SIZE, act, actions, build_app, header_text, select, settle


def named(farm, name):
    return next(p for p in farm.printers.values() if p.name == name)


def of_state(farm, state):
    return [p for p in sorted(farm.printers.values(), key=lambda p: p.name) if p.state == state]


async def mark(pilot, *printers):
    for printer in printers:
        await select(pilot, printer)
        await pilot.press("space")
    await pilot.pause()


def lines_text(app) -> str:
    return str(app.screen.query_one("#bulk-lines").render())


def totals_text(app) -> str:
    return str(app.screen.query_one("#bulk-totals").render())


# A farm where one member can print on two printers and only queue on a third.
MIXED = {
    "organization": "Mixed Lab",
    "users": [
        {"email": DEMO_USERNAME, "password": DEMO_PASSWORD, "admin": True},
        {"email": "tech@example.com", "password": "pw"},
    ],
    "workgroups": [
        {"name": "Print", "rights": 2, "members": ["tech@example.com"]},
        {"name": "Queue", "rights": 3, "members": ["tech@example.com"]},
    ],
    "files": [{"name": "cube.gcode", "minutes": 10, "grams": 5}],
    "printers": [
        {"name": "A-1", "type": "Prusa i3 MK4", "workgroups": ["Print"], "state": "ready"},
        {"name": "A-2", "type": "Prusa i3 MK4", "workgroups": ["Print"], "state": "ready"},
        {"name": "B-1", "type": "Prusa i3 MK4", "workgroups": ["Queue"], "state": "ready"},
    ],
}


@pytest.fixture
def mixed(sim_server):
    farm = farm_from_dict(MIXED, clock=SimClock.frozen_at(), settings=FarmSettings.quiet())
    sim_server.farm = farm
    sim_server.faults.clear()
    admin = next(u for u in farm.users.values() if u.is_admin)
    file = next(iter(farm.files.values()))
    with farm.lock:
        jobs = {p.name: farm.print_file(admin, file.id, p.id, only_queue=True) for p in farm.printers.values()}
    return farm, jobs


async def test_marks_show_on_cards_and_rows_and_survive_sort_filter_and_polls(app, sim_server, demo_farm):
    one, two = of_state(demo_farm, "printing")[:2]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await mark(pilot, one, two)
        assert app.store.marked == {one.id, two.id}
        assert "2 marked" in header_text(app)
        grid = app.screen.query_one(PrinterGrid)
        card = grid.render_item(next(v for v in grid.items if v.id == one.id), 30, False)
        assert "✓" in card[0].plain  # the mark reads without colour
        await pilot.press("s", "s")  # re-sort
        app.poll_printers()
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        rows = app.screen.query_one(PrinterTable)
        assert {v.id for v in rows.items if v.marked} == {one.id, two.id}
        assert "✓" in rows.render_item(next(v for v in rows.items if v.id == two.id), 100, False)[0].plain
        await select(pilot, one)
        await pilot.press("space")  # unmark one
        await pilot.pause()
        assert app.store.marked == {two.id} and "1 marked" in header_text(app)
        # a printer that leaves the farm leaves the marks
        with demo_farm.lock:
            del demo_farm.printers[two.id]
        app.poll_printers()
        await settle(pilot)
        assert app.store.marked == set() and "marked" not in header_text(app)


async def test_star_marks_what_is_shown_then_unmarks_it(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"paused", "enter")
        await settle(pilot)
        await pilot.press("asterisk")
        await pilot.pause()
        paused = {p.id for p in of_state(demo_farm, "paused")}
        assert app.store.marked == paused
        await pilot.press("escape")  # the filter goes, the marks stay
        await pilot.pause()
        assert app.store.marked == paused and f"{len(paused)} marked" in header_text(app)
        await pilot.press("slash", *"paused", "enter", "asterisk")
        await pilot.pause()
        assert app.store.marked == set()


@pytest.mark.parametrize(
    ("kind", "key", "state", "skipped_state", "call", "after"),
    [
        ("pause", "p", "printing", "paused", "job_pause", "paused"),
        ("resume", "u", "paused", "printing", "job_unpause", "printing"),
        ("cancel", "c", "printing", "ready", "job_cancel", "bed_not_clear"),
        ("tray", "t", "bed_not_clear", "printing", "printer_clear_build_tray", "ready"),
    ],
)
async def test_bulk_action_preview_then_outcomes(
    app, sim_server, demo_farm, kind, key, state, skipped_state, call, after
):
    targets = of_state(demo_farm, state)[:2]
    skipped = of_state(demo_farm, skipped_state)[0]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await mark(pilot, *targets, skipped)
        sim_server.calls.clear()
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, BulkScreen) and actions(sim_server.calls) == []  # a preview sends nothing
        preview = lines_text(app)
        for printer in targets:
            assert f"→ {printer.name}: " in preview
        assert f"· {skipped.name}: skipped, " in preview
        assert totals_text(app).startswith("2 to ") and "1 skipped" in totals_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert sorted(actions(sim_server.calls)) == [call, call]  # one call per printer, none for the skipped
        assert all(demo_farm.printers[p.id].state in (after, "downloading") for p in targets)
        done = lines_text(app)
        assert all(f"✓ {p.name}: " in done for p in targets)
        assert totals_text(app).startswith("2 ") and "1 skipped" in totals_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, BulkScreen)
        assert any(n.message.startswith("2 ") for n in app._notifications)


async def test_preview_no_sends_nothing(app, sim_server, demo_farm):
    targets = of_state(demo_farm, "printing")[:3]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await mark(pilot, *targets)
        assert await act(pilot, sim_server, "c", "n") == []
        assert not isinstance(app.screen, BulkScreen)
        assert await act(pilot, sim_server, "c", "escape") == []
        assert all(demo_farm.printers[p.id].state == "printing" for p in targets)


def mixed_app(sim_server, farm, *, sleep=None, user=("tech@example.com", "pw")):
    app = build_app(sim_server, farm, sleep=sleep)
    app.sync.credentials = Credentials(*user)
    return app


async def test_bulk_start_refusals_in_the_clouds_words(sim_server, mixed):
    farm, jobs = mixed
    app = mixed_app(sim_server, farm)
    app.stagger_seconds = 0
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("asterisk", "x")
        await pilot.pause()
        assert "3 to start" in totals_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert farm.jobs[jobs["A-1"].id].status_id == JobStatus.PRINTING
        assert farm.jobs[jobs["B-1"].id].status_id == JobStatus.QUEUED
        assert "✗ B-1: refused: Permission denied: you can only queue jobs" in lines_text(app)
        summary = totals_text(app)
        assert summary.startswith("2 started, 1 refused: B-1: Permission denied")
        outcomes = {o.printer_name: o.result for o in app.screen.finished()}
        assert outcomes == {"A-1": Result.DONE, "A-2": Result.DONE, "B-1": Result.REFUSED}
        audit = {e.printer_name: e.detail for e in app.events.log.newest_first() if e.kind == EventKind.ACTION}
        assert "refused: Permission denied: you can only queue" in audit["B-1"] and audit["A-1"].endswith(": done")


async def test_staggered_starts_on_the_sims_clock(sim_server, mixed):
    farm, jobs = mixed
    waits = []

    async def sim_sleep(seconds):
        waits.append(seconds)
        farm.step(seconds)

    app = mixed_app(sim_server, farm, sleep=sim_sleep, user=(DEMO_USERNAME, DEMO_PASSWORD))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("asterisk", "x")
        await pilot.pause()
        assert "starts 10 s apart (about 20 s in all)" in totals_text(app)
        await pilot.press("y")
        await settle(pilot)
    assert waits == [10, 10]
    started = sorted(farm.jobs[job.id].started for job in jobs.values())
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(started)] == [10, 10]
    # each start audited when its outcome came, with its own time: not all at the run's end
    audited = sorted(e.time for e in app.events.log.newest_first() if e.kind == EventKind.ACTION)
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(audited)] == [10, 10]


async def test_escape_stops_sending_the_rest(sim_server, mixed):
    farm, jobs = mixed
    gate = asyncio.Event()

    async def held_sleep(seconds):
        await gate.wait()  # the stagger wait lasts until the test says so (never, here)

    app = mixed_app(sim_server, farm, sleep=held_sleep, user=(DEMO_USERNAME, DEMO_PASSWORD))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("asterisk", "x")
        await pilot.pause()
        sim_server.calls.clear()
        await pilot.press("y")
        for _ in range(50):  # until the first start is answered and the run waits the stagger
            await pilot.pause()
            if app.screen.outcomes:
                break
        assert "Sending… 1 of 3 answered" in totals_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert actions(sim_server.calls) == ["job_start"]
        assert totals_text(app) == "1 started, 2 skipped"
        assert "· A-2: skipped: stopped before it was sent." in lines_text(app), lines_text(app)
        assert isinstance(app.screen, BulkScreen)  # the summary stays until closed
    assert sum(farm.jobs[j.id].status_id == JobStatus.PRINTING for j in jobs.values()) == 1


async def test_read_only_sends_nothing(sim_server, demo_farm):
    app = build_app(sim_server, demo_farm, read_only=True)
    printing = of_state(demo_farm, "printing")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in header_text(app)
        sim_server.calls.clear()
        await select(pilot, printing[0])
        for key in ("p", "u", "c", "t", "x"):
            await pilot.press(key)
        await mark(pilot, *printing[:3])
        for key in ("p", "c", "y"):
            await pilot.press(key)
        await settle(pilot)
        assert not isinstance(app.screen, BulkScreen)
        assert actions(sim_server.calls) == []
        assert any(n.message == "read-only: nothing is sent." for n in app._notifications)
    assert all(demo_farm.printers[p.id].state == "printing" for p in printing)


async def test_the_preview_and_summary_name_the_users_keys(app, sim_server, demo_farm):
    """A remapped send/stop key is what the dialog names in every phase, the summary's included."""
    app.set_keymap({"bulk-send": "S", "bulk-stop": "N"})
    targets = of_state(demo_farm, "printing")[:2]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await mark(pilot, *targets)
        await pilot.press("p")
        await pilot.pause()
        keys = str(app.screen.query_one("#bulk-keys").render())
        assert keys == "S sends  ·  N sends nothing", keys
        assert str(app.screen.query_one("#bulk-title").render()) == "Pause: 2 marked printers"
        footer = [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]
        assert "S Send" in footer and not any("Pause" in key for key in footer), footer  # its own, not the grid's
        await pilot.press("S")
        await settle(pilot)
        assert sorted(actions(sim_server.calls)) == ["job_pause", "job_pause"]
        keys = str(app.screen.query_one("#bulk-keys").render())
        assert keys == "S or N closes", keys
        await pilot.pause()
        footer = [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]
        assert footer == ["N Close"], footer  # not "S Send" once everything was sent
        await pilot.press("N")
        await pilot.pause()
        assert not isinstance(app.screen, BulkScreen)


async def test_a_preview_with_nothing_to_send_offers_no_send_key(app, sim_server, demo_farm):
    """Every marked printer skipped: the footer offered "y Send" beside "n closes: nothing to send"."""
    targets = of_state(demo_farm, "ready")[:2]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await mark(pilot, *targets)
        await pilot.press("p")  # nothing to pause on ready printers
        await pilot.pause()
        assert str(app.screen.query_one("#bulk-keys").render()) == "n closes: nothing to send"
        footer = [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]
        assert not any(key.split(" ", 1)[1] == "Send" for key in footer), footer
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, BulkScreen)
        assert actions(sim_server.calls) == []
