"""What happened on the farm: events found by comparing each poll with the one before.

Plain Python (no Textual): the app runs the detector at every poll, and a command-line consumer
can run the same detector and stream the same events. The records are pydantic models so the
event log is written and read without any hand-made JSON.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from api import JobStatus, Printer, PrinterState
from api import one_line as api_one_line
from api import state_words as api_state_words
from api.records import share_fields

from .formatting import whole_minutes


class EventKind(StrEnum):
    JOB_STARTED = "job_started"
    FINISHED = "finished"
    FAILED = "failed"
    PAUSED = "paused"
    RESUMED = "resumed"
    CANCELLED = "cancelled"
    OFFLINE = "offline"
    ONLINE = "online"
    TRAY_CLEARED = "tray_cleared"
    STALLED = "stalled"
    TEMPERATURE = "temperature"
    ACTION = "action"


@dataclass(frozen=True)
class KindLook:
    glyph: str
    words: str  # what happened, after the printer's name
    severity: Literal["information", "warning", "error"]  # the notice's look


KIND_LOOK: dict[EventKind, KindLook] = {
    EventKind.JOB_STARTED: KindLook("▶", "started a job", "information"),
    EventKind.FINISHED: KindLook("■", "finished: bed not clear", "information"),
    EventKind.FAILED: KindLook("!", "failed", "error"),
    EventKind.PAUSED: KindLook("‖", "paused", "warning"),
    EventKind.RESUMED: KindLook("▶", "resumed", "information"),
    EventKind.CANCELLED: KindLook("×", "job cancelled", "warning"),
    EventKind.OFFLINE: KindLook("×", "went offline", "error"),
    EventKind.ONLINE: KindLook("○", "came back online", "information"),
    EventKind.TRAY_CLEARED: KindLook("○", "tray marked clear", "information"),
    EventKind.STALLED: KindLook("⧗", "stalled", "error"),
    EventKind.TEMPERATURE: KindLook("≈", "temperature off target", "error"),
    EventKind.ACTION: KindLook("→", "action sent", "information"),
}


class KeptByTheThousand(BaseModel):
    """A frozen model the app keeps thousands of (the event log's last 5,000 events, what was seen of
    each printer): they share pydantic's per-model set of field names (`api.records.share_fields`),
    ~200 bytes and one more object for every garbage collection each."""

    model_config = ConfigDict(frozen=True)

    def model_post_init(self, context: Any) -> None:
        share_fields(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        return share_fields(super().model_copy(update=update, deep=deep))


class Event(KeptByTheThousand):
    """One thing that happened to one printer. `count` > 1: a flap folded into this event."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:16])
    time: datetime
    printer_id: int
    printer_name: str = ""
    kind: EventKind
    job_id: int | None = None
    filename: str = ""
    detail: str = ""
    who: str = ""
    count: int = 1
    while_away: bool = False
    state: str = ""  # the printer's state after the event, as the cloud sent it
    updated: datetime | None = None  # last change of a folded or completed event
    # A correction that is news of its own (a failure the list took for a cancel): alerted once,
    # when it is published; never written to the log, so a restart does not alert it again.
    retold: bool = Field(default=False, exclude=True)

    @property
    def what(self) -> str:
        """What happened, in words (without the printer's name)."""
        words = self.detail if self.kind is EventKind.ACTION else KIND_LOOK[self.kind].words
        if self.detail and self.kind is not EventKind.ACTION:
            words = f"{words}: {self.detail}"
        if self.count > 1:
            words = f"{words} (×{self.count} within a minute, now {state_words(self.state)})"
        if self.while_away:
            words = f"{words} (while farmdash was not running)"
        return words

    @property
    def summary(self) -> str:
        return f"{self.printer_name or f'#{self.printer_id}'} {self.what}"


class PrinterSeen(KeptByTheThousand):
    """What was last seen of a printer: enough to tell, after a restart, what changed meanwhile."""

    state: str
    name: str = ""
    job_id: int | None = None
    filename: str = ""
    since: datetime | None = None  # when this state was first seen


@dataclass
class DetectorSettings:
    stall_seconds: float = 600.0
    temperature_tolerance: float = 15.0
    temperature_seconds: float = 60.0
    # A heater still warming up is not "off target": it gets this long to reach its target first.
    heatup_seconds: float = 900.0
    flap_seconds: float = 60.0
    # How long after farmdash sent an action the matching change is put down to it.
    action_seconds: float = 120.0


_BUSY = {PrinterState.PRINTING, PrinterState.PAUSED, PrinterState.DOWNLOADING}
_RUNNING = {PrinterState.PRINTING, PrinterState.DOWNLOADING}
_ENDED = {PrinterState.BED_NOT_CLEAR, PrinterState.READY}
# Changes that can go back and forth: folded into one event when they do so quickly.
_FLAPS = {EventKind.OFFLINE, EventKind.ONLINE, EventKind.PAUSED, EventKind.RESUMED}
# Which action kind (of the action table) explains which change.
_ACTION_EXPLAINS = {
    "pause": EventKind.PAUSED,
    "resume": EventKind.RESUMED,
    "cancel": EventKind.CANCELLED,
    "tray": EventKind.TRAY_CLEARED,
    "start": EventKind.JOB_STARTED,
}


@dataclass
class _Heater:
    target: float
    since: datetime
    reached: bool = False
    off_since: datetime | None = None
    alerted: bool = False


@dataclass
class _Track:
    """Per printer: what the detector remembers between polls."""

    seen: PrinterSeen
    percent: float = 0.0
    progress_since: datetime | None = None
    stalled: bool = False
    heaters: dict[int, _Heater] = field(default_factory=dict)
    last_event: Event | None = None
    last_pair: frozenset[str] | None = None
    state_before_offline: str | None = None
    expected: dict[EventKind, tuple[str, datetime]] = field(default_factory=dict)


OBSERVE_SLICE = 500  # printers between two yields of `observe_steps`: ~1-2 ms


class EventDetector:
    """Compares each poll with what was last seen and says what happened, once."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        self._tracks: dict[int, _Track] = {}
        self._seeded: dict[int, PrinterSeen] = {}
        self._started = False
        self._seen_changes: dict[int, PrinterSeen] = {}
        self._now: datetime | None = None

    def seed(self, seen: dict[int, PrinterSeen]) -> None:
        """Last known states from the log: the first poll reports what changed meanwhile."""
        self._seeded = dict(seen)

    @property
    def seen(self) -> dict[int, PrinterSeen]:
        return {pid: track.seen for pid, track in self._tracks.items()}

    def since(self, printer_id: int) -> datetime | None:
        """When the printer's present state was first seen (kept across a restart)."""
        track = self._tracks.get(printer_id)
        return track.seen.since if track else None

    def pop_seen_changes(self) -> dict[int, PrinterSeen]:
        """What was last seen, for the printers whose record changed since the last call (for the log)."""
        changes, self._seen_changes = self._seen_changes, {}
        return changes

    def observe(self, printers: Iterable[Printer], now: datetime) -> list[Event]:
        """One poll of the farm: the new events, and updated ones (same id) for folded flaps."""
        events: list[Event] = []
        for _ in self.observe_steps(printers, now, events):
            pass
        return events

    def observe_steps(self, printers: Iterable[Printer], now: datetime, events: list[Event]) -> Iterator[None]:
        """`observe` a slice of printers at a time, adding to `events`: the caller lets the event
        loop run between two slices (5,000 printers never hold it long enough to delay a key)."""
        self._now = now
        first = not self._started
        self._started = True
        for count, printer in enumerate(printers, 1):
            if count % OBSERVE_SLICE == 0:
                yield
            track = self._tracks.get(printer.id)
            if track is None:
                track = self._first_sight(printer, now, first)
                seeded = first and printer.id in self._seeded
                if seeded:
                    events.extend(self._compare(track, printer, now, while_away=True))
                if printer.state_kind is PrinterState.PRINTING:
                    self._watch_temperatures(track, printer, now)  # start the clocks; nothing to tell yet
                self._note_seen(printer.id, track, printer, record=not seeded)
                continue
            # Most printers change nothing between two polls: only strings are compared for them.
            if printer.state != track.seen.state:
                events.extend(self._compare(track, printer, now, while_away=False))
            if printer.state_kind is PrinterState.PRINTING:
                events.extend(self._watch_progress(track, printer, now))
                events.extend(self._watch_temperatures(track, printer, now))
            else:
                track.progress_since = None  # the stall clock starts again when printing does
                if track.heaters:
                    track.heaters.clear()
            if printer.state != track.seen.state or printer.name != track.seen.name:
                self._note_seen(printer.id, track, printer)
        self._seeded = {}

    def note_job(self, printer_id: int, job_id: int | None, filename: str) -> Event | None:
        """The running job of a printer, once looked up: fills in a fresh "job started" event."""
        track = self._tracks.get(printer_id)
        if track is None or job_id is None:
            return None
        filename = one_line(filename)
        if track.seen.job_id == job_id and track.seen.filename == filename:
            return None
        track.seen = track.seen.model_copy(update={"job_id": job_id, "filename": filename})
        self._seen_changes[printer_id] = track.seen
        last = track.last_event
        if last is not None and last.kind is EventKind.JOB_STARTED and last.job_id is None:
            update = {"job_id": job_id, "filename": filename, "updated": self._now or last.time}
            track.last_event = last.model_copy(update=update)
            return track.last_event
        return None

    def note_action(self, printer_id: int, action: str, who: str, now: datetime) -> None:
        """farmdash sent `action` to the printer: the change it causes is put down to `who`."""
        track = self._tracks.get(printer_id)
        kind = _ACTION_EXPLAINS.get(action)
        if track is not None and kind is not None:
            track.expected[kind] = (who, now)

    def adopt(self, event: Event) -> None:
        """An event completed outside (its job's outcome read): keep the printer's last event in step."""
        track = self._tracks.get(event.printer_id)
        if track is not None and track.last_event is not None and track.last_event.id == event.id:
            track.last_event = event

    # --- inside ---------------------------------------------------------------------------------

    def _first_sight(self, printer: Printer, now: datetime, first: bool) -> _Track:
        seen = self._seeded.get(printer.id) if first else None
        seen = seen or PrinterSeen(state=printer.state, name=printer.name, since=now)
        track = _Track(seen=seen, percent=printer.progress, progress_since=now)
        self._tracks[printer.id] = track
        return track

    def _note_seen(self, printer_id: int, track: _Track, printer: Printer, *, record: bool = False) -> None:
        seen = track.seen
        if seen.state != printer.state or seen.name != printer.name:
            keep_job = printer.state_kind in _BUSY or printer.state_kind is PrinterState.OFFLINE
            track.seen = PrinterSeen(
                state=printer.state,
                name=printer.name,
                job_id=seen.job_id if keep_job else None,
                filename=seen.filename if keep_job else "",
                since=seen.since if seen.state == printer.state else self._now,
            )
            record = True
        if record:
            self._seen_changes[printer_id] = track.seen

    def _compare(self, track: _Track, printer: Printer, now: datetime, *, while_away: bool) -> list[Event]:
        before = PrinterState.parse(track.seen.state)
        after = printer.state_kind
        if before is after:
            return []
        kinds: list[tuple[EventKind, str]] = []
        if after is PrinterState.OFFLINE:
            track.state_before_offline = track.seen.state
            kinds.append((EventKind.OFFLINE, ""))
        elif before is PrinterState.OFFLINE:
            kinds.append((EventKind.ONLINE, ""))
            was = PrinterState.parse(track.state_before_offline or "")
            kinds.extend((kind, "while offline") for kind in _transition(was, after, printer))
            track.state_before_offline = None
        else:
            kinds.extend((kind, "") for kind in _transition(before, after, printer))
        events = []
        for index, (kind, detail) in enumerate(kinds):
            event = self._make(track, printer, kind, now, detail=detail, while_away=while_away)
            events.append(self._fold(track, event, before, after, now) if index == 0 else self._keep(track, event))
        if after in _RUNNING and before not in _BUSY:
            track.progress_since, track.percent, track.stalled = now, printer.progress, False
        return events

    def _make(
        self, track: _Track, printer: Printer, kind: EventKind, now: datetime, *, detail: str = "", while_away=False
    ) -> Event:
        who = ""
        expected = track.expected.pop(kind, None)
        if expected is not None and (now - expected[1]).total_seconds() <= self.settings.action_seconds:
            who = expected[0]
        if kind is EventKind.FAILED and not detail:
            detail = cloud_reason(printer)
        job_id, filename = track.seen.job_id, track.seen.filename
        if kind is EventKind.JOB_STARTED:
            job_id, filename = None, ""
        return Event(
            time=now,
            printer_id=printer.id,
            printer_name=one_line(printer.name),
            kind=kind,
            job_id=job_id,
            filename=filename,
            detail=detail,
            who=who,
            while_away=while_away,
            state=printer.state,
        )

    def _fold(self, track: _Track, event: Event, before: PrinterState, after: PrinterState, now: datetime) -> Event:
        """Back and forth between the same two states within a minute: one event, counted."""
        pair = state_pair(before.value, after.value)
        last = track.last_event
        window = self.settings.flap_seconds
        if (
            last is not None
            and not event.while_away
            and not (event.who or last.who)  # a person paused and resumed: two events, not a flap
            and track.last_pair == pair
            and last.kind in _FLAPS
            and event.kind in _FLAPS
            and (now - (last.updated or last.time)).total_seconds() <= window
        ):
            folded = last.model_copy(update={"count": last.count + 1, "updated": now, "state": event.state})
            track.last_event = folded
            return folded
        track.last_pair = pair
        return self._keep(track, event)

    def _keep(self, track: _Track, event: Event) -> Event:
        track.last_event = event
        return event

    def _watch_progress(self, track: _Track, printer: Printer, now: datetime) -> list[Event]:
        if printer.progress != track.percent or track.progress_since is None:
            track.percent, track.progress_since, track.stalled = printer.progress, now, False
            return []
        stuck = (now - track.progress_since).total_seconds()
        if track.stalled or stuck < self.settings.stall_seconds:
            return []
        track.stalled = True
        minutes = whole_minutes(stuck)  # truncated, as on the cards
        detail = f"progress {printer.progress:g}% unchanged for {minutes} min"
        return [self._make(track, printer, EventKind.STALLED, now, detail=detail)]

    def _watch_temperatures(self, track: _Track, printer: Printer, now: datetime) -> list[Event]:
        s = self.settings
        events = []
        targets = printer.target_temps or ()
        for index, target in enumerate(targets):
            actual = printer.temps[index] if printer.temps and index < len(printer.temps) else None
            if not target or actual is None:
                track.heaters.pop(index, None)
                continue
            heater = track.heaters.get(index)
            if heater is None or heater.target != target:
                heater = track.heaters[index] = _Heater(target=target, since=now)
            off = abs(actual - target) > s.temperature_tolerance
            if not off:
                heater.reached, heater.off_since, heater.alerted = True, None, False
                continue
            if not heater.reached and (now - heater.since).total_seconds() < s.heatup_seconds:
                continue  # still warming up
            if heater.off_since is None:
                heater.off_since = now
            if heater.alerted or (now - heater.off_since).total_seconds() < s.temperature_seconds:
                continue
            heater.alerted = True
            name = "bed" if index == 0 else ("nozzle" if len(targets) == 2 else f"nozzle {index}")
            detail = f"{name} {actual:.0f}° (target {target:.0f}°)"
            events.append(self._make(track, printer, EventKind.TEMPERATURE, now, detail=detail))
        return events


def _transition(before: PrinterState, after: PrinterState, printer: Printer) -> list[EventKind]:
    """The events a change of state means (offline aside)."""
    if after is PrinterState.ERROR:
        return [EventKind.FAILED]
    if after is PrinterState.PAUSED:
        return [EventKind.PAUSED] if before in _RUNNING else []
    if after in _RUNNING:
        if before is PrinterState.PAUSED:
            return [EventKind.RESUMED]
        if before in _RUNNING:
            return []
        cleared = [EventKind.TRAY_CLEARED] if before in (PrinterState.BED_NOT_CLEAR, PrinterState.ERROR) else []
        return [*cleared, EventKind.JOB_STARTED]
    if after in _ENDED and before in _BUSY:
        # From the list alone: a job that reached 100% finished; one that stopped short was cancelled.
        return [EventKind.FINISHED if printer.progress >= 99.5 else EventKind.CANCELLED]
    if after is PrinterState.READY and before in (PrinterState.BED_NOT_CLEAR, PrinterState.ERROR):
        return [EventKind.TRAY_CLEARED]
    return []


_REASON_KEYS = ("error_message", "error", "reason", "state_message", "message")


def cloud_reason(printer: Printer) -> str:
    """The cloud's own words for an error, when its printer record carries any."""
    extra = printer.model_extra or {}
    for key in _REASON_KEYS:
        value = extra.get(key)
        if isinstance(value, str) and value.strip():
            return one_line(value)
    return ""


def one_line(text: str) -> str:
    """Cloud text for one line (the client's cleaning: no break, control, bidi or zero-width character)."""
    return api_one_line(text).strip()


@functools.cache
def state_pair(one: str, other: str) -> frozenset[str]:
    """One object per pair of states, however many printers' tracks hold it."""
    return frozenset((one, other))


ENDINGS = frozenset({EventKind.FINISHED, EventKind.CANCELLED, EventKind.FAILED})


def ended_as(
    event: Event, job_id: int, status: JobStatus, now: datetime, *, reason: str = "", filename: str = ""
) -> Event:
    """An end event corrected by its job's own record: how it really ended, why, and its file."""
    kind = {JobStatus.FINISHED: EventKind.FINISHED, JobStatus.FAILED: EventKind.FAILED}.get(
        status, EventKind.CANCELLED if status is JobStatus.ABORTED else event.kind
    )
    update = {
        "kind": kind,
        "job_id": job_id,
        "filename": event.filename or one_line(filename),
        "detail": one_line(reason) or event.detail,
        "updated": now,
        "retold": kind is EventKind.FAILED and event.kind is not EventKind.FAILED,
    }
    return event.model_copy(update=update)


def state_words(raw: str) -> str:
    """A state as a few words ("bed not clear", "offline"), for event texts: the client's words."""
    return api_state_words(raw)


def action_event(
    now: datetime,
    printer_id: int,
    printer_name: str,
    text: str,
    *,
    who: str = "",
    job_id: int | None = None,
    filename: str = "",
) -> Event:
    """The audit record of an action farmdash sent, with its outcome in words."""
    return Event(
        time=now,
        printer_id=printer_id,
        printer_name=one_line(printer_name),
        kind=EventKind.ACTION,
        job_id=job_id,
        filename=one_line(filename),
        detail=one_line(text),
        who=who,
    )
