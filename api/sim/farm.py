"""A living print farm: the state behind the simulated cloud, and the rules a real one keeps.

Everything random comes from one `random.Random(seed)`, and time only moves in fixed ticks of
the virtual clock, so a seeded farm stepped by a frozen clock is reproducible to the bit.
Every method that the API reaches raises `SimError` with the doc's kind of message on refusal.
"""

from __future__ import annotations

import math
import random
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models import JobStatus
from .clock import SimClock
from .records import (
    _CHANGES,
    ACTIVE_JOB_STATES,
    File,
    Job,
    Printer,
    PrinterType,
    Project,
    Session,
    Share,
    User,
    Workgroup,
)

# What public callers see when the cloud refuses them a printer or a print (realistic mode).
NO_ACCESS = "No access"


class SimError(Exception):
    """A refusal: becomes `{"result": false, "message": ...}` with `status`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class FarmSettings:
    seed: int = 7
    tick_seconds: float = 1.0
    session_idle_seconds: float = 3600.0
    enforce_build_tray: bool = True
    failure_rate_per_hour: float = 0.02
    offline_rate_per_hour: float = 0.01
    offline_mean_seconds: float = 300.0
    new_job_rate_per_hour: float = 0.25
    tray_clear_mean_seconds: float = 1200.0
    download_seconds: float = 6.0
    ended_window_hours: float = 24.0
    max_upload_bytes: int = 64 * 1024 * 1024
    # Realistic mode (issue 8): the shapes and refusals public callers of the real cloud see, where
    # they differ from the doc (see `realistic.py`). Off: the doc's shapes, as `--demo` uses.
    realistic: bool = False
    nameless_one_in: int = (
        6  # realistic: about one printer in N has no name or type, one job in N no email or file name
    )
    unreadable_every: int = 10  # realistic: every Nth full printer list carries one unreadable record (0: never)

    @classmethod
    def quiet(cls, seed: int = 7) -> FarmSettings:
        """No random events and no other users: what a test of one rule wants."""
        return cls(
            seed=seed,
            failure_rate_per_hour=0,
            offline_rate_per_hour=0,
            new_job_rate_per_hour=0,
            tray_clear_mean_seconds=0,
        )


class Farm:
    """The organisation, its printers and jobs, and the rules of the calls that change them."""

    def __init__(self, clock: SimClock | None = None, settings: FarmSettings | None = None) -> None:
        self.settings = settings or FarmSettings()
        self.clock = clock or SimClock()
        self.rng = random.Random(self.settings.seed)
        self.lock = threading.RLock()
        self.org_name = "Demo Makerspace"
        self.users: dict[int, User] = {}
        self.workgroups: dict[int, Workgroup] = {}
        self.printer_types: dict[int, PrinterType] = {}
        self.printers: dict[int, Printer] = {}
        self.files: dict[int, File] = {}
        self.jobs: dict[int, Job] = {}
        self.projects: dict[int, Project] = {}
        self.shares: dict[int, Share] = {}
        self.sessions: dict[str, Session] = {}
        self.jobs_by_printer: dict[int, list[int]] = {}
        self.google_tokens: dict[str, str] = {}
        self.sim_time = self.clock.now()
        self._ids: dict[str, int] = {}
        self._carry = 0.0
        self.printer_list_answers = 0  # full printer lists answered: the realistic mode's unreadable record counts them

    # --- ids and time ---------------------------------------------------------------------------

    def next_id(self, kind: str, start: int = 1) -> int:
        value = self._ids.get(kind, start - 1) + 1
        self._ids[kind] = value
        return value

    def now(self) -> datetime:
        return self.sim_time

    def change_token(self) -> str:
        """The `time` a `get_printer_jobs` answer carries: the farm's time and its last change number."""
        return f"{self.now().timestamp():.3f}#{_CHANGES.last}"

    def advance(self) -> None:
        """Catch the farm up with the clock, in whole ticks (the remainder waits for the next look)."""
        with self.lock:
            target = self.clock.now()
            gap = (target - self.sim_time).total_seconds()
            if gap <= 0:
                return
            tick = self.settings.tick_seconds
            steps = int(gap // tick)
            if steps == 0:
                return
            # A long gap (a suspended demo, a fast clock) is crossed in at most 900 steps.
            step = tick if steps <= 900 else gap / 900
            steps = min(steps, 900)
            for _ in range(steps):
                self._step(step)
                self.sim_time += timedelta(seconds=step)

    def step(self, seconds: float) -> None:
        """Advance the clock and the farm together: what a test with a frozen clock calls."""
        self.clock.advance(seconds)
        self.advance()

    # --- the farm's life, one tick ----------------------------------------------------------------

    def _step(self, dt: float) -> None:
        s = self.settings
        rng = self.rng
        now = self.sim_time + timedelta(seconds=dt)
        for printer in self.printers.values():
            if not printer.online:
                if printer.back_online_at and now >= printer.back_online_at:
                    self._come_online(printer, now)
                continue
            if s.offline_rate_per_hour and rng.random() < s.offline_rate_per_hour * dt / 3600:
                self._go_offline(printer, now)
                continue
            state = printer.state
            if state == "downloading":
                printer.download_left -= dt
                printer.percent = min(100.0, 100.0 * (1 - printer.download_left / s.download_seconds))
                if printer.download_left <= 0:
                    printer.state = "printing"
                    printer.percent = 0.0
            elif state == "printing":
                job = self.jobs.get(printer.current_job_id or -1)
                if job is None:
                    printer.state = "ready"
                else:
                    file = self.files[job.file_id]
                    job.elapsed += dt
                    printer.percent = min(100.0, 100.0 * job.elapsed / max(1, file.duration))
                    if s.failure_rate_per_hour and rng.random() < s.failure_rate_per_hour * dt / 3600:
                        self._end_job(printer, job, JobStatus.FAILED, now, printer_state="error")
                    elif job.elapsed >= file.duration:
                        self._end_job(printer, job, JobStatus.FINISHED, now)
            elif state == "ready" and s.new_job_rate_per_hour and rng.random() < s.new_job_rate_per_hour * dt / 3600:
                self._someone_queues(printer, now)
            elif (
                state in ("bed_not_clear", "error")
                and s.tray_clear_mean_seconds
                and rng.random() < dt / s.tray_clear_mean_seconds
            ):
                self._tray_cleared(printer, now)
            self._heat(printer, dt)

    def _heat(self, printer: Printer, dt: float) -> None:
        rng = self.rng
        for index, target in enumerate(printer.targets):
            if index == 0 and not self.printer_types[printer.type_id].heated_bed:
                printer.temps[0] = 0.0
                continue
            ambient = 22.0
            goal = target if target > 0 else ambient
            tau = 90.0 if index == 0 else 25.0
            current = printer.temps[index]
            current += (goal - current) * (1 - math.exp(-dt / tau)) + rng.gauss(0, 0.15)
            printer.temps[index] = round(current, 1)

    def _go_offline(self, printer: Printer, now: datetime) -> None:
        printer.state_before_offline = printer.state
        printer.online = False
        printer.state = "notconnected"
        mean = max(1.0, self.settings.offline_mean_seconds)
        printer.back_online_at = now + timedelta(seconds=self.rng.expovariate(1 / mean))

    def _come_online(self, printer: Printer, now: datetime) -> None:
        printer.online = True
        printer.back_online_at = None
        printer.state = printer.state_before_offline if printer.state_before_offline != "notconnected" else "ready"
        ptype = self.printer_types[printer.type_id]
        printer.temps = [22.0 if ptype.heated_bed else 0.0] + [22.0] * ptype.extruders
        if printer.state == "ready":
            self._start_next(printer, now)

    def _someone_queues(self, printer: Printer, now: datetime) -> None:
        files = [f for f in self.files.values() if f.is_gcode and f.printer_type_id in (None, printer.type_id)]
        users = [u for u in self.users.values() if u.access_role != 1] or list(self.users.values())
        if not files or not users:
            return
        file = self.rng.choice(files)
        user = self.rng.choice(users)
        job = self._new_job(printer, file, user, now, autostart=True)
        self._start_job(printer, job, now)

    def _tray_cleared(self, printer: Printer, now: datetime) -> None:
        printer.tray_clear = True
        printer.state = "ready"
        printer.percent = 0.0
        self._start_next(printer, now)

    # --- rules of jobs --------------------------------------------------------------------------

    def _new_job(self, printer: Printer, file: File, user: User, now: datetime, *, autostart: bool) -> Job:
        job = Job(
            id=self.next_id("job", 26600),
            printer_id=printer.id,
            file_id=file.id,
            user_id=user.id,
            status_id=JobStatus.QUEUED,
            created=now,
            updated=now,
            autostart=autostart,
        )
        self.jobs[job.id] = job
        self.jobs_by_printer.setdefault(printer.id, []).append(job.id)
        return job

    def printer_blocker(self, printer: Printer) -> str | None:
        """Why this printer cannot take a job now, or None if it can."""
        if not printer.online:
            return "Printer is offline"
        if printer.state in ACTIVE_JOB_STATES:
            return "Printer is busy with another job"
        if printer.state == "error":
            return "Printer is in error state; clear the build tray first"
        if self.settings.enforce_build_tray and (not printer.tray_clear or printer.state == "bed_not_clear"):
            return "Build tray is not clear"
        if printer.state not in ("ready", "bed_not_clear"):
            return f"Printer is not ready ({printer.state})"
        return None

    def _start_job(self, printer: Printer, job: Job, now: datetime, user: User | None = None) -> None:
        file = self.files[job.file_id]
        job.status_id = JobStatus.PRINTING
        job.started = now
        job.updated = now
        job.started_by = user.id if user else job.user_id
        printer.state = "downloading"
        printer.download_left = self.settings.download_seconds
        printer.percent = 0.0
        printer.tray_clear = False
        printer.current_job_id = job.id
        ptype = self.printer_types[printer.type_id]
        printer.targets = (
            [file.bed_temp if ptype.heated_bed else 0.0] + [file.nozzle_temp] + [0.0] * (ptype.extruders - 1)
        )

    def _end_job(
        self, printer: Printer, job: Job, status: JobStatus, now: datetime, *, printer_state: str | None = None
    ) -> None:
        job.status_id = status
        if status == JobStatus.FAILED and not job.cancel_reason:
            job.cancel_reason = failure_reason(job.id)
        job.ended = now
        job.updated = now
        printer.current_job_id = None
        printer.targets = [0.0] * len(printer.targets)
        if printer_state:
            printer.state = printer_state
        else:
            printer.state = "bed_not_clear" if self.settings.enforce_build_tray else "ready"
        printer.percent = 100.0 if status == JobStatus.FINISHED else printer.percent
        if printer.state == "ready":
            printer.tray_clear = True
            self._start_next(printer, now)

    def _start_next(self, printer: Printer, now: datetime) -> None:
        if self.printer_blocker(printer):
            return
        for job_id in self.jobs_by_printer.get(printer.id, []):
            job = self.jobs[job_id]
            if job.status_id == JobStatus.QUEUED and job.autostart:
                self._start_job(printer, job, now)
                return

    # --- access ---------------------------------------------------------------------------------

    def user_for(self, token: str | None) -> User:
        if not token:
            raise SimError("Session is required", 401)
        session = self.sessions.get(token)
        now = self.clock.now()
        if session is None:
            raise SimError("Invalid session", 401)
        if (now - session.last_seen).total_seconds() > self.settings.session_idle_seconds:
            del self.sessions[token]
            raise SimError("Session expired, please log in again", 401)
        session.last_seen = now
        return self.users[session.user_id]

    def new_session(self, user: User, *, gdpr_needed: bool = False) -> str:
        token = secrets.token_hex(20)
        self.sessions[token] = Session(token, user.id, self.clock.now(), gdpr_needed)
        return token

    def expire_sessions(self) -> int:
        count = len(self.sessions)
        self.sessions.clear()
        return count

    def printer_rights(self, user: User, printer: Printer) -> int | None:
        """2 can print, 3 can queue, None no access (admins can print everywhere)."""
        if user.is_admin:
            return 2
        rights: list[int] = []
        for wg_id in printer.workgroup_ids:
            wg = self.workgroups.get(wg_id)
            if wg and user.id in wg.user_ids:
                rights.append(wg.rights)
        for share in self.shares.values():
            if share.printer_id == printer.id and share.user_id == user.id:
                rights.append(2 if share.role_id == 2 else 3)
        return min(rights) if rights else None

    def visible_printers(self, user: User) -> list[Printer]:
        if user.is_admin:
            return list(self.printers.values())
        return [p for p in self.printers.values() if self.printer_rights(user, p) is not None]

    def printer_for(self, user: User, printer_id: int) -> Printer:
        printer = self.printers.get(printer_id)
        if printer is not None and self.printer_rights(user, printer) is None and self.settings.realistic:
            # What public callers see for a printer (or its jobs) reserved to other workgroups.
            raise SimError(NO_ACCESS, 200)
        if printer is None or self.printer_rights(user, printer) is None:
            raise SimError(f"Printer {printer_id} not found or not accessible", 404)
        return printer

    def job_for(self, user: User, job_id: int) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise SimError(f"Job {job_id} not found", 404)
        self.printer_for(user, job.printer_id)
        return job

    def file_for(self, user: User, file_id: int) -> File:
        """A file the user may use: their own, or any for an admin."""
        file = self.files.get(file_id)
        if file is None or (file.owner_id != user.id and not user.is_admin):
            raise SimError(f"File {file_id} not found", 404)
        return file

    def require_admin(self, user: User) -> None:
        if not user.is_admin:
            raise SimError("Permission denied: organization admin rights required", 403)

    def _require_print_rights(self, user: User, printer: Printer, what: str) -> None:
        if self.printer_rights(user, printer) != 2:
            if self.settings.realistic:
                raise SimError(NO_ACCESS, 403)
            raise SimError(f"Permission denied: you can only queue jobs on this printer, not {what}", 403)

    # --- actions the API exposes ------------------------------------------------------------------

    def print_file(self, user: User, file_id: int, printer_id: int, only_queue: bool) -> Job:
        printer = self.printer_for(user, printer_id)
        file = self.file_for(user, file_id)
        if not file.is_gcode and not printer.name.lower().startswith("virtual"):
            raise SimError("File is not a G-code file; slice it first", 400)
        if not only_queue:
            self._require_print_rights(user, printer, "start them")
        now = self.now()
        job = self._new_job(printer, file, user, now, autostart=not only_queue)
        if not only_queue and self.printer_blocker(printer) is None:
            self._start_job(printer, job, now, user)
        return job

    def job_start(self, user: User, job_id: int) -> None:
        job = self.job_for(user, job_id)
        printer = self.printers[job.printer_id]
        self._require_print_rights(user, printer, "start them")
        if job.status_id != JobStatus.QUEUED:
            raise SimError(f"Job {job_id} is not in queue ({JobStatus.from_id(job.status_id).label})", 409)
        blocker = self.printer_blocker(printer)
        if blocker:
            raise SimError(blocker, 409)
        self._start_job(printer, job, self.now(), user)

    def _printing_job(self, user: User, job_id: int, verb: str) -> tuple[Job, Printer]:
        job = self.job_for(user, job_id)
        printer = self.printers[job.printer_id]
        if job.status_id == JobStatus.QUEUED:
            raise SimError(f"Cannot {verb} job {job_id}: it is still in queue", 409)
        if job.status_id != JobStatus.PRINTING or printer.current_job_id != job.id:
            raise SimError(f"Cannot {verb} job {job_id}: it has already ended", 409)
        if not printer.online:
            raise SimError(f"Cannot {verb} job {job_id}: printer is offline", 409)
        return job, printer

    def job_pause(self, user: User, job_id: int) -> None:
        job, printer = self._printing_job(user, job_id, "pause")
        if printer.state == "paused":
            raise SimError(f"Job {job_id} is already paused", 409)
        if printer.state == "downloading":
            raise SimError(f"Cannot pause job {job_id}: printer is still downloading the file", 409)
        printer.state = "paused"
        job.updated = self.now()

    def job_unpause(self, user: User, job_id: int) -> None:
        job, printer = self._printing_job(user, job_id, "resume")
        if printer.state != "paused":
            raise SimError(f"Job {job_id} is not paused", 409)
        printer.state = "printing"
        job.updated = self.now()

    def job_cancel(self, user: User, job_id: int) -> None:
        job = self.job_for(user, job_id)
        printer = self.printers[job.printer_id]
        now = self.now()
        if job.status_id == JobStatus.QUEUED:
            job.status_id = JobStatus.ABORTED
            job.ended = job.updated = now
            job.cancel_reason = "Cancelled in queue"
            return
        if job.status_id != JobStatus.PRINTING:
            raise SimError(
                f"Cannot cancel job {job_id}: it has already ended ({JobStatus.from_id(job.status_id).label})", 409
            )
        if not printer.online:
            raise SimError(f"Cannot cancel job {job_id}: printer is offline", 409)
        job.cancel_reason = "Cancelled by user"
        self._end_job(printer, job, JobStatus.ABORTED, now)

    def clear_build_tray(self, user: User, printer_id: int, is_clear: bool) -> None:
        printer = self.printer_for(user, printer_id)
        if not printer.online:
            raise SimError("Printer is offline", 409)
        if printer.state in ACTIVE_JOB_STATES:
            raise SimError("Printer is printing; the build tray cannot be cleared now", 409)
        if not is_clear:
            printer.tray_clear = False
            if printer.state == "ready":
                printer.state = "bed_not_clear"
            return
        self._tray_cleared(printer, self.now())


# What a printer reports when a print fails, as the cloud's report gives it (Cancel Reason).
FAILURE_REASONS = (
    "Thermal runaway on the nozzle",
    "Filament runout not resolved",
    "Nozzle clogged: extrusion stopped",
    "Print detached from the bed",
)


def failure_reason(job_id: int) -> str:
    """A failed job's reason, chosen by its id (no draw from the farm's random stream)."""
    return FAILURE_REASONS[job_id % len(FAILURE_REASONS)]
