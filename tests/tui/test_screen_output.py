"""What reaches the terminal: only the cells that changed, and a screen that stays right.

The app runs headless, but every update Textual would write is rendered to escape sequences and
fed into a terminal emulator (pyte), the way a real terminal would see it.
"""

from __future__ import annotations

import pyte
from textual.geometry import Region

from api import PrinterState
from api.sim import FarmSettings, SimClock, generate_farm
from tui.widgets.printer_grid import PrinterGrid
from tui.widgets.printer_table import PrinterTable

from .conftest import build_app, settle


class Terminal:
    """A pyte screen fed with every byte the app writes, and the dirty regions of each frame.

    The headless driver is told it is a terminal: the app then renders and writes each frame
    exactly as it would to a real one, and the bytes land here.
    """

    def __init__(self, app, size: tuple[int, int]) -> None:
        self.app = app
        self.size = size
        self.screen = pyte.Screen(*size)
        self.stream = pyte.Stream(self.screen)
        self.regions: list[Region] = []
        self.written = 0
        terminal = self
        driver = app._driver

        class TerminalDriver(type(driver)):
            @property
            def is_headless(self) -> bool:
                return False

            def write(self, data: str) -> None:
                terminal.written += len(data.encode())
                terminal.stream.feed(data)

        driver.__class__ = TerminalDriver

    def watch_regions(self) -> None:
        """Record the screen regions each frame repaints, from now on."""
        compositor = self.app.screen._compositor
        render_update = compositor.render_update

        def spy(*args, **kwargs):
            self.regions.extend(compositor._dirty_regions)
            return render_update(*args, **kwargs)

        compositor.render_update = spy

    def cells(self, screen: pyte.Screen | None = None) -> list[list[tuple]]:
        screen = screen or self.screen
        return [[tuple(screen.buffer[y][x]) for x in range(screen.columns)] for y in range(screen.lines)]

    def fresh(self) -> pyte.Screen:
        """The whole screen rendered from scratch onto a blank terminal."""
        screen = pyte.Screen(*self.size)
        update = self.app.screen._compositor.render_update(full=True, screen_stack=self.app._background_screens)
        pyte.Stream(screen).feed(update.render_segments(self.app.console))
        return screen

    def stale_rows(self) -> list[tuple[str, str]]:
        fresh = self.fresh()
        return [
            (shown, rendered)
            for shown, rendered, a, b in zip(
                self.screen.display, fresh.display, self.cells(), self.cells(fresh), strict=True
            )
            if a != b
        ]


async def test_one_degree_on_one_card_repaints_only_those_cells(app, demo_farm):
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = Terminal(app, (80, 24))
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        # a card of the first row, not the selected one, that shows its nozzle's temperature
        card = next(i for i, v in enumerate(grid.items[:3]) if i != grid.cursor and v.tools and v.tools[0][0])
        printer = bump_nozzle(demo_farm, grid.items[card])
        terminal.watch_regions()
        terminal.written = 0
        app.poll_printers()
        await settle(pilot)

        assert 0 < terminal.written <= 200, terminal.written  # a cursor move, a colour and four cells
        assert grid.items[card].tools[0][0] == round(printer.temps[1])
        card_region = grid.item_region(card).translate(grid.region.offset)
        assert terminal.regions, "the change was not drawn"
        assert all(card_region.contains_region(region) for region in terminal.regions), terminal.regions
        assert sum(region.area for region in terminal.regions) <= 4  # "210°" -> "211°", not the card
        assert terminal.stale_rows() == []


async def test_nothing_changed_nothing_sent(app):
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = Terminal(app, (80, 24))
        await settle(pilot)
        terminal.watch_regions()
        app.poll_printers()  # the farm's clock is frozen: the same data again
        await settle(pilot)
        assert terminal.regions == []


async def test_closed_toasts_leave_no_fragment(app, demo_farm):
    app.NOTIFICATION_TIMEOUT = 1.0
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        terminal = Terminal(app, (80, 24))
        await settle(pilot)
        await pilot.press("v")
        table = app.screen.query_one(PrinterTable)
        ready = next(view for view in table.items if view.state is PrinterState.READY)
        table.select_printer(ready.id)
        await pilot.press(*"u" * 6)
        await pilot.pause()
        assert "is ready, not paused" in "\n".join(terminal.screen.display)
        await pilot.pause(1.3)  # the toasts expire
        await settle(pilot)
        assert not app._notifications
        assert terminal.stale_rows() == []


async def test_ctrl_l_repaints_every_cell(app):
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = Terminal(app, (80, 24))
        await settle(pilot)
        terminal.stream.feed("\x1b[5;5Hjunk")  # another program wrote over the dashboard
        assert terminal.stale_rows()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert terminal.stale_rows() == []


async def toggle_to(pilot, terminal: Terminal, view: type) -> PrinterGrid | PrinterTable:
    """Toggle the view; check the list now shown was drawn once, whole, and the screen is right."""
    terminal.regions.clear()
    await pilot.press("v")
    await settle(pilot)
    shown = pilot.app.screen.query_one(view)
    assert shown.display
    content = shown.scrollable_content_region  # without a scrollbar's column
    over_list = [region for region in terminal.regions if content.overlaps(region)]
    assert len(over_list) == 1 and over_list[0].contains_region(content), (view, over_list)
    assert terminal.stale_rows() == []
    return shown


async def test_a_view_toggle_draws_the_list_once_and_not_the_header_or_the_footer(app):
    """A toggle used to repaint the whole screen (a reactive on the screen, the focus moving) and
    then the list again (its resize): two full frames, seconds each on a slow link. The footer,
    told three to five times that the keys changed, laid the same keys out again each time."""
    async with app.run_test(size=(160, 48)) as pilot:
        terminal = Terminal(app, (160, 48))
        await settle(pilot)
        await pilot.press("v", "v")  # the table has been shown once: from now on, its size is known
        await settle(pilot)
        terminal.watch_regions()
        for view in (PrinterTable, PrinterGrid):
            shown = await toggle_to(pilot, terminal, view)
            assert not any(region.y < shown.region.y for region in terminal.regions), terminal.regions
            assert not any(region.y >= shown.region.bottom for region in terminal.regions), terminal.regions


def long_farm(sim_server):
    """An app on a farm of 300 printers, long enough for a scrollbar in both views."""
    farm = generate_farm(300, seed=7, clock=SimClock.frozen_at(), settings=FarmSettings(seed=7, realistic=True))
    sim_server.farm = farm
    return build_app(sim_server, farm), farm


async def test_each_list_of_a_long_farm_is_drawn_once_when_first_shown(sim_server):
    """Textual lays a list out again once its scrollbar appears, and the table's first showing was
    drawn twice; the grid's virtual width was taken before its scrollbar appeared, and the first
    toggle back to the cards drew the grid twice."""
    app, _ = long_farm(sim_server)
    async with app.run_test(size=(160, 48)) as pilot:
        terminal = Terminal(app, (160, 48))
        await settle(pilot)
        terminal.watch_regions()
        for view in (PrinterTable, PrinterGrid, PrinterTable):
            shown = await toggle_to(pilot, terminal, view)
            assert shown.show_vertical_scrollbar


async def test_the_first_poll_after_a_toggle_sends_only_what_changed(sim_server):
    """Textual keeps the repaints asked for while a list was hidden (or as it was shown) until the
    list's next repaint: the first poll after a toggle back to the cards repainted the whole grid
    and sent it again, 20-22 KB at 160x48. The cells the terminal shows already are not sent."""
    app, farm = long_farm(sim_server)
    async with app.run_test(size=(160, 48)) as pilot:
        terminal = Terminal(app, (160, 48))
        await settle(pilot)
        terminal.watch_regions()
        for view in (PrinterTable, PrinterGrid, PrinterTable, PrinterGrid):
            shown = await toggle_to(pilot, terminal, view)
            row = next(i for i, v in enumerate(shown.items[1:6], 1) if v.tools and v.tools[0][0])
            printer = bump_nozzle(farm, shown.items[row])
            terminal.regions.clear()
            terminal.written = 0
            app.poll_printers()
            await settle(pilot)
            assert shown.items[row].tools[0][0] == round(printer.temps[1])
            assert 0 < terminal.written <= 200, (view, terminal.written)
            assert terminal.stale_rows() == []


def bump_nozzle(farm, view):
    """One degree more on the printer's nozzle, in the simulated cloud; the printer."""
    printer = farm.printers[view.id]
    printer.temps[1] = float(round(printer.temps[1]) + 1)
    return printer


async def shown_over_the_grid(pilot, key: str, screen: str) -> tuple[Terminal, PrinterGrid]:
    """The grid at 160x48, then `key` shows `screen` over it; from then on the regions are watched."""
    app = pilot.app
    terminal = Terminal(app, (160, 48))
    await settle(pilot)
    grid = app.screen.query_one(PrinterGrid)
    await pilot.press(key)
    await settle(pilot)
    assert type(app.screen).__name__ == screen
    terminal.watch_regions()
    return terminal, grid


async def test_a_poll_under_a_job_queue_sends_nothing_of_the_grid_below(app, demo_farm):
    """Textual counts the grid under the (opaque) queue screen as on view: each poll's changed
    cards there repainted the queue screen, whole (17 KB at 160x48) once the regions went round."""
    async with app.run_test(size=(160, 48)) as pilot:
        terminal, grid = await shown_over_the_grid(pilot, "enter", "JobQueueScreen")
        for view in grid.items[1:4]:
            bump_nozzle(demo_farm, view)
        terminal.written = 0
        app.poll_printers()
        await settle(pilot)
        assert terminal.written <= 200, terminal.written
        header = app.screen.query_one("#printer-header").region  # the queue's printer: its own
        assert all(header.contains_region(region) for region in terminal.regions), terminal.regions
        assert terminal.stale_rows() == []


async def test_a_poll_under_help_sends_only_the_cells_that_changed(app, demo_farm):
    """Under a modal's dimmed backdrop the grid stays live, but the regions Textual hands from the
    screen below to the modal went round again on every poll, the first of them the whole screen:
    29 KB a poll while help was open."""
    async with app.run_test(size=(160, 48)) as pilot:
        terminal, grid = await shown_over_the_grid(pilot, "question_mark", "HelpScreen")
        for _ in range(2):
            bump_nozzle(demo_farm, grid.items[1])  # a card of the first row, beside the help box
            terminal.written = 0
            terminal.regions.clear()
            app.poll_printers()
            await settle(pilot)
            assert 0 < terminal.written <= 200, terminal.written
            assert sum(region.area for region in terminal.regions) <= 8, terminal.regions  # not the screen
            assert terminal.stale_rows() == []


async def test_a_screen_shown_is_written_once(app):
    """Textual repaints a screen whole two or three times as it is pushed or popped (help, a job
    queue, the filter box): each cell the terminal already shows is now written no more."""
    async with app.run_test(size=(160, 48)) as pilot:
        terminal = Terminal(app, (160, 48))
        await settle(pilot)
        terminal.written = 0
        await pilot.press("ctrl+l")
        await pilot.pause()
        full = terminal.written  # every cell of the grid screen, once
        assert full > 10_000
        for key, at_most in [
            ("question_mark", 1.0),
            ("escape", 1.02),
            ("enter", 0.85),
            ("escape", 1.02),
            ("slash", 1.02),
        ]:
            terminal.written = 0
            await pilot.press(key)
            await settle(pilot)
            assert terminal.written <= at_most * full, (key, terminal.written, full)
            assert terminal.stale_rows() == [], key


async def test_wide_and_joined_characters_in_names_leave_no_stale_cell(app, demo_farm):
    """Cells are told apart as Textual measures them: a name with a wide character, an emoji and
    an accent written as a letter and a combining mark; a degree more on each card goes out as
    its own few cells, and the screen matches a fresh render."""
    printers = sorted(demo_farm.printers.values(), key=lambda p: p.id)
    for printer, name in zip(printers, ["三号🔥x", "Cafe\u0301-2", "MK4🔥🔥"], strict=False):
        printer.name = name
    async with app.run_test(size=(160, 48)) as pilot:
        terminal = Terminal(app, (160, 48))
        await settle(pilot)
        grid = app.screen.query_one(PrinterGrid)
        assert {"三号🔥x", "MK4🔥🔥"} <= {view.name for view in grid.items}
        for _ in range(2):
            for view in grid.items[:6]:
                bump_nozzle(demo_farm, view)
            terminal.written = 0
            app.poll_printers()
            await settle(pilot)
            assert 0 < terminal.written <= 6 * 60, terminal.written
            assert terminal.stale_rows() == []
        await pilot.press("v")
        await settle(pilot)
        assert terminal.stale_rows() == []
