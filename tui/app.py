"""The farmdash App: wiring. It builds the screens, drives the farm sync and the action runner
from workers, and turns what they report into signals and notices.

The work lives in modules that know no widgets: `sync` (sessions, polling, back-off, job
look-ups), `actions` (the action table and runner), `store` (what the farm looks like), `rules`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.signal import Signal
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from api import AuthError, JobStatus, PrinterOSClient, PrinterOSError

from .actions import ACTIONS, READ_ONLY, ActionRunner, Outcome, Result, Sleep, keys_from_keymap
from .alerts import AlertSettings
from .app_bulk import BulkWiring
from .app_events import EventsWiring
from .commands import BindingCommands
from .eventlog import EventLog
from .output import by_span
from .rules import why_not
from .safe import plain
from .screens.confirm import ConfirmScreen
from .screens.help import HelpScreen
from .screens.login import LoginScreen
from .screens.printer_grid import PrinterGridScreen
from .session import Credentials, LoginOutcome, SessionStore
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
}

REFRESH_STEPS = [1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0]


class FarmDash(EventsWiring, BulkWiring, App[None]):
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
        self.runner = ActionRunner(client, self.store, read_only=read_only, sleep=sleep or asyncio.sleep)
        self.organization = organization
        self.username = username or (credentials.username if credentials else "")
        # Published with None (anything may have changed) or the set of printer ids that did.
        self.printers_changed: Signal[set[int] | None] = Signal(self, "printers-changed")
        self.jobs_changed: Signal[int] = Signal(self, "jobs-changed")
        self._timer: Timer | None = None
        self._next_try: tuple[float, Callable[[], object]] | None = None  # when and what the timer runs
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

    def key_for(self, kind: str) -> str:
        """The key the user presses for an action now, as the footer shows it (after the keymap)."""
        return keys_from_keymap(self._keymap, lambda key: self.get_key_display(Binding(key, "")))(kind)

    def binding_key(self, binding_id: str) -> str:
        """The key the user has for any binding id now (after the keymap), as the footer shows it."""
        classes = [*type(self.screen).__mro__, type(self)] if self.screen_stack else [type(self)]
        declared = [b for cls in classes for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]
        default = next((b.key for b in declared if b.id == binding_id), binding_id)
        key = self._keymap.get(binding_id, default).split(",")[0].strip()
        return self.get_key_display(Binding(key, ""))

    def get_key_display(self, binding: Binding) -> str:
        if binding.id and binding.id in self._keymap:  # a remapped key: its own name, not the default's
            binding = Binding(binding.key, binding.action)
        return super().get_key_display(binding)

    def _display(self, screen, renderable) -> None:
        """Write partial frames span by span (see tui/output.py): bytes in proportion to what changed."""
        super()._display(screen, by_span(renderable))

    # --- sessions and polling -----------------------------------------------------------------------

    def on_mount(self) -> None:
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
        if outcome.ok and self.sync.wanted_lookups():
            self.resolve_current_jobs()
        self._after(self.sync.next_delay(), self.poll_printers, "printers-poll")

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

    def action_redraw(self) -> None:
        """Repaint every cell, whatever the terminal shows now (after another program wrote over it)."""
        self.screen.refresh()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # --- printer actions ------------------------------------------------------------------------------

    def request_action(
        self, kind: str, printer_id: int | None, job_id: int | None = None, job_status: JobStatus | None = None
    ) -> None:
        """Check that the action applies, confirm if it must, then run it once."""
        if self.refuse_read_only():
            return
        printer = self.store.printers.get(printer_id) if printer_id is not None else None
        if printer_id is None or printer is None:
            self.notify("No printer selected.", severity="warning")
            return
        spec = ACTIONS[kind]
        name = printer.display_name
        doing = self.store.in_flight.get(printer_id)
        if doing:  # sent and not yet confirmed by a read: a second press sends nothing
            self.notify(f"{name}: {doing} already sent; waiting for the cloud to confirm.", timeout=3)
            return
        reason = why_not(kind, name, printer.state_kind, job_status, self.key_for)
        if reason:
            self.notify(reason, title=f"Cannot {spec.verb}", severity="warning")
            return
        claimed, busy = self.runner.claim(kind, [printer_id])
        if busy:
            self.notify(f"Already sent to {name}; waiting for the cloud.", timeout=2)
            return
        if spec.confirm is None:
            self.perform_action(kind, claimed, job_id)
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.perform_action(kind, claimed, job_id)
            else:
                self.runner.release(kind, claimed)

        target = f"job {job_id} on {name}" if job_id else name
        question = spec.confirm.format(target=target)
        self.push_screen(ConfirmScreen(question, confirm_label=spec.verb.capitalize(), names=(name,)), answered)

    def refuse_read_only(self) -> bool:
        """In read-only mode, say so and send nothing: True if the caller must stop here."""
        if self.read_only:
            self.notify(f"{READ_ONLY}.", title="Read-only", severity="warning", timeout=4)
        return self.read_only

    @work(exclusive=False, group="actions", exit_on_error=False)
    async def perform_action(self, kind: str, printer_ids: list[int], job_id: int | None) -> None:
        doing = ACTIONS[kind].doing
        for printer_id in printer_ids:  # `⧗ clearing…` on the card until a read confirms
            self.store.set_in_flight(printer_id, doing)
        self.printers_changed.publish(set(printer_ids))
        try:
            outcomes = await self.runner.run(kind, printer_ids, job_id=job_id)
            for outcome in outcomes:
                self._audit(outcome)
                self._tell(outcome)
            await self.after_actions(outcomes)
        finally:
            for printer_id in printer_ids:
                self.store.set_in_flight(printer_id, None)
            self.printers_changed.publish(None)

    async def after_actions(self, outcomes: list[Outcome]) -> None:
        """After a run: log in again if the session ended, else read the printers that were sent to."""
        if any(outcome.result is Result.SESSION_ENDED for outcome in outcomes):
            self.session_lost(next(o.message for o in outcomes if o.result is Result.SESSION_ENDED))
            return
        sent = [o.printer_id for o in outcomes if o.result in (Result.DONE, Result.REFUSED, Result.UNKNOWN)]
        for printer_id in sent:  # show what the printer is really doing now
            await self.sync.refresh_printer(printer_id)
            self.jobs_changed.publish(printer_id)
        self.printers_changed.publish(None)
        if self.sync.wanted_lookups():
            self.resolve_current_jobs()

    def _audit(self, outcome: Outcome) -> None:
        """Every action sent goes in the event log with its outcome, and who sent it."""
        words = f"{outcome.result.value}: {outcome.message}" if outcome.message else outcome.result.value
        sent = outcome.result in (Result.DONE, Result.UNKNOWN)
        self.events.on_action(
            self.clock(), outcome.printer_id, outcome.printer_name, outcome.kind, words,
            sent=sent, job_id=outcome.job_id, label=ACTIONS[outcome.kind].label.lower() if outcome.kind in ACTIONS else outcome.verb,
        )  # fmt: skip

    def _tell(self, outcome: Outcome) -> None:
        spec = ACTIONS[outcome.kind]
        if outcome.result is Result.DONE:
            self.notify(outcome.sentence, title="Done", timeout=4)
        elif outcome.result is Result.SESSION_ENDED:
            self.notify(
                f"Could not {spec.verb} on {outcome.printer_name}: {outcome.message} "
                f"Nothing was sent; press {self.key_for(outcome.kind)} again once logged in.",
                title="Not sent", severity="error", timeout=10,
            )  # fmt: skip
        elif outcome.result is Result.NOT_SENT:
            self.notify(
                f"Could not {spec.verb} on {outcome.printer_name}: {outcome.message} "
                f"Press {self.key_for(outcome.kind)} again when the cloud answers.",
                title="Not sent", severity="error", timeout=10,
            )  # fmt: skip
        elif outcome.result is Result.UNKNOWN:
            self.notify(outcome.sentence, title="Outcome unknown", severity="warning", timeout=8)
        elif outcome.result is Result.SKIPPED:
            self.notify(outcome.sentence, severity="warning")
        else:
            self.notify(outcome.message, title=f"Could not {spec.verb} on {outcome.printer_name}", severity="error")

    def request_reprint(self, printer_id: int, job_id: int) -> None:
        """Queue the file of an earlier job on this printer again (the API lists no files, jobs name them)."""
        if self.refuse_read_only():
            return
        claimed, _ = self.runner.claim("reprint", [job_id])
        if not claimed:
            self.notify("Already queueing that file; waiting for the cloud.", timeout=2)
            return
        self.reprint(printer_id, job_id)

    @work(exclusive=False, group="actions", exit_on_error=False)
    async def reprint(self, printer_id: int, job_id: int) -> None:
        name = self.runner.name_of(printer_id)
        try:
            filename, new_job = await self.runner.requeue(printer_id, job_id)
        except AuthError:
            raise
        except PrinterOSError as exc:
            log.info("print again on printer %s (job %s): %s", printer_id, job_id, exc.message)
            self.events.on_action(self.clock(), printer_id, name, "reprint", f"print again: refused: {exc.message}",
                                  sent=False, job_id=job_id)  # fmt: skip
            self.notify(exc.message, title=f"Could not queue on {name}", severity="error", timeout=8)
            return
        finally:
            self.runner.release("reprint", [job_id])
        log.info("print again on printer %s: job %s queued as job %s", printer_id, job_id, new_job)
        self.events.on_action(self.clock(), printer_id, name, "reprint", f"print again: queued as job {new_job}",
                              sent=True, job_id=job_id, filename=filename)  # fmt: skip
        start = self.key_for("start")
        self.notify(f"{filename} queued on {name} as job {new_job} ({start} starts it).", title="Queued", timeout=5)
        self.jobs_changed.publish(printer_id)

    async def on_unmount(self) -> None:
        self.close_alerts()
        await self.client.aclose()


def make_app(client: PrinterOSClient, **kwargs) -> FarmDash:
    """The one way to build the app: the CLI, the tests and the screenshot script all call this."""
    return FarmDash(client, **kwargs)
