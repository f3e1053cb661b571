"""The farmdash app: owns the client, the farm store, the printer poller and the printer actions.

Screens show and ask; the app talks to the cloud. Everything reaches the network through
`api.PrinterOSClient`, in async workers on the app's loop, so input never waits for the cloud.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from api import ApiError, AuthError, JobStatus, PrinterOSClient, PrinterOSError, PrinterState

from .commands import BindingCommands
from .rules import ACTIONS, why_not
from .safe import plain
from .session import Credentials, SessionStore
from .store import CurrentJob, FarmStore

log = logging.getLogger("farmdash.tui")

REFRESH_STEPS = [1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0]
MAX_BACKOFF = 30.0
RESOLVE_CONCURRENCY = 6


class FarmDash(App[None]):
    TITLE = "farmdash"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {BindingCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("plus,equals_sign", "faster", "Faster refresh", id="faster", key_display="+", show=False),
        Binding("minus", "slower", "Slower refresh", id="slower", key_display="-", show=False),
        Binding("ctrl+p", "command_palette", "Commands", id="palette", show=False),
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
    ) -> None:
        super().__init__()
        self.client = client
        self.refresh_seconds = refresh_seconds
        self.clock = clock or (lambda: datetime.now(UTC))
        self.credentials = credentials
        self.session_store = session_store
        self.organization = organization
        self.username = username or (credentials.username if credentials else "")
        self.store = FarmStore()
        self.workgroups: dict[int, str] = {}
        # Published with None (anything may have changed) or the set of printer ids that did.
        self.printers_changed: Signal[set[int] | None] = Signal(self, "printers-changed")
        self.jobs_changed: Signal[int] = Signal(self, "jobs-changed")
        self._poll_timer = None
        self._failures = 0
        self._pending_lookups: set[int] = set()
        self._resolving = False
        # Printers on screen: only their running job is looked up (two requests each), so a
        # 5,000-printer farm costs a screenful of look-ups, not thousands.
        self.visible_printers: set[int] | None = None
        self._in_flight: set[tuple[str, int]] = set()
        self._login_shown = False
        self._login_reason = ""
        self.polls = 0
        self.worker_errors: list[BaseException | None] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications carry cloud text (printer names, error messages): shown literally by default."""
        super().notify(plain(message), title=plain(title), severity=severity, timeout=timeout, markup=markup)

    # --- start-up and sessions --------------------------------------------------------------------

    def on_mount(self) -> None:
        from .screens.printer_grid import PrinterGridScreen

        self.push_screen(PrinterGridScreen())
        self.connect()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self) -> None:
        """Use the saved session if there is one; else log in from credentials; else ask."""
        if not self.client.has_session:
            outcome = await self._login_from_credentials()
            if outcome == "unreachable":
                return  # a retry is scheduled
            if outcome != "ok":
                self.show_login(outcome if outcome != "none" else self._login_reason)
                return
        await self._after_login()

    async def _login_from_credentials(self) -> str:
        """ "ok", "none" (no credentials), "unreachable" (retry later), or why the cloud refused."""
        if self.credentials is None:
            return "none"
        try:
            await self.client.login(self.credentials.username, self.credentials.password)
        except AuthError as exc:
            username = self.credentials.username
            self.credentials = None
            return plain(f"Login as {username} refused: {exc.message}")
        except PrinterOSError as exc:
            self._failures += 1
            self.store.mark_stale(problem_text(exc), self.clock())
            self.printers_changed.publish(None)
            self._retry_connect(self._backoff())
            return "unreachable"
        self._failures = 0
        self._save_session()
        return "ok"

    def _retry_connect(self, delay: float) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self._poll_timer = self.set_timer(delay, self.connect, name="connect-retry")

    def _save_session(self) -> None:
        if self.session_store is not None:
            try:
                self.session_store.save(self.client.session)
            except OSError as exc:
                log.warning("cannot save the session: %s", exc.strerror)

    def show_login(self, message: str = "") -> None:
        from .screens.login import LoginScreen

        if self._login_shown:
            return
        self._login_shown = True

        def done(username: str | None) -> None:
            self._login_shown = False
            if username:
                self.username = username
                self._save_session()
                self.run_worker(self._after_login(), group="connect", exclusive=True, exit_on_error=False)

        self.push_screen(LoginScreen(default_username=self.username, message=message), done)

    async def _after_login(self) -> None:
        await self._load_workgroups()
        self.poll_printers()

    async def _load_workgroups(self) -> None:
        try:
            groups = await self.client.get_workgroups_simple_list()
        except PrinterOSError as exc:
            log.info("workgroups unavailable: %s", exc)
            return
        self.workgroups = {group.id: group.name for group in groups}

    def session_lost(self, message: str) -> None:
        """The cloud refused the session: log in again from credentials, or bring the login screen back."""
        self.client.session = None
        self._login_reason = plain(f"The cloud ended the session ({message}). Log in again.")
        if self.session_store is not None:
            self.session_store.clear()
        self.store.mark_stale(plain(f"Session ended: {message}"), self.clock())
        self.printers_changed.publish(None)
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self.connect()

    # --- polling printers ---------------------------------------------------------------------------

    def _backoff(self) -> float:
        return min(MAX_BACKOFF, self.refresh_seconds * (2 ** min(self._failures, 6)))

    def _schedule_poll(self, delay: float) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self._poll_timer = self.set_timer(delay, self.poll_printers, name="printers-poll")

    @work(exclusive=True, group="printers-poll", exit_on_error=False)
    async def poll_printers(self) -> None:
        """One request for the whole farm, whatever its size; the next one is scheduled after it."""
        try:
            printers = await self.client.get_organization_printers_list()
        except AuthError as exc:
            self.session_lost(exc.message)
            return
        except PrinterOSError as exc:
            self._failures += 1
            self.store.mark_stale(problem_text(exc), self.clock())
            self.printers_changed.publish(None)
            self._schedule_poll(self._backoff())
            return
        self._failures = 0
        self.polls += 1
        lookups = self.store.replace_printers(printers, self.clock())
        self.printers_changed.publish(None)
        if lookups:
            self._pending_lookups |= lookups
            self.resolve_current_jobs()
        self._schedule_poll(self.refresh_seconds)

    @work(exclusive=False, group="jobs-resolve", exit_on_error=False)
    async def resolve_current_jobs(self) -> None:
        """Find the running job of printers that just started one (file name, finish time)."""
        if self._resolving:
            return
        self._resolving = True
        semaphore = asyncio.Semaphore(RESOLVE_CONCURRENCY)
        try:
            while True:
                wanted = (
                    self._pending_lookups
                    if self.visible_printers is None
                    else self._pending_lookups & self.visible_printers
                )
                if not wanted:
                    break
                batch = sorted(wanted)[: RESOLVE_CONCURRENCY * 4]
                self._pending_lookups.difference_update(batch)

                async def one(printer_id: int) -> None:
                    async with semaphore:
                        await self._resolve(printer_id)

                await asyncio.gather(*(one(pid) for pid in batch))
                self.printers_changed.publish(set(batch))
        finally:
            self._resolving = False

    def show_printers(self, printer_ids: set[int]) -> None:
        """The screen says which printers are on screen now; look up their jobs if not known yet."""
        self.visible_printers = printer_ids
        if self._pending_lookups & printer_ids:
            self.resolve_current_jobs()

    async def _resolve(self, printer_id: int) -> None:
        try:
            page = await self.client.get_printer_jobs(printer_id, is_actual=True, limit=20)
            running = next((job for job in page if job.status is JobStatus.PRINTING), None)
            if running is None:
                self.store.set_current_job(printer_id, CurrentJob(None))
                return
            info = await self.client.get_job_info(running.id)
        except AuthError:
            return
        except ApiError:
            self.store.set_current_job(printer_id, CurrentJob(None))
            return
        except PrinterOSError:
            return  # the next poll asks again
        if printer_id in self.store.printers:
            self.store.set_current_job(
                printer_id, CurrentJob(running.id, info.filename or running.filename, info.printing_duration)
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker lands: logged in full, told in one line, never a crash."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.worker_errors.append(error)
            log.error("worker %s failed", event.worker.name, exc_info=error)
            self.notify(
                f"{event.worker.name or 'A background task'} failed: {type(error).__name__}: {error}",
                title="Internal error (details in the log)",
                severity="error",
                timeout=10,
            )

    # --- refresh interval ---------------------------------------------------------------------------

    def _set_refresh(self, seconds: float) -> None:
        self.refresh_seconds = seconds
        self.notify(f"Refreshing every {seconds:g} s", timeout=2)
        self.printers_changed.publish(None)
        if self.client.has_session and self._failures == 0:
            self._schedule_poll(seconds)

    def action_faster(self) -> None:
        smaller = [s for s in REFRESH_STEPS if s < self.refresh_seconds]
        self._set_refresh(smaller[-1] if smaller else REFRESH_STEPS[0])

    def action_slower(self) -> None:
        larger = [s for s in REFRESH_STEPS if s > self.refresh_seconds]
        self._set_refresh(larger[0] if larger else REFRESH_STEPS[-1])

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # --- printer actions ------------------------------------------------------------------------------

    def request_action(
        self, kind: str, printer_id: int | None, job_id: int | None = None, job_status: JobStatus | None = None
    ) -> None:
        """Check that the action applies, confirm if it must, then run it once."""
        if printer_id is None or printer_id not in self.store.printers:
            self.notify("No printer selected.", severity="warning")
            return
        printer = self.store.printers[printer_id]
        reason = why_not(kind, printer.name, printer.state_kind, job_status)
        if reason:
            self.notify(plain(reason), title=f"Cannot {ACTIONS[kind].verb}", severity="warning")
            return
        if (kind, printer_id) in self._in_flight:
            self.notify(
                plain(f"Already sent to {printer.name}; waiting for the cloud."), severity="information", timeout=2
            )
            return
        action = ACTIONS[kind]
        if action.confirm:
            from .screens.confirm import ConfirmScreen

            target = f"job {job_id} on {printer.name}" if job_id else printer.name
            self._in_flight.add((kind, printer_id))

            def answered(ok: bool | None) -> None:
                if ok:
                    self.perform_action(kind, printer_id, job_id)
                else:
                    self._in_flight.discard((kind, printer_id))

            self.push_screen(
                ConfirmScreen(action.confirm.format(target=target), confirm_label=action.verb.capitalize()), answered
            )
            return
        self._in_flight.add((kind, printer_id))
        self.perform_action(kind, printer_id, job_id)

    @work(exclusive=False, group="actions", exit_on_error=False)
    async def perform_action(self, kind: str, printer_id: int, job_id: int | None) -> None:
        printer = self.store.printers.get(printer_id)
        name = printer.name if printer else str(printer_id)
        action = ACTIONS[kind]
        try:
            if kind == "tray":
                await self.client.printer_clear_build_tray(printer_id)
            else:
                if job_id is None:
                    job_id = await self._job_for(kind, printer_id)
                if job_id is None:
                    what = "queued job" if kind == "start" else "running job"
                    self.notify(plain(f"{name} has no {what} to {action.verb}."), severity="warning")
                    return
                method = {
                    "pause": self.client.job_pause,
                    "resume": self.client.job_unpause,
                    "cancel": self.client.job_cancel,
                    "start": self.client.job_start,
                }[kind]
                await method(job_id)
        except AuthError as exc:
            self.session_lost(exc.message)
            return
        except PrinterOSError as exc:
            self.notify(plain(exc.message), title=f"Could not {action.verb} on {name}", severity="error", timeout=8)
            await self.refresh_printer(printer_id)  # show what the printer is really doing
            return
        finally:
            self._in_flight.discard((kind, printer_id))
        subject = f"Job {job_id} on {name}" if job_id else name
        self.notify(plain(f"{subject} {action.past}."), title="Done", timeout=4)
        await self.refresh_printer(printer_id)
        self.jobs_changed.publish(printer_id)

    def request_reprint(self, printer_id: int, job_id: int) -> None:
        """Queue the file of an earlier job on this printer again (the API lists no files, jobs name them)."""
        key = ("reprint", job_id)
        if key in self._in_flight:
            self.notify("Already queueing that file; waiting for the cloud.", timeout=2)
            return
        self._in_flight.add(key)
        self.reprint(printer_id, job_id)

    @work(exclusive=False, group="actions", exit_on_error=False)
    async def reprint(self, printer_id: int, job_id: int) -> None:
        printer = self.store.printers.get(printer_id)
        name = printer.name if printer else str(printer_id)
        try:
            info = await self.client.get_job_info(job_id)
            if info.file_id is None:
                self.notify(f"Job {job_id} names no file to print again.", severity="warning")
                return
            queued = await self.client.print_file(info.file_id, printer_id, only_queue=True)
        except AuthError as exc:
            self.session_lost(exc.message)
            return
        except PrinterOSError as exc:
            self.notify(plain(exc.message), title=f"Could not queue on {name}", severity="error", timeout=8)
            return
        finally:
            self._in_flight.discard(("reprint", job_id))
        self.notify(
            plain(f"{info.filename} queued on {name} as job {queued.job_id} (x starts it)."), title="Queued", timeout=5
        )
        self.jobs_changed.publish(printer_id)

    async def _job_for(self, kind: str, printer_id: int) -> int | None:
        """The job a printer-level key acts on: the running one, or for `x` the oldest queued one."""
        current = self.store.current_jobs.get(printer_id)
        if kind != "start" and current is not None and current.job_id is not None:
            return current.job_id
        page = await self.client.get_printer_jobs(printer_id, is_actual=True, limit=50)
        wanted = JobStatus.QUEUED if kind == "start" else JobStatus.PRINTING
        jobs = sorted((job for job in page if job.status is wanted), key=lambda job: job.id)
        return jobs[0].id if jobs else None

    async def refresh_printer(self, printer_id: int) -> None:
        """Ask for one printer now (after an action), outside the poll cycle."""
        try:
            printers = await self.client.get_organization_printers_list(printer_id=printer_id)
        except PrinterOSError:
            return
        for printer in printers:
            if self.store.update_printer(printer, self.clock()):
                self._pending_lookups.add(printer.id)
                self.resolve_current_jobs()
        self.printers_changed.publish(None)

    def printer_state(self, printer_id: int) -> PrinterState | None:
        printer = self.store.printers.get(printer_id)
        return printer.state_kind if printer else None

    async def on_unmount(self) -> None:
        await self.client.aclose()


def problem_text(exc: PrinterOSError) -> str:
    """A failed poll in words for the header: what kind of trouble, then the detail."""
    if isinstance(exc, ApiError):
        return plain(f"The cloud answered with an error: {exc.message}")
    return plain(f"Cannot reach the cloud: {exc.message}")


def make_app(client: PrinterOSClient, **kwargs) -> FarmDash:
    """The one way to build the app: the CLI, the tests and the screenshot script all call this."""
    return FarmDash(client, **kwargs)
