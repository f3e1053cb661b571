"""The printer grid and table: what they show, how they move, sort, filter and pick workgroups."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets._footer import FooterKey

from api.sim import FarmSettings, SimClock, generate_farm
from api.sim.printers import job_json
from tui.screens.confirm import ConfirmScreen
from tui.screens.printer_grid import PrinterGridScreen
from tui.screens.workgroup_picker import WorkgroupPicker
from tui.widgets.printer_grid import PrinterGrid
from tui.widgets.printer_table import PrinterTable

from .helpers import SIZE, actions, build_app, first, header_text, select, settle


async def test_grid_shows_every_printer_with_one_request_per_poll(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        assert {v.id for v in grid.items} == set(demo_farm.printers)
        assert sim_server.calls.count("get_organization_printers_list") == 1
        printing = sum(1 for p in demo_farm.printers.values() if p.state == "printing")
        assert f"▶ {printing} printing" in header_text(app) and "● live 09:30:00" in header_text(app)
        # the running jobs of the printers on screen were looked up once each: file and finish time
        visible = grid.visible_ids()
        running = [v for v in grid.items if v.state.value == "printing"]
        on_screen = [v for v in running if v.id in visible]
        assert on_screen and all(v.filename and v.eta for v in on_screen)
        assert len(visible) < len(grid.items)
        active = {p.id for p in demo_farm.printers.values() if p.state in ("printing", "paused", "downloading")}
        assert sim_server.calls.count("get_job_info") == len(active & visible)
        app.poll_printers()
        await settle(pilot)
        assert sim_server.calls.count("get_organization_printers_list") == 2
        assert sim_server.calls.count("get_job_info") == len(active & visible)  # known jobs are not asked again
        await pilot.press("end")  # scrolling brings the rest on screen: their jobs are looked up then
        await settle(pilot)
        printing_views = [v for v in grid.items if v.state.value == "printing"]
        assert all(v.eta for v in printing_views)
        # the file name the cloud sent, or none when it sent null (the realistic mode's anonymous jobs)
        sent = {
            p.id: job_json(demo_farm, demo_farm.jobs[p.current_job_id])["filename"]
            for p in demo_farm.printers.values()
            if p.current_job_id
        }
        assert {v.id: v.filename for v in printing_views} == {v.id: sent[v.id] or "" for v in printing_views}
        assert "" in {v.filename for v in printing_views}  # the mode's null file names reach the grid


async def test_table_view_sort_filter_workgroup(app, sim_server, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        selected = screen.active_list.selected.id
        await pilot.press("v")
        await pilot.pause()
        table = screen.query_one(PrinterTable)
        assert table.display and screen.active_list is table and table.selected.id == selected
        await pilot.press("s")
        await pilot.pause()
        assert screen.sort_key == "state"
        ranks = [v.state for v in table.items]
        assert ranks[0].value == "error"
        await pilot.press("slash", "M", "K", "4", "enter")
        await pilot.pause()
        assert table.items and all("MK4" in v.name for v in table.items)
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.items) == len(demo_farm.printers)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WorkgroupPicker)
        # its own keys in the footer, not the grid's (p Pause did nothing there)
        footer = " ".join(f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey))
        assert "⏎ Show" in footer and "esc Close" in footer and "Pause" not in footer
        await pilot.press("down", "enter")
        await pilot.pause()
        wg = screen.workgroup
        assert wg is not None and all(wg in v.workgroups for v in table.items)
        assert len(table.items) < len(demo_farm.printers)


async def test_movement_keys(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        columns = grid.columns
        assert columns == 3
        await pilot.press("l", "l", "j")
        assert grid.cursor == 2 + columns
        await pilot.press("left", "k")
        assert grid.cursor == 1
        await pilot.press("end")
        assert grid.cursor == len(grid.items) - 1
        await pilot.press("home")
        assert grid.cursor == 0


async def test_refresh_interval_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.refresh_seconds = 3
        await pilot.press("plus")
        assert app.refresh_seconds == 2
        await pilot.press("minus", "minus")
        assert app.refresh_seconds == 5


async def test_markup_and_control_characters_in_names(sim_server, demo_farm):
    nasty = [
        "[bold]x[/]",
        "[/]",
        "[@click=app.quit]boom[/]",
        "\x1b]0;owned\x07evil",
        "[b",
        "打印机-01 三号打印机很长的名字",
    ]
    for printer, name in zip(sorted(demo_farm.printers.values(), key=lambda p: p.id), nasty, strict=False):
        printer.name = name
    demo_farm.files[next(iter(demo_farm.files))].name = "[red]part[/].gcode"
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        names = {v.name for v in grid.items}
        assert {"[bold]x[/]", "[/]", "[@click=app.quit]boom[/]", "]0;ownedevil", "[b"} <= names
        # every line is exactly the grid's width, double-width names included
        assert all(grid.render_line(y).cell_length == grid.content_width for y in range(28))
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        lines = "\n".join(app.screen.query_one(PrinterTable).render_line(y).text for y in range(20))
        assert "[bold]x[/]" in lines and "\x1b" not in lines
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running


async def test_quit_key(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize("after", ["o", "u", "L"])
async def test_keys_typed_after_quit_open_nothing(app, after):
    """`q` then more keys read in the same burst (typed ahead, a paste): they reached the screen
    before the app closed, opened a dialog on a closing app and showed its traceback."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("q", after, "enter"):  # posted at once, as the driver posts one read's keys
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        assert not app.is_running
        assert [type(screen) for screen in app.screen_stack[1:]] in ([], [PrinterGridScreen])


async def test_odd_values_from_the_cloud(sim_server, demo_farm):
    odd = sorted(demo_farm.printers.values(), key=lambda p: p.name)
    odd[0].state = "melting"  # a state nobody documented
    odd[1].percent = 250.0  # out of range
    odd[1].state = "printing"
    odd[2].temps, odd[2].targets = [], []  # no temperatures at all
    app = build_app(sim_server, demo_farm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        views = {v.id: v for v in grid.items}
        assert views[odd[0].id].raw_state == "melting"
        assert views[odd[1].id].percent == 100.0
        assert views[odd[2].id].tools == ()
        lines = "\n".join(grid.render_line(y).text for y in range(21))
        assert "MELTING" in lines and "100%" in lines


async def test_empty_grid_says_why(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"no-such-printer", "enter")
        await pilot.pause()
        grid = app.screen.query_one(PrinterGrid)
        assert grid.items == []
        assert "No printer matches the filter" in grid.render_line(1).text
        assert "0 of 24" in header_text(app)


async def test_filter_keys_arriving_in_one_burst_all_reach_the_filter(app, demo_farm):
    """Over a slow link keys arrive together: none typed after / may go to the grid."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, char in [("slash", "/"), ("M", "M"), ("K", "K"), ("4", "4"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PrinterGridScreen)
        assert screen.filter_text == "MK4"
        assert all("MK4" in v.name for v in screen.active_list.items)


async def test_the_filter_box_leaves_the_cards_as_wide_as_they_were(app):
    """Textual takes the widest side margin of any child from every 1fr child: the filter box's
    margin made the grid two columns narrower, and at 80x24 the cards went from three to two."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        assert (grid.size.width, grid.columns) == (80, 3)
        await pilot.press("slash")
        await settle(pilot)
        assert app.screen.query_one("#filter").display
        assert (grid.size.width, grid.columns, grid.item_width) == (80, 3, 26)


async def test_letters_after_slash_in_one_burst_trigger_no_action(app, sim_server, demo_farm):
    from textual import events

    printer = first(demo_farm, "printing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, printer)
        sim_server.calls.clear()
        for key, char in [("slash", "/"), ("p", "p"), ("u", "u"), ("c", "c")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert actions(sim_server.calls) == [] and demo_farm.printers[printer.id].state == "printing"
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.screen.filter_text == "puc"
        await pilot.press("slash", "x")  # typed at a person's pace, / inside the box is text
        await pilot.pause()
        assert app.screen.filter_text == "puc/x"
        for key, char in [("a", "a"), ("slash", "/"), ("b", "b")]:  # a / within a burst stays in its place
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert app.screen.filter_text == "puc/xa/b"  # it went to the front: "/puc/xab"


async def test_a_sort_keeps_the_selected_printer_in_view(app, demo_farm):
    """A sort moved the selected printer off screen and left the view where it was (no › in sight)."""
    async with app.run_test(size=(100, 12)) as pilot:
        await settle(pilot)
        for view in ("cards", "table"):
            lst = app.screen.active_list
            for _ in range(5):  # every sort, back to name
                await pilot.press("s")
                await pilot.pause()
                top = lst.item_region(lst.cursor).y - lst.scroll_offset.y
                assert lst.top_lines <= top < lst.size.height, (view, app.screen.sort_key, top)
            await pilot.press("v")
            await pilot.pause()


async def test_a_resize_and_a_view_toggle_keep_the_selected_printer_in_view(app, demo_farm):
    """From 200 columns to 80 the selection went off screen; so did it on toggling cards/table."""

    def in_view(lst) -> bool:
        top = lst.item_region(lst.cursor).y - lst.scroll_offset.y
        return lst.top_lines <= top < lst.size.height

    async with app.run_test(size=(80, 14)) as pilot:
        await settle(pilot)
        for key in ("v", "v", "home", "v", "end", "v", "home", "v", "end"):
            await pilot.press(key)
            await pilot.pause()
            assert in_view(app.screen.active_list), (key, app.screen.table_view)
        await pilot.resize_terminal(200, 40)
        await settle(pilot)
        await pilot.press("v", "end")
        await pilot.pause()
        await pilot.resize_terminal(80, 14)
        await settle(pilot)
        assert in_view(app.screen.active_list)


async def test_a_filter_of_spaces_is_no_filter_in_the_header(app, demo_farm):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "space", "space", "enter")
        await pilot.pause()
        header = header_text(app)
        assert "filter:" not in header and f"{len(demo_farm.printers)} printers" in header, header


async def test_the_selected_printer_is_in_view_after_a_filter_and_a_view_toggle(sim_server):
    """Filter in the table, clear the filter, back to the cards: the selected card is on screen
    (a toggle that skipped the resize's scroll once left the grid at its last row)."""
    farm = generate_farm(300, seed=7, clock=SimClock.frozen_at(), settings=FarmSettings(seed=7, realistic=True))
    sim_server.farm = farm
    app = build_app(sim_server, farm)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v", "slash", *"UM2", "enter")
        await settle(pilot)
        chosen = app.screen.active_list.selected
        assert chosen is not None and chosen.name.startswith("UM2")
        await pilot.press("escape", "v")
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        assert grid.selected is not None and grid.selected.id == chosen.id
        card = grid.item_region(grid.cursor)
        top = grid.scroll_offset.y
        assert top <= card.y and card.bottom <= top + grid.size.height, (card, top)


async def test_the_table_opens_on_page_one_when_the_selection_is_on_it(app, demo_farm):
    """With the second printer selected, `v` showed the table scrolled to it: the first was hidden above."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right")
        await pilot.press("v")
        await settle(pilot)
        table = app.screen.query_one(PrinterTable)
        assert table.cursor == 1 and table.scroll_offset.y == 0
        await pilot.press("v")
        await settle(pilot)
        for _ in range(12):
            await pilot.press("down")
        await pilot.press("v")
        await settle(pilot)
        assert table.scroll_offset.y > 0 and table._cursor_in_view(table.size.height)  # far down: shown


async def test_the_header_shows_the_filter_as_typed(app, demo_farm):
    """It showed a Python repr: `[(*\\` read `filter: '[(*\\\\'` with its backslash doubled."""
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.screen.filter_text = "[(*\\"
        await settle(pilot)
        assert "filter: “[(*\\”" in header_text(app), header_text(app)
