"""Issue 11 while things go wrong: stale after two intervals, retry in N s and r, in-flight marks,
the selection after an action, notices at 80x24, the header on a resize, the log of actions."""

from __future__ import annotations

import itertools

from textual.widgets._toast import Toast

import tui.actions as actions_module
from tui.screens.confirm import ConfirmScreen
from tui.widgets.printer_grid import PrinterGrid
from tui.widgets.status_header import StatusHeader

from .helpers import SIZE, actions, build_app, first, header_text, select, settle


def failing(pilot, sim_server):
    pilot.app.timer_clock = lambda: 0.0  # "retry in N s" read against a fixed moment
    pilot.app.sync.refresh_seconds = 3.0
    sim_server.faults.update({"drop_rate": 1.0})


async def poll(pilot):
    pilot.app.poll_printers()
    await settle(pilot)


async def test_one_failed_poll_is_not_stale_two_intervals_are(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        failing(pilot, sim_server)
        await poll(pilot)
        header = header_text(app)
        assert "● live 09:30:00" in header and "STALE" not in header and "retry in 6 s" in header
        assert not app.screen.query_one(PrinterGrid).stale
        demo_farm.clock.advance(6)
        await poll(pilot)
        header = header_text(app)
        assert "STALE since 09:30:00" in header and "retry in 12 s" in header  # the real back-off
        # the reason: its cause where the whole does not fit (▲ STALE says the rest), all of it on hover
        assert "The cloud dropped the connection" in header
        assert app.screen.query_one(StatusHeader).tooltip.startswith("Cannot reach the cloud")
        assert "▶ 11 printing" in header and "24 printers" in header  # the counts stay
        assert app.screen.query_one(PrinterGrid).stale
        # the time has come and the try is on its way: not "retry in 0 s" for a whole timeout
        app.timer_clock = lambda: 12.0
        app.screen._tick()
        assert "trying now" in header_text(app) and "retry in" not in header_text(app)
        app.timer_clock = lambda: 0.0
        # r reads the farm now instead of waiting out the back-off
        sim_server.faults.clear()
        sim_server.calls.clear()
        await pilot.press("r")
        await settle(pilot)
        assert sim_server.calls.count("get_organization_printers_list") == 1
        assert "● live" in header_text(app) and "retry" not in header_text(app)
        assert not app.screen.query_one(PrinterGrid).stale


async def test_in_flight_action_is_marked_and_a_second_press_sends_nothing(app, sim_server, demo_farm):
    printer = first(demo_farm, "bed_not_clear")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.calls.clear()
        sim_server.faults.update({"latency_ms": 400})
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.store.view_of(printer.id, app.clock()).in_flight == "clearing…"
        grid = app.screen.query_one(PrinterGrid)
        card = "\n".join(t.plain for t in grid.render_item(app.store.view_of(printer.id, app.clock()), 30, False))
        assert "⧗ clearing…" in card
        await pilot.press("t")  # again, under a slow link: said, not sent
        await pilot.pause()
        assert any("already sent" in n.message for n in app._notifications)
        await settle(pilot)
        sim_server.faults.clear()
        assert actions(sim_server.calls) == ["printer_clear_build_tray"]
        assert app.store.view_of(printer.id, app.clock()).in_flight == ""  # the read confirmed it


async def test_selection_stays_in_place_when_the_printer_moves_away(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")  # state sort: who needs a person first
        await settle(pilot)
        grid = app.screen.active_list
        bed = next(v for v in grid.items if v.state.value == "bed_not_clear")
        place = grid.items.index(bed)
        after = grid.items[place + 1]
        await select(pilot, bed)
        await pilot.press("t", "y")
        await settle(pilot)
        assert grid.items.index(app.store.view_of(bed.id, app.clock())) != place  # it moved away
        assert grid.cursor == place and grid.selected.id == after.id  # the user stays where they were


async def test_notices_stack_two_deep_at_80x24_below_the_header(app, demo_farm):
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        for n in range(5):
            app.notify(f"notice {n}: a longer sentence that wraps onto a second line of the toast")
        await settle(pilot)
        assert [n.message[:8] for n in app._notifications] == ["notice 3", "notice 4"]
        header = app.screen.query_one(StatusHeader).region
        toasts = list(app.screen.query(Toast))
        assert toasts and all(not toast.region.overlaps(header) for toast in toasts)


async def test_header_lays_out_again_when_the_terminal_shrinks(app, sim_server, demo_farm):
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        sim_server.faults.update({"drop_rate": 1.0})  # no good poll to repaint it after the resize
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        sim_server.faults.clear()
        lines = header_text(app).split("\n")
        assert len(lines) == 2 and all(len(line) <= 78 for line in lines)
        assert "▶11" in lines[1] and "24 printers" in lines[1]  # the counts did not vanish


async def test_every_action_sent_is_logged_with_its_outcome(app, demo_farm, monkeypatch):
    printer = first(demo_farm, "printing")
    logged = []
    monkeypatch.setattr(actions_module.log, "info", lambda message, *args: logged.append(message % args))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        await pilot.press("p")
        await settle(pilot)
    sent = [line for line in logged if line.startswith("action pause sent")]
    assert sent and f"printer {printer.id}" in sent[0] and "done" in sent[0]


async def test_footer_shows_whole_keys_that_matter_at_80_and_120(sim_server, demo_farm):
    from textual.widgets._footer import FooterKey

    for width in (80, 120):
        app = build_app(sim_server, demo_farm)
        async with app.run_test(size=(width, 24)) as pilot:
            await settle(pilot)
            keys = [k for k in app.screen.query(FooterKey) if k.display]
            shown = {str(k.key_display) for k in keys}
            assert {"?", "q", "/", "t"} <= shown, (width, shown)  # help, quit, filter, the tray
            # every key drawn whole, inside the screen, none under another
            regions = sorted((k.region for k in keys), key=lambda r: r.x)
            assert all(r.right <= width for r in regions)
            assert all(a.right <= b.x for a, b in itertools.pairwise(regions))
            line = "".join(strip.text for strip in app.screen._compositor.render_strips()[-1:])
            for key in keys:
                if not key.has_class("-command-palette"):
                    assert f"{key.key_display} {key.description}" in line, (width, key.description)
