"""The farm kept in step with the cloud: log in or reuse the session, poll the whole farm, back
off, look up running jobs for the printers on screen.

Plain asyncio, no Textual: the App drives it from workers, the headless commands (`farmdash
status`, `farmdash events`) from a plain event loop. Nothing here schedules itself; the caller
asks `next_delay()` and comes back.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from api import ApiError, AuthError, Job, JobStatus, Printer, PrinterOSClient, PrinterOSError, PrinterState
from api.models import clean_text
from api.pace import PACE

from .session import Credentials, LoginOutcome, SessionStore, log_in
from .states import BUSY_STATES
from .store import CurrentJob, FarmStore, QueueSeen

log = logging.getLogger("farmdash.sync")
Kept = TypeVar("Kept")

MAX_BACKOFF = 30.0
# Data is stale once older than this many poll intervals: a single failed poll is not news.
STALE_INTERVALS = 2
RESOLVE_CONCURRENCY = 6
# Queue lengths: the API has no farm-wide call for queued jobs (the reports list ended jobs
# only), so each printer's queue is read with the look-up its state change triggers anyway,
# and printers on screen are read again on a slow rotation: a few per poll, each at most once
# a minute. A 5,000-printer farm costs a screenful of reads a minute, not 5,000 a poll.
QUEUE_REFRESH = timedelta(seconds=60)
QUEUE_ROTATION_PER_POLL = 4
JOBS_PAGE = 50
# Why jobs ended (the cancel reason) comes from one farm-wide report, kept this long.
REASONS_TTL = timedelta(seconds=60)
# How many ended jobs' reasons and times are remembered (two days of a farm ending 10,000 a day):
# farmdash stays open for days, and the dicts grew with every job the report named.
REASONS_KEPT = 20_000
# A cloud that accepts the password and then refuses the session must not be sent the password
# in a loop (an account-lockout risk): re-logins wait longer each time, then stop.
RELOGIN_DELAYS = (0.0, 10.0, 30.0)


def problem_text(exc: PrinterOSError) -> str:
    """A failed request in words for the header: what kind of trouble, then the detail."""
    if isinstance(exc, ApiError):
        return f"The cloud answered with an error: {exc.message}"
    return f"Cannot reach the cloud: {exc.message}"


@dataclass
class PollOutcome:
    ok: bool
    session_lost: str | None = None  # the cloud's words when it no longer accepts the session
    printers: list[Printer] = field(default_factory=list)


class FarmSync:
    def __init__(
        self,
        client: PrinterOSClient,
        *,
        store: FarmStore | None = None,
        credentials: Credentials | None = None,
        session_store: SessionStore | None = None,
        clock: Callable[[], datetime] | None = None,
        refresh_seconds: float = 3.0,
    ) -> None:
        self.client = client
        self.store = store or FarmStore()
        self.credentials = credentials
        self.session_store = session_store
        self.clock = clock or (lambda: datetime.now(UTC))
        self.refresh_seconds = refresh_seconds
        self.workgroups: dict[int, str] = {}
        self.failures = 0
        # Why the person is asked to log in (the cloud's words), for the login screen.
        self.login_reason = ""
        self._relogins = 0  # logins since the cloud last accepted a data call
        self._refusal = ""  # the cloud's words when it last ended the session
        self.pending_lookups: set[int] = set()
        self._failed_lookups: set[int] = set()  # tried again at the next poll, not in a tight loop
        # Printers on screen: only their running job is looked up (two requests each), so a
        # 5,000-printer farm costs a screenful of look-ups, not thousands. None: all of them.
        self.visible_printers: set[int] | None = None
        # Called after every good read of printers (the whole farm, or one after an action) and
        # when a running job is found: the event detector hangs here (and any headless consumer).
        # A hook may be a coroutine function (awaited: the detector yields between slices).
        self.printer_hooks: list[Callable[[list[Printer], datetime], object]] = []
        self.job_hooks: list[Callable[[int, CurrentJob, datetime], object]] = []
        self._reasons: dict[int, str] = {}  # job id -> the cloud's cancel reason, from the report
        self._reasons_read: datetime | None = None
        self._reasons_refused = False  # not an admin: the report is not offered
        self._asked: set[int] = set()
        # job id -> (started, seconds printed) from the report: an ended job's start and end
        self.job_times: dict[int, tuple[datetime | None, int | None]] = {}

    # --- sessions -----------------------------------------------------------------------------------

    async def connect(self) -> LoginOutcome:
        """Use the session the client holds; else log in from credentials; else say why not."""
        if self.client.has_session:
            return LoginOutcome.OK
        if self.credentials is None:
            return LoginOutcome.NO_CREDENTIALS
        if self._relogins >= len(RELOGIN_DELAYS):
            self.login_reason = (
                f"The cloud accepted the login {self._relogins} times but refused the session each time "
                f"({self._refusal or 'no reason given'}). Log in again once the cloud is fixed."
            )
            self.credentials = None
            return LoginOutcome.GAVE_UP
        attempt = await log_in(self.client, self.credentials)
        if attempt.outcome is LoginOutcome.REFUSED:
            self.login_reason = attempt.reason
            self.credentials = None
            return LoginOutcome.REFUSED
        if attempt.outcome is LoginOutcome.UNREACHABLE:
            self.failures += 1
            self.store.mark_stale(attempt.reason, self.clock())
            return LoginOutcome.UNREACHABLE
        self._relogins += 1
        self.failures = 0
        self.save_session()
        return LoginOutcome.OK

    def relogin_delay(self) -> float:
        """How long to wait before logging in again after the cloud refused the session."""
        return RELOGIN_DELAYS[min(self._relogins, len(RELOGIN_DELAYS) - 1)]

    def logged_in_by_hand(self) -> None:
        """A person typed the password: start counting refusals afresh."""
        self._relogins = 0
        self.login_reason = ""
        self.save_session()

    def save_session(self) -> None:
        if self.session_store is not None:
            try:
                self.session_store.save(self.client.session)
            except OSError as exc:
                log.warning("cannot save the session: %s", exc.strerror)

    def session_lost(self, message: str) -> None:
        """The cloud refused the session: forget it; the caller logs in again or asks."""
        self.client.session = None
        self._refusal = message  # the cloud's own words, for the give-up message
        self.login_reason = f"The cloud ended the session ({message}). Log in again."
        if self.session_store is not None:
            self.session_store.clear()
        self.store.mark_stale(f"Session ended: {message}; logging in again", self.clock())

    async def load_workgroups(self) -> None:
        try:
            groups = await self.client.get_workgroups_simple_list()
        except AuthError:
            raise
        except PrinterOSError as exc:
            log.info("workgroups unavailable: %s", exc)
            return
        self.workgroups = {group.id: group.name for group in groups}

    # --- polling ------------------------------------------------------------------------------------

    def stale_at(self) -> datetime | None:
        """When the data turns stale if no read succeeds before (None: no data yet, or stale already)."""
        store = self.store
        if store.last_update is None or store.stale_since is not None or not self.failures:
            return None
        return store.last_update + timedelta(seconds=STALE_INTERVALS * self.refresh_seconds)

    def next_delay(self) -> float:
        """The refresh interval, or a growing back-off while the cloud fails."""
        if not self.failures:
            return self.refresh_seconds
        return min(MAX_BACKOFF, self.refresh_seconds * (2 ** min(self.failures, 6)))

    async def poll(self) -> PollOutcome:
        """One request for the whole farm, whatever its size."""
        try:
            printers = await self.client.get_organization_printers_list()
        except AuthError as exc:
            return PollOutcome(False, session_lost=exc.message)
        except PrinterOSError as exc:
            self.failures += 1
            self.store.mark_stale(problem_text(exc), self.clock(), grace=STALE_INTERVALS * self.refresh_seconds)
            return PollOutcome(False)
        self.failures = 0
        self._relogins = 0
        self.store.unreadable = printers.unreadable
        # In slices that yield to the loop (5,000 printers): a key pressed now is not held up.
        self.pending_lookups |= await self.store.take_poll(printers, self.clock())
        self.pending_lookups |= self._failed_lookups & self.store.printers.keys()
        self._failed_lookups.clear()
        self.pending_lookups |= self.queues_due()
        await self._tell_printers(printers)
        await PACE.breathe()  # the listeners ran; the screen's turn comes in the next slice
        return PollOutcome(True, printers=list(printers))

    async def _tell_printers(self, printers: list[Printer]) -> None:
        now = self.clock()
        for hook in self.printer_hooks:
            told = hook(printers, now)
            if inspect.isawaitable(told):  # the detector takes a big poll in slices
                await told

    def queues_due(self) -> set[int]:
        """The few on-screen printers whose queue length is oldest (the slow rotation)."""
        if self.visible_printers is None:
            return set()
        now = self.clock()
        queues = self.store.queues
        due = [
            (queues[pid].checked if pid in queues else datetime.min.replace(tzinfo=UTC), pid)
            for pid in self.visible_printers
            if pid in self.store.printers and (pid not in queues or now - queues[pid].checked >= QUEUE_REFRESH)
        ]
        return {pid for _, pid in sorted(due)[:QUEUE_ROTATION_PER_POLL]}

    def show_printers(self, printer_ids: set[int]) -> bool:
        """The screen says which printers are on screen; True if some of them need a look-up."""
        self.visible_printers = printer_ids
        return bool(self.pending_lookups & printer_ids)

    def wanted_lookups(self) -> set[int]:
        if self.visible_printers is None:
            return set(self.pending_lookups)
        return self.pending_lookups & self.visible_printers

    async def resolve_jobs(self) -> set[int]:
        """Find the running job of one batch of printers that just started one; the ids done."""
        wanted = self.wanted_lookups()
        if not wanted:
            return set()
        batch = sorted(wanted)[: RESOLVE_CONCURRENCY * 4]
        self.pending_lookups.difference_update(batch)
        semaphore = asyncio.Semaphore(RESOLVE_CONCURRENCY)

        async def one(printer_id: int) -> None:
            async with semaphore:
                await self._resolve(printer_id)

        await asyncio.gather(*(one(pid) for pid in batch))
        return set(batch)

    async def _resolve(self, printer_id: int) -> None:
        """One read of the printer's jobs: its queue length, its running job (file, owner, finish
        time), and for a printer in error why its last job ended."""
        try:
            page = await self.client.get_printer_jobs(printer_id, is_actual=True, limit=JOBS_PAGE)
            jobs = list(page.jobs)
            printer = self.store.printers.get(printer_id)
            state = printer.state_kind if printer else None
            running = page.printing_job
            info = await self.client.get_job_info(running.id) if running and state in BUSY_STATES else None
            reason = ""
            if state in (PrinterState.ERROR, PrinterState.BED_NOT_CLEAR):
                reason = await self._last_outcome(jobs)
        except AuthError:
            self.pending_lookups.add(printer_id)
            raise
        except ApiError as exc:
            # Refused ("No access" on a printer of another workgroup): asking again at every poll
            # would only be refused again. Asked again when the printer starts another job.
            log.info("jobs of printer %s refused: %s", printer_id, exc)
            if printer_id in self.store.printers and self.store.printers[printer_id].state_kind in BUSY_STATES:
                self.store.set_current_job(printer_id, CurrentJob(None, refused=True))
            return
        except PrinterOSError as exc:
            # Asked again at a later poll: a failed look-up must not leave the card without its file.
            log.info("jobs of printer %s not read yet: %s", printer_id, exc)
            self._failed_lookups.add(printer_id)
            return
        if printer_id not in self.store.printers:
            return
        waiting = sorted((job for job in jobs if job.status is JobStatus.QUEUED), key=lambda job: job.id)
        oldest = waiting[0] if waiting else None  # the one a start takes (ActionRunner.job_for)
        seen = QueueSeen(
            len(waiting), self.clock(), reason, oldest.id if oldest else None, oldest.filename if oldest else ""
        )
        self.store.set_queue(printer_id, seen)
        if state in BUSY_STATES:
            if running is None or info is None:
                self.store.set_current_job(printer_id, CurrentJob(None))
            else:
                filename = info.filename or running.filename
                owner = info.email or running.email
                job = CurrentJob(running.id, filename, info.printing_duration, owner)
                self.store.set_current_job(printer_id, job)
                for hook in self.job_hooks:
                    hook(printer_id, job, self.clock())

    async def _last_outcome(self, jobs: list[Job]) -> str:
        """`job 41 failed: nozzle clogged`: the newest ended job and the cloud's reason for it."""
        ended = [job for job in jobs if not job.status.is_active]
        if not ended:
            return ""
        last = max(ended, key=lambda job: job.id)
        words = f"job {last.id} {last.status.label}"
        reason = _reason_of(last) or await self._report_reason(last.id)
        return f"{words}: {reason}" if reason else words

    async def job_reason(self, job_id: int, created: datetime | None = None) -> str:
        """Why an ended job ended, in the cloud's words, when the report says ("" if not); the
        report is read from the day the job was created (one call, remembered)."""
        if job_id not in self._reasons and job_id not in self._asked and not self._reasons_refused:
            self._asked.add(job_id)  # one report read per job, however often its screen reloads
            today = self.clock().date()
            since = min(today, (created or self.clock()).date()) - timedelta(days=1)
            await self._read_reasons(max(since, today - timedelta(days=364)), today + timedelta(days=1), asked=job_id)
        return self._reasons.get(job_id, "")

    async def _report_reason(self, job_id: int) -> str:
        """The cancel reason from the organisation's report (one call for the whole farm, kept a minute)."""
        now = self.clock()
        fresh = self._reasons_read is not None and now - self._reasons_read < REASONS_TTL
        if not (self._reasons_refused or fresh):
            self._reasons_read = now
            await self._read_reasons(now.date() - timedelta(days=1), now.date() + timedelta(days=1))
        return self._reasons.get(job_id, "")

    async def _read_reasons(self, start, end, asked: int | None = None) -> None:
        """Read the report's reasons and times; `asked`, the job a screen asked about, is kept
        however many rows a long range brings."""
        try:
            report = await self.client.get_custom_report(
                from_=start,
                to=end,
                type="json",
                fields="job_id,print_date,real_print_time,cancel_reason,cancel_details",
            )
        except AuthError:
            raise
        except ApiError as exc:
            log.info("no failure reasons from the report (not offered to this account): %s", exc.message)
            self._reasons_refused = True
            return
        except PrinterOSError as exc:
            log.info("failure reasons not read: %s", exc.message)
            return
        if isinstance(report, str):
            return
        asked_row: tuple[str, tuple[datetime | None, int | None]] | None = None
        for row in report.as_dicts():
            reason = " · ".join(
                clean_text(row.get(key)).strip() for key in ("Cancel Reason", "Cancel Details") if row.get(key)
            )
            try:
                job_id = int(str(row.get("Job ID")))
            except (TypeError, ValueError):
                continue
            times = (_moment(row.get("Print Date/Time")), _seconds(row.get("Real Print Time")))
            remember(self._reasons, job_id, reason)
            remember(self.job_times, job_id, times)
            if job_id == asked:
                asked_row = (reason, times)
        if asked is not None and asked_row is not None:
            remember(self._reasons, asked, asked_row[0])
            remember(self.job_times, asked, asked_row[1])

    async def refresh_printer(self, printer_id: int) -> None:
        """Ask for one printer now (after an action), outside the poll cycle."""
        try:
            printers = await self.client.get_organization_printers_list(printer_id=printer_id)
        except AuthError:
            raise
        except PrinterOSError:
            return
        for printer in printers:
            if self.store.update_printer(printer, self.clock()):
                self.pending_lookups.add(printer.id)
        await self._tell_printers(printers)


def remember(store: dict[int, Kept], job_id: int, value: Kept) -> None:
    """Keep `value` as the newest of at most `REASONS_KEPT` jobs: the report is read again every
    minute while a failed printer is on screen, and a farm ends thousands of jobs a day."""
    store.pop(job_id, None)  # read again: it moves to the newest end
    store[job_id] = value
    while len(store) > REASONS_KEPT:
        del store[next(iter(store))]


def _reason_of(job: Job) -> str:
    """A reason the job record itself carries, when the cloud sends one beyond the documented fields."""
    extra = job.model_extra or {}
    for key in ("cancel_reason", "reason", "error_message"):
        value = extra.get(key)
        if isinstance(value, str) and value.strip():
            return clean_text(value).strip()
    return ""


def _moment(value: object) -> datetime | None:
    """The report's `YYYY-MM-DD HH:MM:SS`, in the cloud's time (UTC unless told)."""
    if not isinstance(value, str) or not value.strip() or value.startswith("0000"):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _seconds(value: object) -> int | None:
    """`02:05:09` (the report's form) or a number of seconds."""
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.strip():
        parts = value.strip().split(":")
        try:
            numbers = [float(part) for part in parts]
        except ValueError:
            return None
        total = 0.0
        for number in numbers:
            total = total * 60 + number
        return int(total)
    return None
