"""A slow link: a frame waits while the terminal is behind, then one frame brings it to the present."""

from __future__ import annotations

import os
import threading

from tui.ascii_driver import ascii_driver
from tui.link import MeteredLinuxDriver, MeteredWriter
from tui.widgets.printer_grid import PrinterGrid

from .conftest import settle
from .test_screen_output import Terminal


class SlowLink:
    """A terminal that has not read `backlog` characters yet; `drain` is the moment it catches up."""

    def __init__(self, backlog: int) -> None:
        self.backlog = backlog
        self.waiting: list = []

    def when_drained(self, callback) -> None:
        if self.backlog:
            self.waiting.append(callback)
        else:
            callback()

    def drain(self) -> None:
        self.backlog = 0
        waiting, self.waiting = self.waiting, []
        for callback in waiting:
            callback()


def test_the_writer_counts_what_the_terminal_has_not_taken():
    read_end, write_end = os.pipe()
    writer = MeteredWriter(os.fdopen(write_end, "w", encoding="utf-8"))
    writer.start()
    drained = threading.Event()
    try:
        writer.write("x" * 200_000)  # more than a pipe holds: the thread blocks until it is read
        assert writer.backlog > 0
        writer.when_drained(drained.set)
        assert not drained.is_set()
        taken = 0
        while taken < 200_000:
            taken += len(os.read(read_end, 65536))
        assert drained.wait(5)
        assert writer.backlog == 0
        called = []
        writer.when_drained(lambda: called.append(True))  # nothing pending: at once
        assert called == [True]
    finally:
        writer.stop()
        os.close(read_end)


async def test_a_frame_waits_while_the_terminal_is_behind_then_one_frame_says_what_changed(app):
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = Terminal(app, (80, 24))
        await settle(pilot)
        await pilot.press("ctrl+l")  # the whole screen, whatever was drawn before the terminal was watched
        await pilot.pause()
        frames: list[str] = []
        write = app._driver.write
        app._driver.write = lambda data: (frames.append(data), write(data))
        link = SlowLink(backlog=50_000)
        app._output_link = lambda: link
        grid = app.screen.query_one(PrinterGrid)
        start, shown = grid.cursor, terminal.cells()

        await pilot.press("l", "l")  # the keys act at once...
        app.poll_printers()
        await settle(pilot)
        assert grid.cursor == start + 2
        assert frames == []  # ...but nothing is written while the terminal is behind
        assert terminal.cells() == shown  # it still shows the selection where it was

        link.drain()
        await pilot.pause()
        await pilot.pause(0.2)
        assert len(frames) == 1  # one frame, not one per change
        assert terminal.stale_rows() == []  # and it shows the present: the selection two cards on


async def test_frames_flow_when_the_terminal_keeps_up(app):
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = Terminal(app, (80, 24))
        await settle(pilot)
        await pilot.press("ctrl+l")  # the whole screen, whatever was drawn before the terminal was watched
        await pilot.pause()
        link = SlowLink(backlog=0)
        app._output_link = lambda: link
        terminal.written = 0
        await pilot.press("l")
        await pilot.pause()
        assert terminal.written > 0
        assert terminal.stale_rows() == []


def test_the_dashboard_draws_through_the_metered_driver(app):
    assert issubclass(app.driver_class, MeteredLinuxDriver)
    assert issubclass(ascii_driver(app.driver_class), MeteredLinuxDriver)  # LANG=C and TERM=vt100 too
