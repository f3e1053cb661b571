"""One table of printer actions, and the runner that sends them to a set of printers.

Bindings, footer, help, palette, refusal texts and card hints are all generated from `ACTIONS`
with the keys the user really has, so adding an action touches this table only. The runner
takes a set of printers (one printer is a set of one) and returns one outcome per printer: bulk
actions, the event log's audit and the headless commands all read the same records. Plain
Python: no Textual.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum

from api import ApiError, AuthError, JobStatus, PrinterOSClient, PrinterOSError

from .store import FarmStore

log = logging.getLogger("farmdash.actions")


class Target(Enum):
    """Which job a printer-level key acts on."""

    PRINTER = "the printer itself"  # tray clear
    RUNNING = "the running job"  # pause, resume, cancel
    OLDEST_QUEUED = "the oldest queued job"  # start


@dataclass(frozen=True)
class ActionSpec:
    kind: str  # the name actions are called by: act('pause')
    binding_id: str  # what a [keymap] names
    default_key: str
    label: str  # footer, help and palette
    verb: str  # "Cannot pause", "nothing to pause"
    past: str  # "Job 12 on MK4-03 paused."
    target: Target
    send: Callable[[PrinterOSClient, int], Awaitable[object]]  # takes the job id, or the printer id
    confirm: str | None = None  # the question, with {target}; None sends at once
    label_on_job: str | None = None  # the label on screens where a job is chosen
    doing: str = ""  # on the card while sent and not yet confirmed by a read: "⧗ clearing…"


ACTIONS: dict[str, ActionSpec] = {
    spec.kind: spec
    for spec in (
        ActionSpec(
            "pause",
            "pause",
            "p",
            "Pause",
            "pause",
            "paused",
            Target.RUNNING,
            PrinterOSClient.job_pause,
            doing="pausing…",
        ),
        ActionSpec(
            "resume",
            "resume",
            "u",
            "Resume",
            "resume",
            "resumed",
            Target.RUNNING,
            PrinterOSClient.job_unpause,
            doing="resuming…",
        ),
        ActionSpec(
            "cancel",
            "cancel",
            "c",
            "Cancel",
            "cancel",
            "cancelled",
            Target.RUNNING,
            PrinterOSClient.job_cancel,
            confirm="Cancel {target}? The print cannot be resumed.",
            doing="cancelling…",
        ),
        ActionSpec(
            "tray",
            "tray-clear",
            "t",
            "Tray clear",
            "mark the build tray clear",
            "marked clear",
            Target.PRINTER,
            PrinterOSClient.printer_clear_build_tray,
            confirm="Mark the build tray of {target} clear? Only if the tray is empty.",
            doing="clearing…",
        ),
        ActionSpec(
            "start",
            "start",
            "x",
            "Start queued",
            "start",
            "started",
            Target.OLDEST_QUEUED,
            PrinterOSClient.job_start,
            label_on_job="Start job",
            doing="starting…",
        ),
    )
}

# Binding ids of every key that sends something to the cloud: in read-only mode the footer leaves
# them out and help marks them (they would only say "read-only").
SENDING_BINDING_IDS = frozenset(
    {spec.binding_id for spec in ACTIONS.values()} | {"print-again", "move-job", "send-file"}
)

KeyNames = Callable[[str], str]
"""Binding id -> the key the user presses for it now (after the keymap), as shown."""

_DEFAULT_KEY = {spec.binding_id: spec.default_key for spec in ACTIONS.values()}


def default_keys(binding_id: str) -> str:
    """An action's key before any keymap (texts outside the app: tests, previews built alone)."""
    return _DEFAULT_KEY.get(binding_id, binding_id)


def default_key_of(binding_id: str) -> str | None:
    return _DEFAULT_KEY.get(binding_id)


# Sending a file to printers (`print_file`): outcomes like the keys' actions, but no key of their own.
FILE_WORDS = {"queue": ("queue the file", "queued"), "print": ("print the file", "sent to print")}


class Result(StrEnum):
    DONE = "done"
    REFUSED = "refused"  # the cloud said no, in its words
    SKIPPED = "skipped"  # not sent: the action does not apply, with the reason
    UNKNOWN = "outcome unknown"  # sent, but the answer was lost: the printer is re-read
    NOT_SENT = "not sent"  # the cloud could not be reached: nothing happened, press again
    SESSION_ENDED = "not sent, session ended"  # log in again, then press again (never resent by itself)


@dataclass(frozen=True)
class Outcome:
    kind: str
    printer_id: int
    printer_name: str
    result: Result
    message: str = ""
    job_id: int | None = None

    @property
    def verb(self) -> str:
        return ACTIONS[self.kind].verb if self.kind in ACTIONS else FILE_WORDS[self.kind][0]

    @property
    def past(self) -> str:
        return ACTIONS[self.kind].past if self.kind in ACTIONS else FILE_WORDS[self.kind][1]

    @property
    def sentence(self) -> str:
        """One line for a notice or a summary."""
        subject = f"Job {self.job_id} on {self.printer_name}" if self.job_id else self.printer_name
        if self.result is Result.DONE:
            return f"{subject} {self.past}."
        if self.result is Result.REFUSED:
            return f"The cloud refused to {self.verb} on {self.printer_name}: {self.message}"
        if self.result is Result.UNKNOWN:
            return f"{subject}: outcome unknown ({self.message}); reading the printer again."
        if self.result in (Result.NOT_SENT, Result.SESSION_ENDED):
            return f"{self.printer_name}: not sent: {self.message}"
        return f"{self.printer_name}: {self.message}"


READ_ONLY = "read-only: nothing is sent"
STOPPED = "stopped before it was sent."

Sleep = Callable[[float], Awaitable[object]]
Ready = Callable[[], Awaitable[bool]]


class ActionRunner:
    """Sends an action to each printer once; never two calls for one printer at a time.

    `sleep` waits between staggered starts: tests pass one that moves the simulated clock.
    `read_only` refuses every send here too, whatever screen asked.
    """

    def __init__(
        self,
        client: PrinterOSClient,
        store: FarmStore,
        *,
        concurrency: int = 4,
        sleep: Sleep = asyncio.sleep,
        read_only: bool = False,
    ) -> None:
        self.client = client
        self.store = store
        self.concurrency = concurrency
        self.sleep = sleep
        self.read_only = read_only
        self.in_flight: set[tuple[str, int]] = set()

    def name_of(self, printer_id: int) -> str:
        printer = self.store.printers.get(printer_id)
        return printer.display_name if printer else f"#{printer_id}"

    def claim(self, kind: str, printer_ids: Iterable[int]) -> tuple[list[int], list[Outcome]]:
        """Mark these printers busy with `kind`; those already busy with it are skipped, with why."""
        claimed, skipped = [], []
        for printer_id in printer_ids:
            if (kind, printer_id) in self.in_flight:
                message = "already sent; waiting for the cloud."
                skipped.append(Outcome(kind, printer_id, self.name_of(printer_id), Result.SKIPPED, message))
                continue
            self.in_flight.add((kind, printer_id))
            claimed.append(printer_id)
        return claimed, skipped

    def release(self, kind: str, printer_ids: Iterable[int]) -> None:
        for printer_id in printer_ids:
            self.in_flight.discard((kind, printer_id))

    async def run(
        self,
        kind: str,
        printer_ids: list[int],
        *,
        job_id: int | None = None,
        stagger_seconds: float = 0.0,
        on_outcome: Callable[[Outcome], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> list[Outcome]:
        """Send `kind` to printers already claimed; one outcome each, in the order given.

        `job_id` names the job when one was chosen on screen (one printer only). With a stagger,
        sends go one at a time, that many seconds apart (heaters starting together can trip a
        breaker); printers with nothing to send cost no wait. Once `stop` is set, the printers
        not yet sent to are skipped, and a stagger wait ends at once.
        """

        async def send(printer_id: int, ready: Ready) -> Outcome:
            return await self._send(kind, printer_id, job_id, ready)

        return await self._each(kind, printer_ids, send, stagger_seconds, on_outcome, stop)

    async def run_print(
        self,
        file_id: int,
        printer_ids: list[int],
        *,
        only_queue: bool,
        on_outcome: Callable[[Outcome], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> list[Outcome]:
        """`print_file` on each printer (claimed as "queue" or "print"); each outcome names the new job."""
        kind = "queue" if only_queue else "print"

        async def send(printer_id: int, ready: Ready) -> Outcome:
            name = self.name_of(printer_id)
            if self.read_only:
                return Outcome(kind, printer_id, name, Result.SKIPPED, f"{READ_ONLY}.")
            if not await ready():
                return Outcome(kind, printer_id, name, Result.SKIPPED, STOPPED)
            try:
                result = await self.client.print_file(file_id, printer_id, only_queue=only_queue)
            except PrinterOSError as exc:
                return self._failed(kind, printer_id, name, exc, None)
            return Outcome(kind, printer_id, name, Result.DONE, "", result.job_id)

        return await self._each(kind, printer_ids, send, 0.0, on_outcome, stop)

    async def _each(
        self,
        kind: str,
        printer_ids: list[int],
        send: Callable[[int, Ready], Awaitable[Outcome]],
        stagger_seconds: float,
        on_outcome: Callable[[Outcome], None] | None,
        stop: asyncio.Event | None,
    ) -> list[Outcome]:
        """One `send` per printer with bounded concurrency (or one at a time when staggered)."""
        semaphore = asyncio.Semaphore(1 if stagger_seconds else self.concurrency)
        outcomes: dict[int, Outcome] = {}
        sent = 0

        async def ready() -> bool:
            """Just before a request goes out: wait the stagger; False if the run was stopped."""
            nonlocal sent
            if stagger_seconds and sent:
                await self._wait(stagger_seconds, stop)
            if stop is not None and stop.is_set():
                return False
            sent += 1
            return True

        async def one(printer_id: int) -> None:
            async with semaphore:
                try:
                    outcome = await send(printer_id, ready)
                finally:
                    self.release(kind, [printer_id])
                outcomes[printer_id] = outcome
                log.info(
                    "action %s sent to printer %s (job %s): %s %s",
                    kind,
                    printer_id,
                    outcome.job_id,
                    outcome.result,
                    outcome.message,
                )
                if on_outcome is not None:
                    on_outcome(outcome)

        try:
            await asyncio.gather(*(one(pid) for pid in printer_ids))
        finally:
            self.release(kind, printer_ids)  # a cancelled run frees what it did not send
        return [outcomes[pid] for pid in printer_ids if pid in outcomes]

    async def _wait(self, seconds: float, stop: asyncio.Event | None) -> None:
        """Sleep the stagger, or less if the run is stopped meanwhile."""
        if stop is None:
            await self.sleep(seconds)
            return
        sleeper = asyncio.ensure_future(self.sleep(seconds))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, stopper):
                task.cancel()

    async def _send(self, kind: str, printer_id: int, job_id: int | None, ready: Ready | None = None) -> Outcome:
        spec = ACTIONS[kind]
        name = self.name_of(printer_id)
        if self.read_only:
            return Outcome(kind, printer_id, name, Result.SKIPPED, f"{READ_ONLY}.", job_id)
        try:
            if spec.target is Target.PRINTER:
                if ready is not None and not await ready():
                    return Outcome(kind, printer_id, name, Result.SKIPPED, STOPPED)
                await spec.send(self.client, printer_id)
            else:
                if job_id is None:
                    job_id = await self.job_for(spec.target, printer_id)
                if job_id is None:
                    what = "queued job" if spec.target is Target.OLDEST_QUEUED else "running job"
                    return Outcome(kind, printer_id, name, Result.SKIPPED, f"has no {what} to {spec.verb}.")
                if ready is not None and not await ready():
                    return Outcome(kind, printer_id, name, Result.SKIPPED, STOPPED, job_id)
                await spec.send(self.client, job_id)
        except PrinterOSError as exc:
            return self._failed(kind, printer_id, name, exc, job_id)
        return Outcome(kind, printer_id, name, Result.DONE, "", job_id)

    @staticmethod
    def _failed(kind: str, printer_id: int, name: str, exc: PrinterOSError, job_id: int | None) -> Outcome:
        """A failed request as an outcome: refused in the cloud's words, not sent, or unknown."""
        if isinstance(exc, AuthError):
            message = f"the cloud ended the session ({exc.message})."  # the result says "not sent"
            return Outcome(kind, printer_id, name, Result.SESSION_ENDED, message, job_id)
        if isinstance(exc, ApiError):
            return Outcome(kind, printer_id, name, Result.REFUSED, exc.message, job_id)
        if exc.outcome_unknown:  # sent, but the answer was lost: the cloud may have acted
            return Outcome(kind, printer_id, name, Result.UNKNOWN, exc.message, job_id)
        message = f"the cloud could not be reached ({exc.message})."
        return Outcome(kind, printer_id, name, Result.NOT_SENT, message, job_id)

    async def job_for(self, target: Target, printer_id: int) -> int | None:
        """The job a printer-level key acts on: the running one, or the oldest queued one."""
        current = self.store.current_jobs.get(printer_id)
        if target is Target.RUNNING and current is not None and current.job_id is not None:
            return current.job_id
        page = await self.client.get_printer_jobs(printer_id, is_actual=True, limit=50)
        wanted = JobStatus.QUEUED if target is Target.OLDEST_QUEUED else JobStatus.PRINTING
        jobs = sorted((job for job in page.jobs if job.status is wanted), key=lambda job: job.id)
        return jobs[0].id if jobs else None

    async def requeue(self, printer_id: int, job_id: int) -> tuple[str, int]:
        """Queue the file of an earlier job on this printer again: (file name, new job id)."""
        info = await self.client.get_job_info(job_id)
        if info.file_id is None:
            raise ApiError(f"Job {job_id} names no file to print again.")
        queued = await self.client.print_file(info.file_id, printer_id, only_queue=True)
        return info.filename, queued.job_id

    async def move(self, job_id: int, source_id: int, target_id: int) -> MoveOutcome:
        """Queue the job's file on `target_id` first, then cancel the job here; each step reported.

        In that order a failure never loses the job: at worst it is queued twice, and said so.
        """
        source, target = self.name_of(source_id), self.name_of(target_id)
        try:
            info = await self.client.get_job_info(job_id)
            if info.file_id is None:
                raise ApiError(f"Job {job_id} names no file to queue elsewhere.")
            queued = await self.client.print_file(info.file_id, target_id, only_queue=True)
        except PrinterOSError as exc:
            return MoveOutcome(job_id, "", source, target, queue_error=exc.message)
        try:
            await self.client.job_cancel(job_id)
        except PrinterOSError as exc:
            return MoveOutcome(job_id, info.filename, source, target, queued.job_id, cancel_error=exc.message)
        return MoveOutcome(job_id, info.filename, source, target, queued.job_id)


@dataclass(frozen=True)
class MoveOutcome:
    job_id: int
    filename: str
    source: str
    target: str
    new_job_id: int | None = None
    queue_error: str | None = None
    cancel_error: str | None = None

    @property
    def moved(self) -> bool:
        return self.new_job_id is not None and self.cancel_error is None

    @property
    def sentence(self) -> str:
        if self.new_job_id is None:
            return (
                f"Could not queue job {self.job_id}'s file on {self.target}: {self.queue_error} "
                f"Nothing changed: the job stays on {self.source}."
            )
        queued = f"1. queued on {self.target} as job {self.new_job_id}"
        if self.cancel_error is not None:
            return (
                f"{queued}; 2. the cloud refused to cancel job {self.job_id} on {self.source}: {self.cancel_error} "
                f"The file is now queued twice (job {self.job_id} on {self.source}, job {self.new_job_id} "
                f"on {self.target})."
            )
        return f"{queued}; 2. job {self.job_id} cancelled on {self.source}."
