"""Issue 11 on the printer grid and table: what has waited longest, what is queued, who, and why it failed."""

from __future__ import annotations

from api import JobStatus
from api.sim.farm import failure_reason
from tui.sync import QUEUE_ROTATION_PER_POLL
from tui.widgets.printer_grid import PrinterGrid
from tui.widgets.printer_table import PrinterTable
from tui.widgets.status_header import StatusHeader

from .conftest import settle

SIZE = (100, 30)


def named(farm, name):
    return next(p for p in farm.printers.values() if p.name == name)


def card_text(app, printer_id) -> str:
    grid = app.screen.query_one(PrinterGrid)
    view = app.store.view_of(printer_id, app.clock())
    return "\n".join(line.plain for line in grid.render_item(view, grid.item_width, False))


def header_text(app) -> str:
    return str(app.screen.query_one(StatusHeader).render())


async def poll(pilot, farm, seconds=0.0):
    if seconds:
        farm.step(seconds)
    pilot.app.poll_printers()
    await settle(pilot)


async def test_cards_say_how_long_each_printer_has_been_in_its_state(app, demo_farm):
    paused = named(demo_farm, "Rep2-03")  # paused when farmdash starts: it stays so until someone acts
    assert paused.state == "paused"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await poll(pilot, demo_farm, 47 * 60)
        view = app.store.view_of(paused.id, app.clock())
        assert view.in_state == "≥47 min"  # it began before farmdash watched
        assert "PAUSED  ≥47 min" in card_text(app, paused.id)
        await poll(pilot, demo_farm, 20)  # same minute: the same view, so the card is not repainted
        assert app.store.view_of(paused.id, app.clock()) == view
        app.screen.active_list.select_printer(paused.id)
        await pilot.press("u")
        await settle(pilot)
        after = app.store.view_of(paused.id, app.clock())
        assert after.state.value == "printing" and after.in_state == "0 min"  # seen beginning: no ≥
        await poll(pilot, demo_farm, 5 * 60 + 40)  # counted from the next whole minute: at least 5
        assert app.store.view_of(paused.id, app.clock()).in_state == "5 min"
        assert "PRINTING 5 min" in card_text(app, paused.id)


async def test_state_sort_shows_the_longest_waiting_first(app, demo_farm, sim_server):
    printing = named(demo_farm, "MK4-02")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await poll(pilot, demo_farm, 600)
        app.screen.active_list.select_printer(printing.id)
        await pilot.press("p")  # now MK4-02 needs a person too, for 0 min
        await settle(pilot)
        await poll(pilot, demo_farm, 120)
        await pilot.press("s")  # name -> state
        await settle(pilot)
        items = app.screen.active_list.items
        needing = [v for v in items if v.needs_person]
        assert items[: len(needing)] == needing  # the top group: who needs a person
        assert next(v for v in needing if v.id == printing.id).in_state == "2 min"
        starts = [v.state_since for v in needing]
        assert starts == sorted(starts)  # waiting longest first


async def test_queue_length_on_cards_kept_fresh_by_a_slow_rotation(app, demo_farm, sim_server):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        visible = grid.visible_ids()
        for pid in visible:
            queued = sum(1 for j in demo_farm.jobs.values() if j.printer_id == pid and j.status_id == JobStatus.QUEUED)
            assert app.store.view_of(pid, app.clock()).queued == queued
        with_queue = next(pid for pid in visible if app.store.view_of(pid, app.clock()).queued)
        assert f"◦{app.store.view_of(with_queue, app.clock()).queued} queued" in card_text(app, with_queue)
        # nothing changed, nothing is due: a poll reads no printer's jobs
        sim_server.calls.clear()
        await poll(pilot, demo_farm)
        assert sim_server.calls.count("get_printer_jobs") == 0
        # a minute on: only a few on-screen printers are read again per poll, never the whole farm
        before = {p.id: p.state for p in demo_farm.printers.values()}
        sim_server.calls.clear()
        await poll(pilot, demo_farm, 61)
        moved = sum(1 for p in demo_farm.printers.values() if p.state != before[p.id])  # read on a change
        assert 0 < sim_server.calls.count("get_printer_jobs") <= QUEUE_ROTATION_PER_POLL + moved


async def test_owner_column_and_the_filter_matches_owners(app, demo_farm):
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        table = app.screen.query_one(PrinterTable)
        assert "Owner" in table.render_line(0).text
        running = next(v for v in table.items if v.owner)
        row = table.render_line(1 + table.items.index(running)).text
        assert running.owner in row
        local = running.owner.split("@")[0]
        await pilot.press("slash", *local, "enter")
        await settle(pilot)
        assert table.items and all(v.owner.startswith(local) for v in table.items)
        assert f"{len(table.items)} of 24" in header_text(app)


async def test_filter_words_need_negation_and_counts_that_follow(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"need", "enter")
        await settle(pilot)
        items = app.screen.active_list.items
        needing = sum(1 for v in app.store.views(app.clock()) if v.needs_person)
        assert len(items) == needing and all(v.needs_person for v in items)
        assert f"{needing} of 24" in header_text(app) and "○" not in header_text(app)  # no ready count
        await pilot.press("escape", "slash", *"need !paused", "enter")
        await settle(pilot)
        assert app.screen.active_list.items and all(
            v.needs_person and v.state.value != "paused" for v in app.screen.active_list.items
        )
        assert "‖" not in header_text(app)
        await pilot.press("escape")
        await pilot.press("slash", *"MK4 print", "enter")
        await settle(pilot)
        assert {v.name for v in app.screen.active_list.items} == {
            p.name for p in demo_farm.printers.values() if "MK4" in p.name and p.state == "printing"
        }


async def test_error_card_says_why_the_job_failed(app, demo_farm):
    victim = named(demo_farm, "MK4-02")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        job = demo_farm.jobs[victim.current_job_id]
        demo_farm._end_job(victim, job, JobStatus.FAILED, demo_farm.now(), printer_state="error")
        await poll(pilot, demo_farm)
        view = app.store.view_of(victim.id, app.clock())
        assert view.reason == f"job {job.id} failed: {failure_reason(job.id)}"
        assert f"job {job.id} failed" in card_text(app, victim.id)
        assert "check the printer" not in card_text(app, victim.id)


async def test_table_titles_stay_and_progress_arrow_points_down(app, demo_farm):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v", "end")
        await settle(pilot)
        table = app.screen.query_one(PrinterTable)
        assert table.scroll_offset.y > 0
        assert table.render_line(0).text.startswith("Name")
        assert table.selected is table.items[-1]
        await pilot.press("s", "s")  # state, progress
        await settle(pilot)
        assert "Progress ▼" in table.render_line(0).text
        active = [v.percent for v in table.items if v.is_active]
        assert active == sorted(active, reverse=True)


async def test_stale_data_is_marked_on_every_card(app, demo_farm, sim_server):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        assert "▲" not in grid.render_line(0).text
        sim_server.faults.update({"drop_rate": 1.0})
        for _ in range(3):
            await poll(pilot, demo_farm, app.refresh_seconds)
        sim_server.faults.clear()
        assert grid.stale and grid.render_line(0).text.count("▲") == grid.columns


async def test_an_empty_queue_says_queued_where_it_fits_and_the_short_form_where_not(app, demo_farm):
    """A card with a queue said `◦1 queued` while an empty one said a bare `◦0` even with room."""
    from dataclasses import replace

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        views = [app.store.view_of(pid, app.clock()) for pid in grid.visible_ids()]
        empty = next(v for v in views if v.queued == 0)
        width = grid.item_width

        def kind_line(view) -> str:
            return grid.render_item(view, width, False)[1].plain

        short = replace(empty, type="MK4")
        assert "MK4" in kind_line(short) and kind_line(short).rstrip(" │┃").endswith("◦0 queued")
        crowded = replace(empty, type="M" * (width - 8))  # room for `◦0`, not for `◦0 queued`
        assert kind_line(crowded).rstrip(" │┃").endswith(" ◦0") and "M" * (width - 8) in kind_line(crowded)
