"""The farmdash App: wiring. It builds the screens, drives the farm sync and the action runner
from workers, and turns what they report into signals and notices.

The work lives in modules that know no widgets: `sync` (sessions, polling, back-off, job
look-ups), `actions` (the action table and runner), `store` (what the farm looks like), `rules`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from rich.console import RenderableType
from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.signal import Signal
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from api import AuthError, PrinterOSClient
from api.pace import PACE

from .actions import ActionRunner, Sleep, default_key_of
from .alerts import AlertSettings
from .app_actions import ActionsWiring
from .app_bulk import BulkWiring
from .app_events import EventsWiring
from .collector import PollCollector
from .commands import BindingCommands
from .eventlog import EventLog
from .link import PacedOutput
from .output import Shadow, by_span
from .safe import plain
from .screens.help import HelpScreen
from .screens.login import LoginScreen
from .screens.printer_grid import DRAWING_GROUP, PrinterGridScreen
from .session import Credentials, LoginOutcome, SessionStore
from .strips import keep_strips_acyclic
from .sync import FarmSync

__all__ = ["Credentials", "FarmDash", "SessionStore", "make_app"]

log = logging.getLogger("farmdash.tui")

MAX_NOTICES_SMALL, MAX_NOTICES, SMALL_HEIGHT = 2, 4, 30
# What a background task was doing, for a notice in words (its exception goes to the log only).
TASK_WORDS = {
    "poll_printers": "reading the farm",
    "resolve_current_jobs": "looking up running jobs",
    "perform_action": "sending an action",
    "reprint": "queueing a file again",
    "connect": "logging in",
    "poll_jobs": "reading the job queue",
    "load_job": "reading the job",
    "refresh_views_in_slices": "drawing the printers",
}

REFRESH_STEPS = [1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0]
# How long the whole collection after a poll waits for a key pressed during the young one to come
# in from the driver's thread (it then waits for the screen to be idle: the key drawn).
KEY_HANDOVER_SECONDS = 0.010
# A key held down (auto-repeat) puts the collections after a poll off this long at most.
COLLECT_PUT_OFF_SECONDS = 1.0
# Input a person is waiting on: a poll's slices give way until its answer is drawn (api/pace.py).
# Not the pointer's moves: they come by the dozen and mostly draw nothing.
WAITED_ON = (events.Key, events.Paste, events.MouseDown, events.MouseUp, events.MouseScrollDown, events.MouseScrollUp)


class FarmDash(EventsWiring, ActionsWiring, BulkWiring, PacedOutput, App[None]):
    TITLE = "farmdash"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {BindingCommands}

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("plus,equals_sign", "faster", "Faster refresh", id="faster", key_display="+", show=False),
        Binding("minus", "slower", "Slower refresh", id="slower", key_display="-", show=False),
        Binding("ctrl+p", "command_palette", "Commands", id="palette", show=False),
        Binding("L", "event_log", "Event log", id="event-log", show=False),
        Binding("ctrl+l", "redraw", "Redraw the screen", id="redraw", show=False),
    ]

    def __init__(
        self,
        client: PrinterOSClient,
        *,
        refresh_seconds: float = 3.0,
        clock: Callable[[], datetime] | None = None,
        credentials: Credentials | None = None,
        session_store: SessionStore | None = None,
        organization: str = "",
        username: str = "",
        event_log: EventLog | None = None,
        alerts: AlertSettings | None = None,
        read_only: bool = False,
        stagger_seconds: float = 10.0,
        sleep: Sleep | None = None,
        files_dir: str | None = None,
    ) -> None:
        super().__init__()
        keep_strips_acyclic()
        self._shadow = Shadow()  # what the terminal shows: a frame writes only the cells that differ
        self._answers_due = 0  # input handled whose answer no frame has written yet (api/pace.py)
        self._leaving = False  # quit: input still queued is dropped (`exit`)
        self.client = client
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sync = FarmSync(
            client, credentials=credentials, session_store=session_store, clock=self.clock,
            refresh_seconds=refresh_seconds,
        )  # fmt: skip
        self.store = self.sync.store
        # Read-only: every key that would send something says so and sends nothing (wall displays).
        self.read_only = read_only
        self.stagger_seconds = stagger_seconds
        self.files_dir = files_dir  # where the file picker opens
        self.upload_clock = time.monotonic  # upload speed and time left; snapshots pass a steady one
        self.collector = PollCollector()  # `farmdash` starts it; tests keep Python's own timing
        self.runner = ActionRunner(client, self.store, read_only=read_only, sleep=sleep or asyncio.sleep)
        self.organization = organization
        self.username = username or (credentials.username if credentials else "")
        # Published with None (anything may have changed) or the set of printer ids that did.
        self.printers_changed: Signal[set[int] | None] = Signal(self, "printers-changed")
        self.jobs_changed: Signal[int] = Signal(self, "jobs-changed")
        self._timer: Timer | None = None
        self._next_try: tuple[float, Callable[[], object]] | None = None  # when and what the timer runs
        self.requeued: dict[int, int] = {}  # printer -> the job "print again" just queued on it
        self.timer_clock: Callable[[], float] = time.monotonic  # for "retry in N s" (snapshots pin it)
        self._login_shown = False
        self.worker_errors: list[BaseException | None] = []
        self._wire_events(event_log or EventLog(None), alerts or AlertSettings())

    @property
    def refresh_seconds(self) -> float:
        return self.sync.refresh_seconds

    @refresh_seconds.setter
    def refresh_seconds(self, seconds: float) -> None:
        self.sync.refresh_seconds = seconds

    @property
    def credentials(self) -> Credentials | None:
        return self.sync.credentials

    @credentials.setter
    def credentials(self, credentials: Credentials | None) -> None:
        self.sync.credentials = credentials

    @property
    def workgroups(self) -> dict[int, str]:
        return self.sync.workgroups

    def notify(self, message: str, *, title: str = "", severity="information", timeout=None, markup=False) -> None:
        """Notifications carry cloud text (printer names, error messages): shown literally by default."""
        super().notify(plain(message), title=plain(title), severity=severity, timeout=timeout, markup=markup)

    def _on_notify(self, event) -> None:
        """Notices stack at most two deep on a small terminal (four on a big one), the newest kept:
        a burst of them must not climb over the header's live/STALE marker."""
        super()._on_notify(event)
        limit = MAX_NOTICES_SMALL if self.size.height < SMALL_HEIGHT else MAX_NOTICES
        for old in list(self._notifications)[:-limit]:
            self._unnotify(old, refresh=False)
        self._refresh_notifications()

    def binding_key(self, binding_id: str) -> str:
        """The key the user presses for a binding now (after the keymap), as the footer shows it:
        the one source for every text that names a key. The default is the binding's own on the
        screen shown, the screens under it or the app, else the action table's (a dialog over the
        grid still names the grid's keys right)."""
        key = self._keymap.get(binding_id) or self._default_key(binding_id)
        return self.get_key_display(Binding(key.split(",")[0].strip(), ""))

    def _default_key(self, binding_id: str) -> str:
        screens = [self.screen, *reversed(self.screen_stack)] if self.screen_stack else []
        for cls in [*(c for screen in screens for c in type(screen).__mro__), *type(self).__mro__]:
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id == binding_id:
                    return binding.key
        return default_key_of(binding_id) or binding_id

    def get_key_display(self, binding: Binding) -> str:
        if binding.id and binding.id in self._keymap:  # a remapped key: its own name, not the default's
            binding = Binding(binding.key, binding.action)
        return super().get_key_display(binding)

    def _display(self, screen, renderable) -> None:
        """Write partial frames span by span (see tui/output.py): bytes in proportion to what changed;
        a frame waits while the terminal is behind (see tui/link.py)."""
        self._shadow.fit((self.size.width, self.size.height))
        super()._display(screen, by_span(renderable, self._shadow))
        while self._answers_due:  # input handled before this frame: its answer is on its way out
            self._answers_due -= 1
            PACE.resume()

    def post_message(self, message: Message) -> bool:
        """Input from the driver (a key, a click, a scroll, a paste): the poll's slices give way
        from now, before its first hop through the loop (each hop otherwise queued behind a slice)."""
        if isinstance(message, WAITED_ON) and not message.is_forwarded:
            with contextlib.suppress(RuntimeError):  # not on the loop's thread: no poll to hold
                PACE.give_way()
        return super().post_message(message)

    def exit(self, result: Any = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Input read with the quit key (typed ahead, a paste) is not acted on: it is queued before
        the exit, and a dialog it opened would mount on a closing app and show its traceback."""
        self._leaving = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        """Once input is handled, the next frame written lets the slices go on. A key sent on to
        the focused widget is handled when it bubbles back here (the bindings run then); a key a
        widget keeps (typing in the filter) or one that draws nothing lets them go on at the cap."""
        waited_on = isinstance(event, WAITED_ON)
        if waited_on and self._leaving:
            return
        came_back = waited_on and event.is_forwarded
        await super().on_event(event)
        if came_back or (waited_on and not event.is_forwarded):
            self._answers_due += 1  # the next frame written shows what it did

    # --- sessions and polling -----------------------------------------------------------------------

    def on_mount(self) -> None:
        # Back from a suspend (ctrl+z, then fg) the terminal shows the shell's lines, not ours, and
        # Textual repaints nothing at the same size.
        self.app_resume_signal.subscribe(self, lambda _: self.action_redraw())
        self.push_screen(PrinterGridScreen())
        self.connect()

    def _after(self, delay: float, callback: Callable[[], object], name: str) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._next_try = (self.timer_clock() + max(0.0, delay), callback)
        if delay <= 0:
            callback()
        else:
            self._timer = self.set_timer(delay, callback, name=name)

    def retry_in(self) -> float | None:
        """Seconds to the next read while the cloud fails (the header says it), else None."""
        if not self.sync.failures or self._next_try is None:
            return None
        return max(0.0, math.ceil(self._next_try[0] - self.timer_clock()))

    def retry_now(self) -> None:
        """`r`: read the farm now instead of waiting out the back-off (or the next poll)."""
        callback = self._next_try[1] if self._next_try and self.sync.failures else self.poll_printers
        if not self.client.has_session:
            callback = self.connect
        self._after(0, callback, "retry-now")

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self) -> None:
        """Use the saved session if there is one; else log in from credentials; else ask."""
        outcome = await self.sync.connect()
        if outcome is LoginOutcome.UNREACHABLE:
            self.printers_changed.publish(None)
            self._after(self.sync.next_delay(), self.connect, "connect-retry")
        elif outcome is LoginOutcome.OK:
            await self.sync.load_workgroups()
            self.poll_printers()
        else:
            self.show_login(self.sync.login_reason)

    def show_login(self, message: str = "") -> None:
        if self._login_shown:
            return
        self._login_shown = True

        def done(username: str | None) -> None:
            self._login_shown = False
            if username:
                self.username = username
                self.events.who = username
                self.sync.logged_in_by_hand()
                self.connect()

        self.push_screen(LoginScreen(default_username=self.username, message=plain(message)), done)

    def session_lost(self, message: str) -> None:
        """The cloud refused the session: log in again (later each time), or bring the login screen back."""
        self.sync.session_lost(plain(message))
        self.printers_changed.publish(None)
        self._after(self.sync.relogin_delay(), self.connect, "relogin")

    @work(exclusive=True, group="printers-poll", exit_on_error=False)
    async def poll_printers(self) -> None:
        """One request for the whole farm, whatever its size; the next one is scheduled after it."""
        outcome = await self.sync.poll()
        if outcome.session_lost is not None:
            self.session_lost(outcome.session_lost)
            return
        self.printers_changed.publish(None)
        self.call_after_refresh(self._collect_when_drawn)
        if outcome.ok and self.sync.wanted_lookups():
            self.resolve_current_jobs()
        self._after(self.sync.next_delay(), self.poll_printers, "printers-poll")

    def _collect_when_drawn(self) -> None:
        """The collector's turn comes once the poll's cards are drawn and on screen, not between,
        and not while a key is answered (a collection holds the loop and the writer's thread)."""
        if any(worker.group == DRAWING_GROUP and not worker.is_finished for worker in self.workers):
            self.call_after_refresh(self._collect_when_drawn)
            return
        # A turn of the loop of its own: called here, it ran in the same turn as the frame's render,
        # and a key pressed then waited for both (up to ~27 ms at 5,000 printers, ~10-15 each).
        loop = asyncio.get_running_loop()
        self._when_calm(partial(loop.call_soon, self.collector.after_poll, self._when_keys_are_answered))

    def _when_keys_are_answered(self, callback: Callable[[], None]) -> None:
        """Run `callback` (the whole collection) once a key pressed meanwhile is handled and drawn.

        A key takes a few turns of the loop to arrive from the driver's thread and reach its widget:
        a callback simply queued next ran before it, and the key waited for both collections. So the
        screen's next idle moment after a short wait for the key to be handed over, and none while
        a key is answered."""
        asyncio.get_running_loop().call_later(
            KEY_HANDOVER_SECONDS, self._when_calm, partial(self.call_after_refresh, callback), KEY_HANDOVER_SECONDS
        )

    def _when_calm(self, callback: Callable[[], object], put_off: float = 0.0) -> None:
        """`callback` once no key is being answered and its frame is out, or once keys have kept
        coming for `COLLECT_PUT_OFF_SECONDS` (a key held down)."""
        if PACE.answering(KEY_HANDOVER_SECONDS) and put_off < COLLECT_PUT_OFF_SECONDS:
            asyncio.get_running_loop().call_later(
                KEY_HANDOVER_SECONDS, self._when_calm, callback, put_off + KEY_HANDOVER_SECONDS
            )
        else:
            callback()

    @work(exclusive=True, group="jobs-resolve", exit_on_error=False)
    async def resolve_current_jobs(self) -> None:
        """Find the running job of printers that just started one (file name, finish time)."""
        while done := await self.sync.resolve_jobs():
            self.printers_changed.publish(done)

    def show_printers(self, printer_ids: set[int]) -> None:
        """The screen says which printers are on screen now; look up their jobs if not known yet."""
        if self.sync.show_printers(printer_ids):
            self.resolve_current_jobs()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_changed(event.worker)

    def worker_changed(self, worker: Worker) -> None:
        """The one place a failed worker lands, from any screen: logged in full, told in one line."""
        if worker.state is not WorkerState.ERROR:
            return
        error = worker.error
        if isinstance(error, AuthError):
            self.session_lost(error.message)
            return
        self.worker_errors.append(error)
        log.error("worker %s failed", worker.name, exc_info=error)
        doing = TASK_WORDS.get(worker.name or "", "working in the background")
        self.notify(
            f"Something went wrong in farmdash while {doing}. It carries on; the details are in the log.",
            title="farmdash hit a snag", severity="error", timeout=10,
        )  # fmt: skip

    # --- refresh interval and help ------------------------------------------------------------------

    def _set_refresh(self, seconds: float) -> None:
        self.refresh_seconds = seconds
        self.notify(f"Refreshing every {seconds:g} s", timeout=2)
        self.printers_changed.publish(None)
        if self.client.has_session and not self.sync.failures:
            self._after(seconds, self.poll_printers, "printers-poll")

    def action_faster(self) -> None:
        smaller = [s for s in REFRESH_STEPS if s < self.refresh_seconds]
        self._set_refresh(smaller[-1] if smaller else REFRESH_STEPS[0])

    def action_slower(self) -> None:
        larger = [s for s in REFRESH_STEPS if s > self.refresh_seconds]
        self._set_refresh(larger[0] if larger else REFRESH_STEPS[-1])

    def on_resize(self) -> None:
        """A terminal of a new size may have redrawn or dropped what it showed: the frames from now
        on write every cell they cover (told of the same size, as back from a suspend, it costs
        nothing until the next frame)."""
        self._shadow.forget()

    def action_redraw(self) -> None:
        """Repaint every cell, whatever the terminal shows now (after another program wrote over it)."""
        self._shadow.forget()
        self.screen.refresh()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def on_unmount(self) -> None:
        self.close_alerts()
        await self.client.aclose()


def make_app(client: PrinterOSClient, **kwargs) -> FarmDash:
    """The one way to build the app: the CLI, the tests and the screenshot script all call this."""
    return FarmDash(client, **kwargs)
