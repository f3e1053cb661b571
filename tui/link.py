"""A slow link: never queue a frame behind a frame the terminal has not taken yet.

Textual 8.2.8 hands every frame to a writer thread through a queue of 30 writes. When the
terminal reads slowly (SSH at 8 KB/s: a full repaint of 115 KB takes 14 s) the thread blocks on
the pty, frames queue behind it, each one already stale, and once the queue is full `write()`
blocks the event loop itself: keys and polls stall and the backlog grows.

Here the writer counts what it was handed and what has reached the terminal (`MeteredWriter`),
and the app (`PacedOutput._display`) holds a frame back while anything is still unwritten: the
frame's regions go back into the screen's compositor, which keeps accumulating what changed, and
when the writer drains one frame with the union of those regions, drawn from the present state,
goes out. The screen converges to now, not through every past state, and the event loop never
waits on the terminal: a key acts at once and its frame goes out when the link allows.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Protocol

from rich.console import RenderableType
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Region
from textual.screen import Screen


class OutputLink(Protocol):
    """What the app asks of the way out to the terminal."""

    @property
    def backlog(self) -> int: ...

    def when_drained(self, callback: Callable[[], object]) -> None: ...


class MeteredWriter(WriterThread):
    """Textual's writer thread, counting the characters handed to it and those written out.

    `backlog` is the difference: text queued or in a write the terminal has not taken yet. A
    callback given to `when_drained` runs (on this thread) once the backlog is back to zero.
    """

    def __init__(self, file) -> None:
        super().__init__(file)
        self._count_lock = threading.Lock()
        self._handed = 0
        self._written = 0
        self._waiting: list[Callable[[], object]] = []

    @property
    def backlog(self) -> int:
        return self._handed - self._written

    def write(self, text: str) -> None:
        with self._count_lock:
            self._handed += len(text)
        super().write(text)

    def when_drained(self, callback: Callable[[], object]) -> None:
        with self._count_lock:
            if self._handed != self._written:
                self._waiting.append(callback)
                return
        callback()

    def run(self) -> None:
        """Textual's loop (write, flush when the queue is empty), counting what was flushed."""
        write, flush, get, qsize = self._file.write, self._file.flush, self._queue.get, self._queue.qsize
        unflushed = 0
        while (text := get()) is not None:
            write(text)
            unflushed += len(text)
            if qsize() == 0:
                flush()
                self._wrote(unflushed)
                unflushed = 0
        flush()
        self._wrote(unflushed)

    def _wrote(self, count: int) -> None:
        with self._count_lock:
            self._written += count
            drained, self._waiting = (self._waiting, []) if self._written == self._handed else ([], self._waiting)
        for callback in drained:
            callback()


class MeteredLinuxDriver(LinuxDriver):
    """The Linux driver with a `MeteredWriter`: the app can see when the terminal falls behind."""

    def start_application_mode(self) -> None:
        super().start_application_mode()
        plain = self._writer_thread
        if plain is not None and not isinstance(plain, MeteredWriter):
            plain.stop()  # writes what it holds (alternate screen, mouse modes) before it ends
            self._writer_thread = MeteredWriter(self._file)
            self._writer_thread.start()

    @property
    def backlog(self) -> int:
        writer = self._writer_thread
        return writer.backlog if isinstance(writer, MeteredWriter) else 0

    def when_drained(self, callback: Callable[[], object]) -> None:
        writer = self._writer_thread
        if isinstance(writer, MeteredWriter):
            writer.when_drained(callback)
        else:
            callback()


def metered(driver_class: type) -> type:
    """The metered driver where the platform's driver is the Linux one; else the platform's."""
    return MeteredLinuxDriver if driver_class is LinuxDriver else driver_class


def update_regions(update: CompositorUpdate) -> list[Region] | None:
    """The screen regions a frame would repaint (None: a kind of update this does not hold back)."""
    if isinstance(update, LayoutUpdate):
        return [update.region]
    if isinstance(update, ChopsUpdate):
        return [Region(x1, y, x2 - x1, 1) for y, x1, x2 in update.spans]
    return None


class PacedOutput:
    """App mixin: a frame waits while the terminal is behind; then one frame says what changed."""

    _frame_waiting = False

    def get_driver_class(self) -> type:
        return metered(super().get_driver_class())  # type: ignore[misc]

    def _output_link(self) -> OutputLink | None:
        """The driver, if it can say how far behind the terminal is (the metered Linux driver)."""
        driver = self._driver  # type: ignore[attr-defined]
        return driver if hasattr(driver, "when_drained") and hasattr(driver, "backlog") else None

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        link = self._output_link()
        if link is not None and isinstance(renderable, CompositorUpdate) and link.backlog > 0:
            regions = update_regions(renderable)
            if regions is not None:
                self._hold_frame(screen, regions, link)
                return
        super()._display(screen, renderable)  # type: ignore[misc]

    def _hold_frame(self, screen: Screen, regions: list[Region], link: OutputLink) -> None:
        # Back into the compositor: the next frame repaints these regions with what they show then.
        screen._compositor._dirty_regions.update(regions)
        if self._frame_waiting:
            return
        self._frame_waiting = True
        loop = asyncio.get_running_loop()

        def drained() -> None:  # on the writer's thread
            with contextlib.suppress(RuntimeError):  # the loop closed: farmdash is exiting
                loop.call_soon_threadsafe(self._send_held_frame)

        link.when_drained(drained)

    def _send_held_frame(self) -> None:
        """The terminal caught up: let the screen's next update write what accumulated."""
        self._frame_waiting = False
        if not self._running or not self.screen_stack:  # type: ignore[attr-defined]
            return
        screen: Screen = self.screen  # type: ignore[attr-defined]
        if screen._compositor._dirty_regions:
            screen._dirty_widgets.add(screen)  # the screen's update timer renders the compositor's regions
            screen.check_idle()
